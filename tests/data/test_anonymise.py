"""The pipeline in-process: column maps, value maps, times, rejects, and the unverified path."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest

from harness.data.anonymise import ResidualPiiFound, anonymise
from harness.data.columns import load_map
from harness.data.schema import TICKET_COLUMNS
from harness.errors import ConfigError, HarnessError
from tests.data import bad
from tests.data.exports import HEADERS, build, write_csv

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "fixtures" / "maps" / "helpdesk-zh.yaml"
KEY = bytes(range(32))
BAD_MAPS = sorted(bad.MAPS.glob("*.yaml"))


def test_the_shipped_map_is_valid() -> None:
    spec = load_map(SHIPPED).spec
    assert spec.key_fields() == ["phone", "email", "customer_name"]
    assert {c.column for c in spec.columns.values()} <= set(HEADERS)


def test_the_bad_map_corpus_is_complete() -> None:
    assert len(BAD_MAPS) >= 10
    assert sorted(p.stem for p in bad.MAPS.glob("*.expected")) == [p.stem for p in BAD_MAPS]


@pytest.mark.parametrize("path", BAD_MAPS, ids=lambda p: p.stem)
def test_a_bad_map_gives_the_expected_message(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    with pytest.raises(ConfigError) as info:
        load_map(path.relative_to(ROOT))
    expected = path.with_suffix(".expected").read_text(encoding="utf-8")
    assert f"exit code: {info.value.exit_code}\n{info.value}\n" == expected
    lines = len(info.value.problems)
    assert lines == (3 if path.stem == "three-mistakes" else 1)


def _map(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "map.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _run(tmp_path: Path, rows: list[dict[str, str]], map_path: Path = SHIPPED) -> pd.DataFrame:
    export = build(1)
    export.rows = rows
    source = write_csv(tmp_path / "export.csv", export)
    result = anonymise(source, map_path, tmp_path / "out.parquet", key=KEY, accept_rejects=True)
    assert result.rows_in == len(rows) == result.rows_out + result.rejects
    return pd.read_parquet(tmp_path / "out.parquet")


def test_rows_map_to_the_canonical_table(tmp_path: Path) -> None:
    export = build(40)
    source = write_csv(tmp_path / "export.csv", export, encoding="gbk")
    result = anonymise(source, SHIPPED, tmp_path / "out.parquet", key=KEY)
    assert (result.rows_in, result.rejects) == (40, len(export.bad_rows))
    assert result.verified and result.encoding == "gb18030"
    frame = pd.read_parquet(tmp_path / "out.parquet")
    assert {c: str(t) for c, t in frame.dtypes.items()} == TICKET_COLUMNS
    first = frame.iloc[0]
    raw = export.rows[0]
    assert first["external_id"] == raw["工单号"]
    shanghai = pd.Timestamp(raw["创建时间"], tz="Asia/Shanghai")
    assert first["created_at"] == shanghai.tz_convert("UTC")  # local time stored as UTC
    assert first["assigned_at"] > first["created_at"]  # 2024/11/10 ... read without a format
    assert set(frame["channel"]) <= {"wechat", "phone", "web", "app", "email"}
    assert set(frame["priority"]) <= {"urgent", "high", "normal", "low"}
    slugs = {
        "退款": "refunds",
        "物流": "logistics",
        "发票": "billing",
        "账号": "account",
        "质量": "quality",
        "售后维修": "售后维修",
    }  # the last one is unmapped: kept as is
    kept = [r["问题分类"] for i, r in enumerate(export.rows) if i not in export.bad_rows]
    assert frame["category"].tolist() == [slugs[c] for c in kept]
    assert "售后维修" in kept
    assert frame["resolved_at"].isna().all() and frame["messages"].isna().all()


def test_rejects_name_row_field_and_reason_but_never_a_value(tmp_path: Path) -> None:
    rows = build(5).rows
    rows[1]["创建时间"] = "13800138000"  # a phone typed into the time column
    rows[2]["渠道"] = "微博"
    rows[3]["优先级"] = "非常紧急"
    rows[4]["工单号"] = " "
    frame = _run(tmp_path, rows)
    assert len(frame) == 1
    raw = (tmp_path / "out.rejects.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the BOM as UTF-8
    rejects = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rejects[0] == ["row", "field", "reason"]
    assert [r[:2] for r in rejects[1:]] == [
        ["3", "created_at"], ["4", "channel"], ["5", "priority"], ["6", "external_id"],
    ]  # fmt: skip
    assert rejects[2][2] == "value not in the map (mapped: 微信, 电话, 网页, APP, 邮件)"
    for value in ("13800138000", "微博", "非常紧急"):
        assert value not in raw.decode("utf-8-sig")
    meta = json.loads((tmp_path / "out.meta.json").read_text(encoding="utf-8"))
    assert meta["rows"] == {"in": 5, "out": 1, "rejected": 4}
    assert meta["rejects_by_reason"]["external_id: empty, but every ticket needs it"] == 1


def test_category_can_reject_unmapped_values_and_enums_accept_canonical_ones(
    tmp_path: Path,
) -> None:
    rows = build(4).rows
    for row, category, channel in zip(rows, ["退款", "售后维修", "退款", "退款"],
                                      ["WeChat", "web", "电话", "weibo"], strict=True):  # fmt: skip
        row["问题分类"], row["渠道"] = category, channel
    text = SHIPPED.read_text(encoding="utf-8").replace("unmapped: keep", "unmapped: reject")
    frame = _run(tmp_path, rows, _map(tmp_path, text))
    assert frame["channel"].tolist() == ["wechat", "phone", "weibo"]
    assert frame["category"].tolist() == ["refunds"] * 3


def test_constant_values_and_whole_numbers(tmp_path: Path) -> None:
    text = (
        "columns:\n  external_id: 工单号\n  created_at: 创建时间\n  channel: {value: email}\n"
        "  category: {value: refunds}\n  messages: 优先级\n"
        "drop: [分配时间, 渠道, 问题分类, 标题, 内容, 客户姓名, 手机号, 邮箱, 处理人]\n"
    )
    rows = build(3).rows
    for row, count in zip(rows, ["3", "7.0", "很多"], strict=True):
        row["优先级"] = count
    frame = _run(tmp_path, rows, _map(tmp_path, text))
    assert frame["channel"].tolist() == ["email", "email"]
    assert frame["messages"].tolist() == [3, 7]
    assert frame["customer_key"].isna().all()


def test_pseudonyms_do_not_depend_on_row_order(tmp_path: Path) -> None:
    rows = build(60).rows
    forward = _run(tmp_path, rows).set_index("external_id")
    backward = _run(tmp_path, rows[::-1]).set_index("external_id")
    columns = ["phone", "customer_name", "email", "agent", "customer_key"]
    assert forward[columns].sort_index().equals(backward[columns].sort_index())


def test_a_leak_keeps_the_output_unverified_and_says_where(tmp_path: Path) -> None:
    # external_id is not PII in the map, so mapping the phone column there leaks every phone
    text = SHIPPED.read_text(encoding="utf-8").replace("external_id: 工单号", "external_id: 手机号")
    text += "drop: [工单号]\n"
    (tmp_path / "out.parquet").write_bytes(b"an older output")
    export = build(20)
    source = write_csv(tmp_path / "export.csv", export)
    with pytest.raises(ResidualPiiFound) as info:
        anonymise(source, _map(tmp_path, text), tmp_path / "out.parquet", key=KEY)
    assert info.value.exit_code == 1
    message = str(info.value)
    assert "FAIL" in message and "column external_id" in message and "row 2," in message
    assert not any(row["手机号"] in message for row in export.rows)
    assert not (tmp_path / "out.parquet").exists()  # the stale output is gone, not presented
    assert (tmp_path / "out.unverified.parquet").exists()
    assert not list(tmp_path.glob(".*partial"))
    meta = json.loads((tmp_path / "out.meta.json").read_text(encoding="utf-8"))
    assert meta["verified"] is False and meta["scan"]["exact_hits"] > 0
    assert meta["parquet"] == "out.unverified.parquet"

    anonymise(source, SHIPPED, tmp_path / "out.parquet", key=KEY)  # fixed map: clean again
    assert (tmp_path / "out.parquet").exists()
    assert not (tmp_path / "out.unverified.parquet").exists()


@pytest.mark.parametrize(
    ("out", "message"),
    [("out.csv", "give a file name ending in .parquet"), ("no/such/out.parquet", "does not exist")],
)
def test_the_output_path_is_checked_first(tmp_path: Path, out: str, message: str) -> None:
    source = write_csv(tmp_path / "export.csv", build(3))
    with pytest.raises(ConfigError, match=message):
        anonymise(source, SHIPPED, tmp_path / out, key=KEY)


def test_processes_change_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Acceptance (a): output with worker processes equals the single-process output exactly."""
    import multiprocessing

    from harness.data import outputs, passes

    monkeypatch.setattr(passes, "CHUNK", 37)  # many chunks, so every phase is spread out
    monkeypatch.setattr(outputs, "ROW_GROUP", 61)  # many row groups to write and to scan
    forks = []
    real = multiprocessing.get_context

    def get_context(method: str) -> object:
        forks.append(method)
        return real(method)

    monkeypatch.setattr(multiprocessing, "get_context", get_context)
    export = build(400)
    source = write_csv(tmp_path / "export.csv", export, encoding="gbk")
    results = {}
    for jobs in (1, 3):
        (tmp_path / str(jobs)).mkdir()
        results[jobs] = anonymise(source, SHIPPED, tmp_path / str(jobs) / "out.parquet", key=KEY,
                                  jobs=jobs)  # fmt: skip
        assert forks == ([] if jobs == 1 else ["fork"] * 3)  # observe, rewrite, scan
    one, three = results[1], results[3]
    assert one.rows_in == 400 == one.rows_out + one.rejects
    assert one.rejects == len(export.bad_rows)
    assert one.verified and three.verified
    for field in ("rows_in", "rows_out", "rejects", "structured", "in_text", "reasons", "scan"):
        assert getattr(one, field) == getattr(three, field), field
    for name in ("out.parquet", "out.rejects.csv", "out.registry.json"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "3" / name).read_bytes(), name
    metas = [json.loads((tmp_path / j / "out.meta.json").read_text("utf-8")) for j in ("1", "3")]
    for meta in metas:
        del meta["created_at"]
    assert metas[0] == metas[1]


def test_jobs_must_be_positive(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "export.csv", build(3))
    with pytest.raises(ConfigError, match="--jobs 0: give 1 or more processes"):
        anonymise(source, SHIPPED, tmp_path / "out.parquet", key=KEY, jobs=0)


def test_a_file_that_changes_between_the_passes_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.data import passes

    export = build(30)
    source = write_csv(tmp_path / "export.csv", export)
    observe = passes.observe

    def observe_then_edit(*args: object, **kwargs: object) -> object:
        seen = observe(*args, **kwargs)  # type: ignore[arg-type]
        export.rows[3]["内容"] = "新的内容，联系电话13912345678"
        write_csv(source, export)
        return seen

    monkeypatch.setattr(passes, "observe", observe_then_edit)
    with pytest.raises(HarnessError, match="the file changed while it was read") as info:
        anonymise(source, SHIPPED, tmp_path / "out.parquet", key=KEY, jobs=1)
    assert "13912345678" not in str(info.value)
    assert not (tmp_path / "out.parquet").exists()


def _rejecting(tmp_path: Path, bad_every: int) -> Path:
    export = build(200, seed=5)
    fine = next(r["渠道"] for i, r in enumerate(export.rows) if i not in export.bad_rows)
    for i, row in enumerate(export.rows):
        row["渠道"] = fine
        row["创建时间"] = "昨天下午三点" if i % bad_every == 0 else "2026-11-11 10:00:00"
    return write_csv(tmp_path / "export.csv", export)


def test_more_than_a_fifth_rejected_stops_unless_accepted(tmp_path: Path) -> None:
    source = _rejecting(tmp_path, 4)  # 50 of 200 rows: 25 %
    with pytest.raises(HarnessError) as info:
        anonymise(source, SHIPPED, tmp_path / "out.parquet", key=KEY)
    message = str(info.value)
    assert info.value.exit_code == 1
    assert "export.csv: 50 of 200 rows rejected (25.0%, more than 1%)" in message
    assert (
        "created_at: not a time in the expected form" in message and "--accept-rejects" in message
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv", "out.rejects.csv"]
    assert len(pd.read_csv(tmp_path / "out.rejects.csv", encoding="utf-8-sig")) == 50
    result = anonymise(source, SHIPPED, tmp_path / "out.parquet", key=KEY, accept_rejects=True)
    assert result.verified and result.rows_out == 150
    assert result.warnings and "50 of 200 rows rejected" in result.warnings[0]


def test_more_than_one_percent_rejected_warns_with_the_top_reasons(tmp_path: Path) -> None:
    result = anonymise(_rejecting(tmp_path, 20), SHIPPED, tmp_path / "out.parquet", key=KEY)
    assert result.verified and result.rejects == 10
    [warning] = result.warnings
    assert "10 of 200 rows rejected (5.0%, more than 1%). Top reasons: created_at:" in warning
    zh = anonymise(
        _rejecting(tmp_path, 20), SHIPPED, tmp_path / "zh.parquet", key=KEY, lang="zh-CN"
    )
    assert "200 行中拒绝了 10 行（5.0%，超过 1%）" in zh.warnings[0]
    few = anonymise(_rejecting(tmp_path, 200), SHIPPED, tmp_path / "few.parquet", key=KEY)
    assert few.rejects == 1 and few.warnings == []  # 0.5 %: no warning


def test_the_maps_sheet_applies_to_workbooks_only(tmp_path: Path) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    assert "source:" in text
    mapped = _map(tmp_path, text.replace("source:", "source:\n  sheet: 工单导出", 1))
    export = build(20, seed=3)
    export.rows = [r for i, r in enumerate(export.rows) if i not in export.bad_rows]
    source = write_csv(tmp_path / "export.csv", export)
    assert anonymise(source, mapped, tmp_path / "out.parquet", key=KEY).rows_out == len(export.rows)
    with pytest.raises(ConfigError, match=r"--sheet 工单: .*export.csv is a CSV file"):
        anonymise(source, mapped, tmp_path / "flag.parquet", key=KEY, sheet="工单")


def test_an_overflowing_xlsx_record_is_a_reject_with_its_row(tmp_path: Path) -> None:
    import openpyxl

    from tests.data.exports import write_xlsx

    export = build(30, seed=4)
    path = write_xlsx(tmp_path / "export.xlsx", export)
    workbook = openpyxl.load_workbook(path)
    workbook.active.cell(row=7, column=len(HEADERS) + 1, value="溢出的一格")
    workbook.save(path)
    result = anonymise(path, SHIPPED, tmp_path / "out.parquet", key=KEY)
    rejects = pd.read_csv(result.paths.rejects, encoding="utf-8-sig")
    overflow = rejects[rejects["reason"].str.contains("right of the header's last column")]
    assert overflow["row"].tolist() == [7]
    assert result.rows_in == 30 == result.rows_out + result.rejects


def test_scan_names_a_finding_by_the_row_anonymise_and_the_rejects_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sys

    from harness.cli import main

    text = SHIPPED.read_text(encoding="utf-8").replace("external_id: 工单号", "external_id: 手机号")
    export = build(12, seed=2)
    export.rows[0]["创建时间"] = "昨天"  # line 2 rejected
    export.rows[1]["内容"] = "第一行\n第二行"  # line 3 spans two lines: the next starts on 5
    source = write_csv(tmp_path / "export.csv", export)
    with pytest.raises(ResidualPiiFound) as info:
        anonymise(source, _map(tmp_path, text + "drop: [工单号]\n"), tmp_path / "out.parquet",
                  key=KEY, accept_rejects=True)  # fmt: skip
    assert info.value.result is not None
    assert sorted({leak.row for leak in info.value.result.scan.leaks})[:2] == [3, 5]
    table = str(tmp_path / "out.unverified.parquet")
    monkeypatch.setattr(sys, "argv", ["csm-harness", "scan", table, "--lang", "en"])
    with pytest.raises(SystemExit):
        main()
    err = capsys.readouterr().err
    assert "row 3, column external_id" in err and "row 5, column external_id" in err
    assert "row 2, column" not in err
