"""``csm-harness vendors --probe``: live round trips against the embedded sandbox's helpdesk
face, through the real CLI. The file described without the placeholder-owner sentinel
validates (``--check`` passes) yet reads every ticket as routed at once: the probe flags it,
and passes the correct file. Other silently wrong files: a path that reads a constant, an
enumeration that does not round-trip, a field that reads back empty, pagination that never
ends."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.load.helpers import csm_harness

ROOT = Path(__file__).resolve().parents[2]
DESK = (ROOT / "scenarios" / "vendors" / "sandbox-desk.yaml").read_text(encoding="utf-8")
SENTINEL = (
    "    assignee: {path: Owner.id, unassigned: [Nobody]}   # a placeholder user until assigned"
)


# A router that takes a second per decision, as real ones do: the first read of each ticket
# comes before its assignment (the sandbox's default router is faster than one round trip).
SLOW_ROUTER = (
    "sandbox: {profile: solid}",
    'sandbox: {profile: solid, overrides: {decision_time_s: "1"}}',
)


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    assert old in DESK
    path = tmp_path / "desk.yaml"
    path.write_text(DESK.replace(old, new).replace(*SLOW_ROUTER), encoding="utf-8")
    return path


def _probe(path: Path, *extra: str) -> tuple[int, str]:
    done = csm_harness("vendors", "--probe", str(path), "--probe-watch", "4", *extra, cwd=ROOT)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, " ".join((done.stdout + done.stderr).split())


def test_the_file_without_the_sentinel_validates_but_the_probe_flags_it(tmp_path: Path) -> None:
    wrong = _variant(tmp_path, SENTINEL, "    assignee: Owner.id")
    checked = csm_harness("vendors", "--check", str(wrong), cwd=ROOT)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    code, out = _probe(wrong)
    assert code == 1, out
    assert "3 of 3 tickets read as assigned to 'Nobody' at once and 3 changed owner" in out
    assert "unassigned: [Nobody]" in out
    assert "probe found 1 problem(s)" in out


def test_the_correct_file_passes(tmp_path: Path) -> None:
    code, out = _probe(_variant(tmp_path, SENTINEL, SENTINEL))
    assert code == 0, out
    assert "probe PASSED" in out and "!" not in out


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("    subject: Subject", "    subject: type", "ticket.subject: reads back 'ticket' for"),
        ("pending: stalled, solved: resolved", "pending: resolved, solved: stalled",
         "priority"),  # placeholder: replaced below
        ("    custom_fields: {order_no: \"CustomFields[name=order_no].values.0\"}",
         "    custom_fields: {order_no: \"CustomFields[name=OrderNo].values.0\"}",
         "custom_fields.order_no: reads back empty for every ticket"),
        ("pagination: {style: url, next: next_page}", "pagination: {style: cursor, next: page}",
         "list_tickets: pagination never ends (the next page repeats '1')"),
    ],
    ids=["constant", "enum", "empty", "pagination"],
)  # fmt: skip
def test_silently_wrong_mappings_are_flagged(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    if expected == "priority":
        old = "priority: {write: {low: 25, normal: 50, high: 75, urgent: 100}}"
        new = "priority: {write: {low: 25, normal: 50, high: 75, urgent: 75}}"
        expected = "enums.priority: sent 'urgent' but read back 'high'"
    code, out = _probe(_variant(tmp_path, old, new))
    assert code == 1, out
    assert expected in out


def test_a_real_host_needs_allow_host(tmp_path: Path) -> None:
    remote = _variant(tmp_path, "base_url: embedded\nsandbox: {profile: solid}\n",
                      "base_url: https://desk.example.com\n")  # fmt: skip
    code, out = _probe(remote)
    assert code == 2
    assert "desk.example.com is neither loopback nor given with --allow-host" in out


def test_probe_speaks_chinese() -> None:
    path = ROOT / "scenarios" / "vendors" / "sandbox-desk.yaml"
    done = csm_harness("vendors", "--probe", str(path), "--probe-watch", "2", "--lang", "zh-CN",
                       cwd=ROOT)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "探测通过" in done.stdout
