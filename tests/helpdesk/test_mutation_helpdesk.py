"""The mutation table against a real django-helpdesk: every defect `csm-harness proxy` injects,
each on a fresh copy of the seeded database, with the helpdesk's webhooks relayed through the
proxy as its admin would set them (``<proxy>/_proxy/webhook``).

Each defect must be caught by its own check and by no other. Where the unmodified helpdesk
already fails that check (it ignores Idempotency-Key, returns requester phones unmasked, sends
unsigned webhooks, answers 500 to a missing description), the defect cannot move the verdict:
the test asserts it stays failed and that no other verdict moves. The table is written to
``<pytest basetemp>/helpdesk-mutation-table.md`` (and ``$CSM_MUTATION_TABLE`` when set) after
each defect.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.proxy import KINDS
from tests.helpdesk.accept_runs import CLEAN_FAILED, CLEAN_PASSED, CLEAN_SKIPS, Run, accept, proxy
from tests.helpdesk.server import HelpdeskServer

#: why the unmodified helpdesk already fails a defect's check (asserted in
#: test_accept_helpdesk.py with the helpdesk's own answers)
ALREADY_FAILING = {
    "INPUT-001": "answers 500 to a missing description, stores numbers as text",
    "PII-001": "returns requester phones unmasked",
    "IDEM-001": "ignores Idempotency-Key: a retried create is another ticket",
    "HOOK-002": "sends unsigned webhooks",
}
HEADER = ("defect", "its check", "clean", "with defect", "other checks moved", "evidence")


class Table(dict[str, tuple[str, ...]]):
    """The rows so far, rewritten to its files after each defect (a cut run keeps them)."""

    def __init__(self, paths: list[Path]) -> None:
        super().__init__()
        self.paths = paths

    def add(self, kind: str, row: tuple[str, ...]) -> None:
        self[kind] = tuple(cell.replace("|", "/") for cell in row)
        lines = ["| " + " | ".join(HEADER) + " |", "|" + " --- |" * len(HEADER)]
        lines += ["| " + " | ".join(self[k]) + " |" for k in KINDS if k in self]
        for path in self.paths:
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> Table:
    paths = [tmp_path_factory.getbasetemp() / "helpdesk-mutation-table.md"]
    if os.environ.get("CSM_MUTATION_TABLE"):
        paths.append(Path(os.environ["CSM_MUTATION_TABLE"]))
    return Table(paths)


@pytest.fixture(scope="module")
def relayed(
    helpdesk: HelpdeskServer, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], Run]:
    def run(defects: str) -> Run:
        work = tmp_path_factory.mktemp(defects)
        target = f"http://{helpdesk.webhook_listen}/webhooks"  # where `accept` receives
        with proxy(helpdesk, defects, work, webhook_target=target) as url:
            helpdesk.restart(f"{url}/_proxy/webhook")  # fresh database, webhooks relayed
            return accept(helpdesk, url, work / "out")

    return run


@pytest.fixture(scope="module")
def baseline(relayed: Callable[[str], Run]) -> Run:
    """The proxy forwarding only: the same verdicts as the helpdesk without it."""
    return relayed("none")


def test_the_proxy_forwarding_only_changes_no_verdict(baseline: Run) -> None:
    verdicts = baseline.verdicts()
    assert {c for c, o in verdicts.items() if o == "failed"} == CLEAN_FAILED
    assert {c for c, o in verdicts.items() if o == "passed"} == CLEAN_PASSED
    assert {c for c, o in verdicts.items() if o == "skipped"} == set(CLEAN_SKIPS)
    # the relay carried every delivery: HOOK-001 got one per new ticket
    assert baseline.checks["HOOK-001"]["measured"]["delivered"] == 12


def _failed_cases(run: Run) -> set[str]:
    return set(re.findall(r"- request '([^']+)'", run.message("INPUT-001")))


def _evidence(kind: str, check: str, base: Run, proxied: Run) -> str:
    if check not in ALREADY_FAILING:
        lines = proxied.message(check).splitlines()
        return lines[1].lstrip("- ")[:110] if len(lines) > 1 else lines[0][:110]
    if kind == "accept-invalid":
        more = sorted(_failed_cases(proxied) - _failed_cases(base))
        return f"cases failed {len(_failed_cases(base))} -> {len(_failed_cases(proxied))}: " + (
            ", ".join(more)
        )
    return f"already failing: the helpdesk {ALREADY_FAILING[check]}"


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_defect_is_caught_by_its_own_check_only(
    kind: str,
    baseline: Run,
    relayed: Callable[[str], Run],
    table: Table,
) -> None:
    check = KINDS[kind][2]
    proxied = relayed(kind)
    moved = {c: (baseline.outcome(c), proxied.outcome(c)) for c in baseline.checks
             if proxied.outcome(c) != baseline.outcome(c)}  # fmt: skip
    others = {c: v for c, v in moved.items() if c != check}
    evidence = _evidence(kind, check, baseline, proxied)
    shown = ", ".join(f"{c} {a}->{b}" for c, (a, b) in others.items()) or "none"
    row = (kind, check, baseline.outcome(check), proxied.outcome(check), shown, evidence)
    table.add(kind, row)
    assert proxied.outcome(check) == "failed", proxied.message(check)
    assert not others, others
    if check in ALREADY_FAILING:  # honestly: the defect cannot move a failing verdict
        assert baseline.outcome(check) == "failed"
    else:
        assert baseline.outcome(check) == "passed"
    if kind == "accept-invalid":  # what the helpdesk refused, the proxy made a 200
        assert _failed_cases(proxied) > _failed_cases(baseline), evidence
    if kind == "strip-signatures":
        assert proxied.checks[check]["measured"] == baseline.checks[check]["measured"]


def test_the_table_covers_every_defect(table: Table) -> None:
    assert set(table) == set(KINDS)
