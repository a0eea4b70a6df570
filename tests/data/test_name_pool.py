"""The Faker name pool is drawn once per Faker version, locale and seed, then read back: the
same names, and a load process that starts again does not import Faker at all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

_CODE = """
import json, sys
from harness.data.synth import name_pool
names = name_pool("zh_CN", 20261111)
print(json.dumps({"faker": "faker" in sys.modules, "names": names}, ensure_ascii=False))
"""


def _draw(cache: Path) -> dict[str, Any]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", _CODE], env=env, capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_the_second_draw_reads_the_same_names_without_faker(tmp_path: Path) -> None:
    first, second = _draw(tmp_path), _draw(tmp_path)
    assert first["faker"] is True
    assert second["faker"] is False
    assert first["names"] == second["names"]
    assert len(set(first["names"])) > 100
    [cached] = (tmp_path / "csm-harness").glob("names-*-zh_CN-20261111-512.json")
    cached.write_text('["torn', encoding="utf-8")  # a damaged cache is drawn again
    third = _draw(tmp_path)
    assert third["faker"] is True
    assert third["names"] == first["names"]
