"""Refusals happen before any traffic and exit with code 2."""

from __future__ import annotations

from pathlib import Path

from tests.load.helpers import SCENARIOS, csm_harness


def test_target_outside_allow_list_is_refused_before_any_request(tmp_path: Path) -> None:
    done = csm_harness(
        "run",
        str(SCENARIOS / "forbidden-target.yaml"),
        "--out",
        str(tmp_path),
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 2
    assert "target http://10.0.0.8:8080 is not in allow_hosts of" in done.stderr
    assert "Add it to allow_hosts only if you own that host." in done.stderr
    assert not list(tmp_path.rglob("run.json")), "a run started although the target was refused"
