"""A short load run against the real django-helpdesk: its new-ticket webhooks reach the
receiver the run keeps on webhooks.listen, each is acknowledged and counted, and none is taken
for an assignment (the vendor file declares created and updated events only), so the run polls
for assignments, which django-helpdesk never makes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.helpdesk.server import HelpdeskServer
from tests.load.helpers import records, run_dirs, summary

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "scenarios/vendors/django-helpdesk.yaml"
SCENARIO = """\
name: helpdesk-load
vendors: [{vendor}]
bounds: {{max_duration: 1m, max_requests: 2000}}
traffic: {{kind: synthetic, seed: 7, categories: {{billing: 1, refunds: 1}}, channels: {{web: 1}},
  priorities: {{normal: 1}}}}
load: {{kind: arrival-rate, rate: 2/s, duration: 5s, max_users: 8, arrivals: uniform}}
probe: {{mode: auto, poll_interval: 1s, timeout: 3s}}
thresholds:
  ticket_create: ["p95 < 60s"]
"""


def _metric(data: dict[str, Any], name: str) -> int:
    return int(data["metrics"].get(name, {}).get("count", 0))


def test_new_ticket_deliveries_are_counted_never_taken_for_assignments(
    helpdesk: HelpdeskServer, tmp_path: Path
) -> None:
    vendor = tmp_path / "django-helpdesk.yaml"
    text = re.sub(r"(?m)^base_url: .*$", f"base_url: {helpdesk.url}", VENDOR.read_text("utf-8"))
    vendor.write_text(text, "utf-8")
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SCENARIO.format(vendor=vendor), "utf-8")
    assert helpdesk.webhook_listen is not None
    done = subprocess.run(
        [sys.executable, "-m", "harness", "run", str(scenario), "--out", str(tmp_path / "out"),
         "--webhook-listen", helpdesk.webhook_listen],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
        env={**os.environ, "HELPDESK_TOKEN": helpdesk.token, "CSM_HARNESS_LANG": "en"},
    )  # fmt: skip
    assert "Traceback" not in done.stdout + done.stderr, done.stderr[-3000:]
    (run_dir,) = run_dirs(tmp_path / "out")
    data = summary(run_dir)
    assert data["probe"]["mode"] == "polling", json.dumps(data["probe"])
    created = _metric(data, "tickets_created")
    assert created >= 5, done.stdout[-3000:] + done.stderr[-3000:]
    # every create answered (a refused delivery would have made it a 500) and delivered once
    assert _metric(data, "requests_server") == 0
    assert _metric(data, "webhooks_received") == created
    assert _metric(data, "webhooks_rejected") == 0
    # no assignment: nothing routed, no record observed by webhook
    assert _metric(data, "tickets_routed") == 0
    assert not [r for r in records(run_dir) if r.get("observed_by") == "webhook"]
