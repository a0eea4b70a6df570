"""Bad scenario files give one clear message with file:line and exit code 2, via the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.load.helpers import csm_harness

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "config" / "bad"
CASES = ["unknown-key", "wrong-type", "threshold-missing-unit", "threshold-unknown-metric"]


@pytest.mark.parametrize("name", CASES)
def test_bad_scenario_exits_2_with_the_expected_message(name: str) -> None:
    expected = (BAD / f"{name}.expected").read_text(encoding="utf-8")
    message_lines = [line for line in expected.splitlines() if not line.startswith("exit code")]
    done = csm_harness("run", f"tests/config/bad/{name}.yaml", cwd=ROOT, timeout=60)
    assert done.returncode == 2
    for line in message_lines:
        if line.strip():
            assert line in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
