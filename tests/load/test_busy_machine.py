"""A run beside a real CPU burner: the machine is full, the harness is not, so the run is
"machine busy" (a note), never "generator saturated" (issue 13, acceptance 3)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.load.helpers import SCENARIOS, burning_cpus, csm_harness, run_dirs, summary

pytestmark = pytest.mark.slow


@pytest.fixture
def burners() -> Iterator[None]:
    with burning_cpus():  # more spinners than cores: the machine is full
        yield


@pytest.mark.usefixtures("burners")
def test_a_full_machine_the_harness_did_not_fill_is_busy_not_saturated(tmp_path: Path) -> None:
    done = csm_harness("run", str(SCENARIOS / "tiny.yaml"), "--out", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    [run_dir] = run_dirs(tmp_path)
    generator = summary(run_dir)["generator"]
    assert generator["machine_saturated_seconds"] > 0, generator  # the burners did fill it
    assert generator["reliable"] is True, generator
    assert generator["unreliable_reason"] is None
    assert generator["machine_busy"] is True
    assert generator["others_cpu_percent"] > generator["harness_cpu_percent"]
    assert "generator saturated" not in done.stdout
    assert "busy" in done.stdout.lower()
