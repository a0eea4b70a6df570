"""Acceptance for issue 3, through the real CLI in subprocesses.

A 300-row raw export with planted PII (tests/data/exports.py) is anonymised as CSV UTF-8-BOM,
CSV GBK and XLSX; then: no planted value anywhere in any output, in = out + rejects, one
customer keeps one pseudonym and one key across channels and spellings, IDs in text pass the
check digit, the same key gives the same bytes and another key other pseudonyms, and the key is
in no output. Malformed inputs exit 2 with a message and leave no output presented as complete.
Subprocesses run in parallel to keep the module near 15 s.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from harness.data.pii import PiiKind, digits_only, find_pii, is_valid_id, luhn_ok, normalise
from tests.data import bad
from tests.data.exports import RawExport, build, write_csv, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
MAP = str(ROOT / "fixtures" / "maps" / "helpdesk-zh.yaml")
KEY_A = hashlib.sha256(b"csm-harness test key A").hexdigest()
KEY_B = hashlib.sha256(b"csm-harness test key B").hexdigest()
FORMATS = {"bom": "export-bom.csv", "gbk": "export-gbk.csv", "xlsx": "export.xlsx"}

Done = subprocess.CompletedProcess[str]


def _env(key: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CSM_")}
    env["CSM_HARNESS_LANG"] = "en"
    if key is not None:
        env["CSM_PSEUDONYM_KEY"] = key
    return env


def run_all(jobs: dict[str, tuple[list[str], str | None]], cwd: Path) -> dict[str, Done]:
    """Start every ``csm-harness`` command at once, then collect them."""
    started = {
        name: (args, subprocess.Popen([sys.executable, "-m", "harness", *args], cwd=cwd,
               env=_env(key), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        for name, (args, key) in jobs.items()
    }  # fmt: skip
    done = {}
    for name, (args, process) in started.items():
        out, err = process.communicate(timeout=120)
        done[name] = subprocess.CompletedProcess(args, process.returncode, out, err)
    return done


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RawExport, dict[str, Done]]:
    folder = tmp_path_factory.mktemp("anonymise")
    export = build(300)
    write_csv(folder / FORMATS["bom"], export, "utf-8-sig")
    write_csv(folder / FORMATS["gbk"], export, "gbk")
    write_xlsx(folder / FORMATS["xlsx"], export)
    jobs: dict[str, tuple[list[str], str | None]] = {
        name: (["anonymise", source, "--map", MAP, "--out", f"{name}.parquet"], KEY_A)
        for name, source in FORMATS.items()
    }
    jobs["again"] = (["anonymise", FORMATS["gbk"], "--map", MAP, "--out", "again.parquet"], KEY_A)
    jobs["other"] = (["anonymise", FORMATS["gbk"], "--map", MAP, "--out", "other.parquet"], KEY_B)
    return folder, export, run_all(jobs, folder)


def _outputs(folder: Path, name: str) -> str:
    """Everything a run wrote, as text: every Parquet cell, rejects, meta and registry."""
    frame = pd.read_parquet(folder / f"{name}.parquet")
    cells = "\n".join(str(v) for column in frame.columns for v in frame[column].tolist())
    sidecars = [folder / f"{name}.{suffix}" for suffix in ("rejects.csv", "meta.json",
                                                           "registry.json")]  # fmt: skip
    return "\n".join([cells, *(p.read_text(encoding="utf-8-sig") for p in sidecars)])


@pytest.mark.parametrize("name", FORMATS)
def test_counts_are_preserved_and_printed(made: tuple[Path, RawExport, dict[str, Done]],
                                          name: str) -> None:  # fmt: skip
    folder, export, runs = made
    done = runs[name]
    assert done.returncode == 0, done.stderr
    rejected = len(export.bad_rows)
    assert f"rows: 300 in = {300 - rejected} out + {rejected} rejected" in done.stdout
    assert "Residual-PII scan of" in done.stdout and "PASS." in done.stdout
    meta = json.loads((folder / f"{name}.meta.json").read_text(encoding="utf-8"))
    assert meta["rows"] == {"in": 300, "out": 300 - rejected, "rejected": rejected}
    assert meta["verified"] is True and meta["source"]["file"] == FORMATS[name]
    assert len(pd.read_parquet(folder / f"{name}.parquet")) == 300 - rejected
    rejects = pd.read_csv(folder / f"{name}.rejects.csv", encoding="utf-8-sig")
    assert dict(zip(rejects["row"], rejects["field"], strict=True)) == {
        i + 2: field for i, field in export.bad_rows.items()
    }


@pytest.mark.parametrize("name", [*FORMATS, "other"])
def test_no_planted_value_survives_anywhere(made: tuple[Path, RawExport, dict[str, Done]],
                                            name: str) -> None:  # fmt: skip
    folder, export, runs = made
    text = _outputs(folder, name) + runs[name].stdout + runs[name].stderr
    assert len(export.plant) > 400
    survivors = sorted(value for value in export.plant if value in text)
    assert survivors == []


def test_one_customer_keeps_one_pseudonym_across_channels_and_spellings(
    made: tuple[Path, RawExport, dict[str, Done]],
) -> None:
    folder, export, _ = made
    canary = export.customers[0]
    ids = {row["工单号"] for i, row in enumerate(export.rows)
           if row["客户姓名"] == canary.name and i not in export.bad_rows}  # fmt: skip
    spellings = {row["手机号"] for row in export.rows if row["客户姓名"] == canary.name}
    assert len(spellings) == 5  # plain, +86 spaced, dashed, 0086, full-width
    for name in FORMATS:
        frame = pd.read_parquet(folder / f"{name}.parquet").set_index("external_id").loc[list(ids)]
        assert set(frame["channel"]) == {"wechat", "phone", "app"}
        (fake,) = set(frame["phone"])
        (key,) = set(frame["customer_key"])
        assert fake != canary.phone and re.fullmatch(r"1[3-9]\d{9}", fake)
        assert frame["customer_name"].nunique() == 1
        in_text = [normalise(PiiKind.PHONE, hit.value) for text in frame["description"]
                   for hit in find_pii(text) if hit.kind is PiiKind.PHONE]  # fmt: skip
        assert in_text and set(in_text) == {fake}
        if name == "bom":
            first = (fake, key)
        assert (fake, key) == first  # the same in every format of the export


def test_pseudonymised_ids_and_cards_in_text_are_valid(
    made: tuple[Path, RawExport, dict[str, Done]],
) -> None:
    folder, export, _ = made
    text = "\n".join(pd.read_parquet(folder / "gbk.parquet")["description"])
    ids = re.findall(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])", text)
    cards = [digits_only(c) for c in re.findall(r"银行卡([\d ]{16,23}\d)", text)]
    assert len(ids) > 20 and len(cards) > 20
    assert all(is_valid_id(value) for value in ids)
    assert all(luhn_ok(card) and card.startswith("62") for card in cards)
    real = {c.id_number for c in export.customers} | {c.card for c in export.customers}
    assert not real & ({value.upper() for value in ids} | set(cards))


def test_same_key_same_bytes_other_key_other_pseudonyms(
    made: tuple[Path, RawExport, dict[str, Done]],
) -> None:
    folder, _, runs = made
    assert runs["again"].returncode == runs["other"].returncode == 0
    for suffix in ("parquet", "registry.json", "rejects.csv"):
        assert (folder / f"gbk.{suffix}").read_bytes() == (folder / f"again.{suffix}").read_bytes()
    tables = {name: pd.read_parquet(folder / f"{name}.parquet") for name in [*FORMATS, "other"]}
    assert tables["bom"].equals(tables["gbk"]) and tables["xlsx"].equals(tables["gbk"])
    other, same = tables["other"], tables["gbk"]
    assert (folder / "other.parquet").read_bytes() != (folder / "gbk.parquet").read_bytes()
    for column in ("phone", "email", "customer_name", "customer_key"):
        assert (other[column] != same[column]).mean() > 0.9, column
    assert other["external_id"].equals(same["external_id"])
    ids = {json.loads((folder / f"{n}.meta.json").read_text("utf-8"))["key_id"]
           for n in ("gbk", "again", "other")}  # fmt: skip
    assert len(ids) == 2


def test_the_key_is_in_no_output(made: tuple[Path, RawExport, dict[str, Done]]) -> None:
    folder, _, runs = made
    for key in (KEY_A, KEY_B):
        raw = bytes.fromhex(key)
        forms = [key.encode(), key.upper().encode(), raw, base64.b64encode(raw)]
        for path in folder.iterdir():
            if not path.name.startswith("export"):
                data = path.read_bytes()
                assert not any(form in data for form in forms), path.name
        for done in runs.values():
            assert key not in done.stdout + done.stderr


def test_scan_passes_a_clean_table_and_finds_a_planted_leak(
    made: tuple[Path, RawExport, dict[str, Done]],
) -> None:
    folder, export, _ = made
    frame = pd.read_parquet(folder / "gbk.parquet")
    leaked = export.customers[3].phone
    frame.loc[7, "description"] = f"我的手机号{leaked}，请回电"
    frame.to_parquet(folder / "tampered.parquet", index=False)
    (folder / "tampered.registry.json").write_bytes((folder / "gbk.registry.json").read_bytes())
    (folder / "notes.parquet").write_text("not parquet", encoding="utf-8")
    runs = run_all({
        "clean": (["scan", "gbk.parquet"], None),
        "leak": (["scan", "tampered.parquet"], None),
        "no-registry": (["scan", "again.parquet", "--registry", "missing.json"], None),
        "not-parquet": (["scan", "notes.parquet"], None),
    }, folder)  # fmt: skip
    assert runs["clean"].returncode == 0, runs["clean"].stderr
    assert "PASS." in runs["clean"].stdout
    leak = runs["leak"]
    assert leak.returncode == 1
    assert "row 8, column description, offset 5: detector (phone)" in leak.stderr
    assert leaked not in leak.stdout + leak.stderr
    assert runs["no-registry"].returncode == 2
    assert "missing.json: no such registry file." in runs["no-registry"].stderr
    assert runs["not-parquet"].returncode == 2
    assert "not a Parquet file" in runs["not-parquet"].stderr


@pytest.fixture(scope="module")
def refused(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Done]]:
    folder = tmp_path_factory.mktemp("refused")
    cases = ["truncated.csv", "shift-jis.csv", "random-bytes.csv", "empty.csv",
             "merged-header.xlsx", "missing-column.csv", "header-only.csv"]  # fmt: skip
    jobs: dict[str, tuple[list[str], str | None]] = {}
    for case in cases:
        bad.write(case, folder)
        jobs[case] = (["anonymise", case, "--map", MAP, "--out", f"{case}.parquet"], KEY_A)
    write_csv(folder / "fine.csv", build(5))
    jobs["no-key"] = (["anonymise", "fine.csv", "--map", MAP, "--out", "no-key.parquet"], None)
    return folder, run_all(jobs, folder)


def test_malformed_inputs_exit_2_with_a_message_and_no_output(
    refused: tuple[Path, dict[str, Done]],
) -> None:
    folder, runs = refused
    expected = {**bad.EXPORTS, **bad.PIPELINE,
                "no-key": "environment variable CSM_PSEUDONYM_KEY is not set."}  # fmt: skip
    for case, done in runs.items():
        assert done.returncode == 2, (case, done.stderr)
        assert done.stderr.startswith("Error: "), (case, done.stderr)
        assert expected[case] in done.stderr, (case, done.stderr)
        assert "Traceback" not in done.stderr
        assert done.stdout == ""
    written = sorted(p.name for p in folder.iterdir() if "parquet" in p.name or ".json" in p.name)
    assert written == []  # nothing half-written, nothing presented as complete
