"""The "Load shapes" examples in both READMEs are valid load specs (docs examples are tested)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from harness.config import Scenario
from tests.config.test_scenario import MINIMAL

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"```yaml\n(load: .*?)\n```", re.DOTALL)


def _examples() -> list[tuple[str, str]]:
    found = []
    for name in ("README.md", "README.zh-CN.md"):
        text = (ROOT / name).read_text(encoding="utf-8")
        found += [(name, block) for block in BLOCK.findall(text)]
    return found


def test_every_kind_has_an_example_in_both_readmes() -> None:
    kinds = {(n, yaml.safe_load(b)["load"]["kind"]) for n, b in _examples()}
    expected = {"arrival-rate", "step", "spike", "soak", "replay", "sessions"}
    assert {k for n, k in kinds if n == "README.md"} == expected
    assert {k for n, k in kinds if n == "README.zh-CN.md"} == expected


@pytest.mark.parametrize(("readme", "block"), _examples(), ids=lambda v: str(v)[:40])
def test_readme_load_example_is_valid(readme: str, block: str) -> None:
    data = {**MINIMAL, "bounds": {"max_duration": "1h", "max_requests": 100000}}
    data["load"] = yaml.safe_load(block)["load"]
    assert Scenario.model_validate(data).load.kind == data["load"]["kind"]
