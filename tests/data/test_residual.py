"""The residual scan finds planted real values where they are, and never prints them."""
# ruff: noqa: RUF001 -- full-width digits and letters in the test texts are the point

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from harness.data.pii import Hit, NameIndex, PiiKind
from harness.data.pseudonyms import Pseudonymiser
from harness.data.residual import Leak, scan_frame

KEY = bytes(range(32))
PHONE, ID, NAME = "13912345678", "11010519491231002X", "欧阳娜娜"
TEXTS = [
    "您好，我是欧阳娜娜，手机+86 139-1234-5678，麻烦尽快处理",
    "身份证11010519491231002x，银行卡6222 0212 3456 7890 128，王先生代收",
    "QQ：87654321，微信号：nana_2024，车牌粤B·12345，邮箱nana@qq.com",
    "收货地址：浙江省杭州市西湖区文三路90号3栋201室，座机0571-88886666",
    "订单号1264115433906158532怎么还没发货，客服电话400-810-8888",
    "付款显示失败但是扣了2869.57元，很生气！",
]


def exact(leaks: list[Leak]) -> list[tuple[int, int]]:
    return [(leak.row, leak.offset) for leak in leaks if leak.check == "exact"]


def anonymised() -> tuple[Pseudonymiser, pd.DataFrame]:
    p = Pseudonymiser(KEY)
    names = NameIndex([NAME])
    p.prepare(PiiKind.NAME, [NAME])
    rows = [p.replace_in_text(text, names=names)[0] for text in TEXTS]
    frame = pd.DataFrame(
        {
            "description": pd.array(rows, dtype="string"),
            "customer_name": [p.pseudonym(PiiKind.NAME, NAME)] * len(rows),
            "messages": range(len(rows)),
        }
    )
    return p, frame


def test_a_clean_anonymised_frame_passes() -> None:
    p, frame = anonymised()
    report = scan_frame(frame, inventory=p.inventory(), issued=p.issued)
    assert report.ok, report.summary()
    assert report.cells == 3 * len(TEXTS) and report.detector_hits >= 10
    assert report.summary().startswith(f"Residual-PII scan of {report.cells} cells: PASS.")
    assert "通过" in report.summary("zh-CN")


def test_planted_values_found_at_row_column_offset_never_shown() -> None:
    p, frame = anonymised()
    frame.loc[2, "description"] = "请回电" + PHONE  # the real phone, written plainly
    frame.loc[4, "customer_name"] = NAME  # a real name in a structured column
    frame.loc[5, "description"] = "备注：１３９ １２３４ ５６７８"  # full-width and spaced
    frame.loc[0, "messages"] = int(PHONE)  # a number column
    report = scan_frame(frame, inventory=p.inventory(), issued=p.issued)
    assert not report.ok
    exact = {(leak.row, leak.column, leak.offset) for leak in report.leaks if leak.check == "exact"}
    assert exact == {(2, "description", 3), (4, "customer_name", 0), (5, "description", 3),
                     (0, "messages", 0)}  # fmt: skip
    assert report.exact_hits == 4
    assert Leak("detector", "phone", 2, "description", 3) in report.leaks
    for lang in ("en", "zh-CN"):
        text = report.summary(lang)
        for real in p.inventory():
            assert real not in text
        assert "description" in text
    assert "row 2, column description, offset 3: exact (number)" in report.summary()
    assert "第 2 行，列 description，偏移 3：精确匹配（number）" in report.summary("zh-CN")


def test_detector_leak_without_inventory_and_allow_list() -> None:
    frame = pd.DataFrame({"text": ["联系我13812345678", "会员卡号88001234567", "一切正常"]})
    report = scan_frame(frame)
    assert [(leak.check, leak.kind, leak.row, leak.offset) for leak in report.leaks] == [
        ("detector", "phone", 0, 3),
        ("detector", "card", 1, 4),
    ]

    def members(hit: Hit) -> bool:
        return hit.value.startswith("8800")

    assert scan_frame(frame, allow=members).unknown_hits == 1
    assert scan_frame(frame, columns=["text"], issued={"13812345678"}, allow=members).ok


def test_real_inside_a_longer_pseudonym_is_not_a_leak_but_an_equal_one_is() -> None:
    frame = pd.DataFrame({"name": ["王伟华", "王伟"]})
    report = scan_frame(frame, inventory=["王伟"], issued={"王伟华"})
    assert [(leak.row, leak.offset) for leak in report.leaks] == [(1, 0)]
    clash = scan_frame(frame.iloc[1:], inventory=["王伟"], issued={"王伟"})
    assert clash.exact_hits == 1  # equal to a fake: indistinguishable, so counted


def test_a_fake_address_with_plain_words_before_it_is_no_leak() -> None:
    # 烦改成王路 reads as a street name to the detector; only the words before the fake are extra
    fake = "王路256号18栋3203室"
    frame = pd.DataFrame({"text": [f"收货地址填错了，麻烦改成{fake}", f"寄回广东省深圳市{fake}",
                                   f"科技园南路363号{fake}", f"中山北{fake}"]})  # fmt: skip
    report = scan_frame(frame, issued={fake})
    assert [leak.row for leak in report.leaks] == [2]  # a real street and number stay a leak
    assert scan_frame(frame.iloc[:2], issued=set()).unknown_hits == 2


def test_short_numbers_need_to_stand_alone_unless_canary_mode() -> None:
    texts = ["快递单号SF1876543219012", "SKU87654321", "会员87654321，", "QQ87654321", "654321",
             "编号654321号"]  # fmt: skip
    report = scan_frame(pd.DataFrame({"text": texts}), inventory=["87654321", "654321"])
    assert exact(report.leaks) == [(2, 2), (4, 0)]  # 5-6 digits only as a whole cell
    detector = [(leak.row, leak.kind) for leak in report.leaks if leak.check == "detector"]
    # the tracking number is an order by shape: no person; the QQ cue row: paranoid finds it
    assert detector == [(2, "qq"), (3, "qq"), (4, "qq")]
    canary = scan_frame(
        pd.DataFrame({"text": ["尾号3912345结束", "无关"]}), inventory=[PHONE], digit_substrings=7
    )
    assert exact(canary.leaks) == [(0, 2)]


def test_many_leaks_are_capped_and_counted() -> None:
    frame = pd.DataFrame({"text": [f"电话{PHONE}"] * 50})
    report = scan_frame(frame, inventory=[PHONE], max_leaks=30)
    assert report.exact_hits == 50 and report.unknown_hits == 50 and len(report.leaks) == 30
    summary = report.summary()
    assert "FAIL, 100 leaks" in summary and "... and 80 more" in summary
    assert PHONE not in summary and summary.count("offset 2") == 20


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_empty_frame(lang: str) -> None:
    report = scan_frame(pd.DataFrame({"a": pd.Series([], dtype="string")}))
    assert report.ok and report.cells == 0 and report.summary(lang)


def test_observing_every_text_first_rules_out_clashes() -> None:
    fake = Pseudonymiser(KEY).pseudonym(PiiKind.NAME, "张三丰")
    texts = ["我叫张三丰，急", f"我叫{fake}，谢谢"]  # someone's real name is 张三丰's fake

    one_pass = Pseudonymiser(KEY)
    frame = pd.DataFrame({"text": [one_pass.replace_in_text(t)[0] for t in texts]})
    report = scan_frame(frame, inventory=one_pass.inventory(), issued=one_pass.issued)
    assert one_pass.clashes == 1 and report.exact_hits == 1

    two_pass = Pseudonymiser(KEY)
    hits = [two_pass.observe_text(t) for t in texts]
    frame = pd.DataFrame(
        {"text": [two_pass.replace_hits(t, h)[0] for t, h in zip(texts, hits, strict=True)]}
    )
    report = scan_frame(frame, inventory=two_pass.inventory(), issued=two_pass.issued)
    assert two_pass.clashes == 0 and report.ok, report.summary()


def test_a_scan_in_processes_reports_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.data import residual

    monkeypatch.setattr(residual, "_SLICE", 7)  # leaks spread over many slices and workers
    p, frame = anonymised()
    frame = pd.concat([frame] * 5, ignore_index=True)
    frame.loc[[3, 11, 29], "description"] = [f"电话{PHONE}", TEXTS[1], f"{NAME}来电"]
    frame["when"] = pd.Timestamp("2024-11-11", tz="UTC")  # no cells to scan
    reals, fakes = p.inventory(), p.issued
    one = scan_frame(frame, inventory=reals, issued=fakes, max_leaks=4)
    assert not one.ok and len(one.leaks) == 4 and one.exact_hits + one.unknown_hits > 4
    assert scan_frame(frame, inventory=reals, issued=fakes, max_leaks=4, jobs=3) == one
    assert scan_frame(frame, jobs=3) == scan_frame(frame)


def test_the_file_scan_reports_what_the_frame_scan_does(tmp_path: Path) -> None:
    """scan_parquet (row group by row group, each distinct value judged once, in processes)
    gives the report scan_frame gives on the same table: counts, leaks and their order."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from harness.data.scan_table import scan_parquet

    p, frame = anonymised()
    frame = pd.concat([frame] * 5, ignore_index=True)
    frame.loc[2, "description"] = "请回电" + PHONE
    frame.loc[[4, 13, 27], "customer_name"] = NAME  # one real value on three rows
    frame.loc[[8, 9], "description"] = None
    frame.loc[11, "description"] = ""
    frame.loc[20, "messages"] = int(PHONE)
    path = tmp_path / "table.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=7)
    expected = scan_frame(frame, inventory=p.inventory(), issued=p.issued)
    assert not expected.ok and len(expected.leaks) >= 5
    for jobs in (1, 2):
        assert scan_parquet(path, inventory=p.inventory(), issued=p.issued, jobs=jobs) == expected


def test_the_file_scan_reads_the_file_there_now(tmp_path: Path) -> None:
    """anonymise writes the same partial path on every run: a second scan in one process must
    read the new table, not one it opened before."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from harness.data.scan_table import scan_parquet

    path = tmp_path / "table.parquet"
    pq.write_table(pa.table({"text": ["请回电" + PHONE]}), path)
    assert not scan_parquet(path, inventory=[PHONE]).ok
    pq.write_table(pa.table({"text": ["没有个人信息"]}), tmp_path / "next.parquet")
    (tmp_path / "next.parquet").replace(path)  # a new file under the old name, as publish does
    assert scan_parquet(path, inventory=[PHONE]).ok
