"""The READMEs' "Describe your vendor in YAML" walk-through is about a real file: every excerpt
is a piece of ``scenarios/vendors/sandbox-desk.yaml`` as it is, both READMEs carry the same
excerpts and commands, and the commands they show check and probe the file against the
embedded sandbox (through the real CLI)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.load.helpers import csm_harness

ROOT = Path(__file__).resolve().parents[2]
EXCERPT = re.compile(
    r"^( *)<!-- walk: (\S+) -->\n\1```yaml\n(.*?)^\1```$", re.MULTILINE | re.DOTALL
)
COMMANDS = re.compile(
    r"^( *)<!-- walk-commands -->\n\1```sh\n(.*?)^\1```$", re.MULTILINE | re.DOTALL
)
READMES = ("README.md", "README.zh-CN.md")


def _excerpts(readme: str) -> list[tuple[str, str]]:
    text = (ROOT / readme).read_text(encoding="utf-8")
    found = []
    for indent, path, block in EXCERPT.findall(text):
        lines = [line.removeprefix(indent) for line in block.splitlines()]
        found.append((path, "\n".join(lines) + "\n"))
    return found


def _commands(readme: str) -> list[list[str]]:
    text = (ROOT / readme).read_text(encoding="utf-8")
    blocks = COMMANDS.findall(text)
    assert len(blocks) == 1, f"{readme} must hold one walk-commands block"
    return [shlex.split(line) for line in blocks[0][1].splitlines() if line.strip()]


@pytest.mark.parametrize("readme", READMES)
def test_every_excerpt_is_in_the_file_as_it_is(readme: str) -> None:
    excerpts = _excerpts(readme)
    assert len(excerpts) >= 5, f"{readme}: the walk-through lost its excerpts"
    for path, excerpt in excerpts:
        text = (ROOT / path).read_text(encoding="utf-8")
        assert excerpt in text, f"{readme}: this excerpt is not in {path}:\n{excerpt}"


def test_both_readmes_walk_through_the_same_lines() -> None:
    assert _excerpts(READMES[0]) == _excerpts(READMES[1])
    assert _commands(READMES[0]) == _commands(READMES[1])


def test_the_walked_through_file_checks_and_probes() -> None:
    commands = _commands("README.md")
    assert [argv[:3] for argv in commands] == [
        ["csm-harness", "vendors", "--check"],
        ["csm-harness", "vendors", "--probe"],
    ]
    walked = {path for path, _ in _excerpts("README.md")}
    assert {argv[3] for argv in commands} == walked
    outputs = []
    for argv in commands:
        extra = ["--probe-watch", "3"] if "--probe" in argv else []
        done = csm_harness(*argv[1:], *extra, cwd=ROOT)
        assert done.returncode == 0, done.stdout + done.stderr
        outputs.append(" ".join(done.stdout.split()))
    assert "sandbox-desk" in outputs[0]
    assert "probe PASSED" in outputs[1] and "every mapped field read back as sent" in outputs[1]
