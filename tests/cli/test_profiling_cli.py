"""``csm-harness profile`` and ``generate`` through the real CLI: files, summary, clean errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest

from harness.data.traffic import read_schedule
from tests.data.history import history_frame
from tests.load.helpers import csm_harness

ROOT = Path(__file__).resolve().parents[2]


def test_profile_then_generate_with_peak_and_compression(tmp_path: Path) -> None:
    table = tmp_path / "history.parquet"
    history_frame(days=14, seed=5).to_parquet(table, index=False)
    profile = tmp_path / "profile.json"
    done = csm_harness("profile", str(table), "--out", str(profile), cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Busiest hours" in done.stdout and f"Profile: {profile}" in done.stdout
    assert json.loads(profile.read_text(encoding="utf-8"))["source"]["file"] == "history.parquet"

    out, schedule = tmp_path / "synthetic.parquet", tmp_path / "schedule.parquet"
    args = ["generate", "--profile", str(profile), "--duration", "1d", "--seed", "3"]
    args += ["--peak-multiplier", "10", "--peak-hours", "2", "--compress", "144"]
    args += ["--start", "2026-11-11", "--out", str(out), "--schedule", str(schedule)]
    done = csm_harness(*args, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Concurrent sessions" in done.stdout and "x144 -> 600 s" in done.stdout
    frame = pd.read_parquet(out)
    plan, meta = read_schedule(schedule)
    assert len(plan) == len(frame) > 0 and meta["compression"] == 144
    assert plan["offset_s"].max() < 600 and plan["offset_s"].is_monotonic_increasing
    first = frame["created_at"].min().tz_convert("Asia/Shanghai")
    assert first.date().isoformat() == "2026-11-11"
    assert not list(tmp_path.glob("*.partial"))


def _cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str]:
    """The CLI in-process (fast): exit code and stderr."""
    from harness.cli import main

    monkeypatch.setattr(sys, "argv", ["csm-harness", *args])
    monkeypatch.setenv("CSM_HARNESS_LANG", "en")
    code = 0
    try:
        main()
    except SystemExit as done:
        code = int(done.code or 0)
    return code, capsys.readouterr().err


def test_errors_are_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bogus.parquet").write_text("not parquet", encoding="utf-8")
    history_frame(days=7, seed=1).to_parquet("h.parquet", index=False)
    cases = [
        (["profile", "bogus.parquet"], "not a readable Parquet ticket table"),
        (["profile", "none.parquet"], "no such file"),
        (["profile", "h.parquet", "--timezone", "Mars/Base"], "unknown time zone"),
        (["generate", "--profile", "p.json", "--tickets", "5", "--out", "x"], "no such profile"),
        (["generate", "--profile", "p.json", "--out", "x"], "give --tickets N or --duration"),
    ]
    for args, expected in cases:
        code, err = _cli(monkeypatch, capsys, *args)
        assert code == 2, (args, err)
        assert expected in err and "Traceback" not in err, err
    assert _cli(monkeypatch, capsys, "profile", "h.parquet", "--out", "p.json")[0] == 0
    for args, expected in [
        (["--duration", "1x"], "--duration '1x'"),
        (["--tickets", "9", "--locale", "fr_FR"], "--locale 'fr_FR'"),
        (["--tickets", "9", "--compress", "0"], "compression 0"),
        (["--tickets", "9", "--start", "soon"], "--start 'soon'"),
        (["--tickets", "9", "--peak-window", "20-24"], "--peak-window '20-24': write HH:MM-HH:MM"),
        (["--tickets", "9", "--peak-window", "00:00-02:00", "--peak-hours", "2"], "not both"),
    ]:
        code, err = _cli(
            monkeypatch, capsys, "generate", "--profile", "p.json", "--out", "o.parquet", *args
        )
        assert code == 2 and expected in err, (args, err)
    assert not Path("o.parquet").exists()
    args = ["generate", "--profile", "p.json", "--out", "d11.parquet", "--tickets", "3000",
            "--start", "2026-11-11", "--duration", "1d", "--peak-multiplier", "10",
            "--peak-window", "00:00-02:00,20:00-24:00"]  # fmt: skip
    assert _cli(monkeypatch, capsys, *args)[0] == 0
    hours = pd.read_parquet("d11.parquet")["created_at"].dt.tz_convert("Asia/Shanghai").dt.hour
    assert hours.isin([0, 1, 20, 21, 22, 23]).mean() > 0.5  # 6 of 24 hours at 10x
