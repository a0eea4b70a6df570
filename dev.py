#!/usr/bin/env python3
"""Bootstrap and run csm-harness from a fresh clone with nothing but Python 3.11+ and pip.

    python3 dev.py demo    # the demo POC against two embedded sandbox vendors; prints the report
    python3 dev.py test    # ruff, mypy (strict) and the whole pytest suite

Both create ./.venv from pyproject.toml on first use (and again whenever pyproject.toml
changes). Extra arguments go to the underlying command, e.g. `python3 dev.py test -k histogram`.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".csm-harness-installed"


def _digest() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_venv() -> None:
    if STAMP.exists() and STAMP.read_text() == _digest():
        return
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        sys.exit(f"csm-harness needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not (BIN / "python").exists():
        print(f"Creating {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing csm-harness and its dependencies (first run only) ...", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(_digest())


def run(*command: str) -> int:
    return subprocess.run(command, cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("demo", "test"):
        print(__doc__)
        return 2
    ensure_venv()
    what, rest = argv[0], argv[1:]
    if what == "demo":
        return run(str(BIN / "csm-harness"), "demo", *rest)
    for step in (
        [str(BIN / "ruff"), "check", "."],
        [str(BIN / "ruff"), "format", "--check", "."],
        [str(BIN / "mypy")],
    ):
        code = run(*step)
        if code:
            return code
    # The end-to-end tests mostly wait on the sandbox (a quarter of a core each): three pytest
    # workers cut the wall time about in half; --dist loadscope keeps each module (and its
    # module-scoped load run) on one worker. CSM_TEST_PROCESSES=0 runs in this process.
    processes = os.environ.get("CSM_TEST_PROCESSES", "3")
    parallel = ["-n", processes, "--dist", "loadscope"] if processes != "0" else []
    return run(str(BIN / "pytest"), *parallel, *rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
