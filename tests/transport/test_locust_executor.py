"""The load path records each request as the adapter judged it: an HTTP 200 with an error
code is a failure (kind client), a 429 is throttled. Runs in a subprocess: importing locust
gevent-patches the process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_marks_follow_the_adapters_verdict() -> None:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("locust_executor_probe.py"))],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["results"] == ["5", "client", "throttled", "201", "201"]
    assert data["marks"][0] == {"mark": "success", "context": None}
    assert data["marks"][1]["context"] == {"failure": "client"}
    assert data["marks"][1]["mark"].startswith("failure: client: code 2059")
    assert data["marks"][2]["context"] == {"failure": "throttled"}
    # a flow that goes on after a 409 it accepts ("exists already") says so on its next request
    assert [m["mark"] for m in data["marks"][3:5]] == ["success", "success"]
    assert data["marks"][5]["mark"] == "failure: HTTP 409"
    assert data["marks"][6]["mark"] == "success"
