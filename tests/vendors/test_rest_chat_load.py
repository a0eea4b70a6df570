"""A chat load against a vendor described only in YAML: ``csm-harness run`` opens sessions
through the ``rest.chat`` section of ``scenarios/vendors/sandbox-rest.yaml``, harness agents
answer through the same section, and every count reconciles exactly with the sandbox's truth."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from tests.load.helpers import csm_harness, run_dirs, summary

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
PLANNED = 24  # 6/s for 4 s, uniform
MESSAGES = 2
AGENTS = 4

_SCENARIO = f"""\
name: rest-chat
vendors: [agents-rest]
bounds: {{max_duration: 1m, max_requests: 5000}}
traffic: {{kind: synthetic, seed: 14, categories: {{billing: 1, refunds: 1}}, channels: {{chat: 1}},
  priorities: {{normal: 1}}}}
load: {{kind: arrival-rate, rate: 6/s, duration: 4s, max_users: 30, arrivals: uniform,
  opens: sessions}}
probe: {{mode: polling}}
conversation: {{messages: {MESSAGES}, think_time: 500ms, agent_think_time: 200ms,
  reply_timeout: 20s, agents: {AGENTS}}}
thresholds:
  messages_lost: ["rate == 0%"]
  messages_duplicated: ["rate == 0%"]
"""


def _write_scenario(folder: Path) -> Path:
    """The preset's own chat section, on a sandbox whose only agents are the harness's."""
    vendor = yaml.safe_load((ROOT / "scenarios/vendors/sandbox-rest.yaml").read_text("utf-8"))
    vendor["name"] = "agents-rest"
    vendor["webhooks"] = {"supported": False}
    vendor["rest"]["assignment"] = {"observe": ["polling"]}
    vendor["sandbox"]["overrides"] = {
        "simulated_agents": "false", "agents": str(AGENTS), "agent_capacity": "30",
        "rate_limit_rps": "0",
    }  # fmt: skip
    (folder / "vendors").mkdir()
    (folder / "vendors" / "agents-rest.yaml").write_text(
        yaml.safe_dump(vendor, allow_unicode=True), encoding="utf-8"
    )
    scenario = folder / "rest-chat.yaml"
    scenario.write_text(_SCENARIO, encoding="utf-8")
    return scenario


def _requests(run_dir: Path) -> Counter[str]:
    with (run_dir / "locust_stats.csv").open(encoding="utf-8") as stats:
        return Counter({row["Name"]: int(row["Request Count"]) for row in csv.DictReader(stats)})


def test_sessions_through_yaml_reconcile_exactly_with_the_sandbox(tmp_path: Path) -> None:
    scenario = _write_scenario(tmp_path)
    done = csm_harness("run", str(scenario), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    [run_dir] = run_dirs(tmp_path / "out")
    metrics = summary(run_dir)["metrics"]
    sessions = pd.read_parquet(run_dir / "sessions.parquet")
    truth: list[dict[str, Any]] = json.loads((run_dir / "sandbox_truth.json").read_text("utf-8"))[
        "sessions"
    ]

    # the harness's counts
    assert metrics["sessions_opened"]["count"] == PLANNED
    assert metrics["sessions_closed"]["count"] == PLANNED
    assert metrics["messages_sent"]["count"] == PLANNED * MESSAGES
    assert metrics["messages_received"]["count"] == PLANNED * MESSAGES
    assert metrics["messages_unknown"]["count"] == 0
    assert metrics["messages_lost"]["hits"] == 0
    assert metrics["messages_lost"]["total"] == 2 * PLANNED * MESSAGES
    assert metrics["messages_duplicated"]["hits"] == 0
    assert metrics["errors"]["hits"] == 0
    assert metrics["session_routing"]["count"] == PLANNED
    assert dict(Counter(sessions.outcome)) == {"closed": PLANNED}
    assert set(sessions.closed_by) == {"agent"}

    # the sandbox's truth: the same sessions, the same messages, each delivered once
    assert len(truth) == PLANNED
    by_external = {row["external_id"]: row for row in truth}
    assert set(by_external) == set(sessions.external_id)
    senders = Counter(m["sender"] for row in truth for m in row["messages"])
    assert senders == {"customer": PLANNED * MESSAGES, "agent": PLANNED * MESSAGES}
    assert all(m["delivered"] == 1 for row in truth for m in row["messages"])
    assert {row["closed_by"] for row in truth} == {"agent"}
    for record in sessions.itertuples():
        assert record.agent_id == by_external[record.external_id]["agent_id"]

    # the requests are the ones the YAML names, each agent signed in once
    requests = _requests(run_dir)
    assert requests["POST /sessions"] == PLANNED
    assert requests["POST /sessions/{id}/messages"] == PLANNED * (MESSAGES - 1)
    assert requests["POST /agents/{id}/sessions/{id}/messages"] == PLANNED * MESSAGES
    assert requests["POST /agents/{id}/sign-in"] == AGENTS
    assert requests["GET /agents/{id}/inbox"] > 0 and requests["GET /sessions/{id}/messages"] > 0
