"""``vendors --probe`` on a file with ``rest.chat``: one session opened, written, read and closed
against the embedded sandbox, through the real CLI. The preset passes; files that validate but
read the chat wrongly (a cursor path that names nothing, so every read starts over; customer
and agent swapped) are flagged with what to fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.load.helpers import csm_harness

ROOT = Path(__file__).resolve().parents[2]
PRESET = ROOT / "scenarios" / "vendors" / "sandbox-rest.yaml"
TEXT = PRESET.read_text(encoding="utf-8")
CURSOR = "        cursor: cursor                 # without it"
SENDERS = "      senders: {customer: [customer], agent: [agent]}"


def _probe(path: Path) -> tuple[int, str]:
    done = csm_harness("vendors", "--probe", str(path), "--probe-watch", "3", cwd=ROOT)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, " ".join((done.stdout + done.stderr).split())


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    assert old in TEXT
    path = tmp_path / "chat.yaml"
    path.write_text(TEXT.replace(old, new), encoding="utf-8")
    checked = csm_harness("vendors", "--check", str(path), cwd=ROOT)
    assert checked.returncode == 0, checked.stdout + checked.stderr  # it validates
    return path


def test_the_preset_opens_writes_reads_and_closes_a_session() -> None:
    code, out = _probe(PRESET)
    assert code == 0, out
    assert "chat: session answered by agent A" in out
    assert "session S" in out and "probe PASSED" in out and "!" not in out


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (CURSOR, "        cursor: next_cursor            # without it",
         "a read from the last cursor repeats"),
        (SENDERS, "      senders: {customer: [agent], agent: [customer]}",
         "the customer's message reads as sent by 'agent'"),
    ],
    ids=["cursor", "senders"],
)  # fmt: skip
def test_a_wrong_chat_section_is_flagged(tmp_path: Path, old: str, new: str, expected: str) -> None:
    code, out = _probe(_variant(tmp_path, old, new))
    assert code == 1, out
    assert expected in out
    assert "probe found" in out


def test_check_names_chat_among_what_a_file_offers() -> None:
    zendesk = ROOT / "scenarios" / "vendors" / "zendesk-rest.yaml"
    done = csm_harness("vendors", "--check", str(PRESET), "--check", str(zendesk), cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    preset, other = (" ".join(line.split()) for line in done.stdout.split("scenarios/")[1:])
    assert preset.endswith("open-session, chat-agents")
    assert "open-session" not in other
