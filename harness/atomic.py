"""Files written whole or not at all: a reader (a report, a resumed run, the index) never sees a
half-written one, and a crash leaves the previous version in place."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

__all__ = ["write_json", "write_text"]


def write_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a sibling file renamed into place. The
    sibling's name carries the process id, so two processes writing one file never mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
    return path


def write_json(path: Path, data: Any) -> Path:
    """``data`` as indented UTF-8 JSON (no NaN: a JSON reader must be able to read it back)."""
    return write_text(path, json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n")
