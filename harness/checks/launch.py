"""The acceptance suite run in this process through pytest, results in one folder
(``checks.json``, ``junit.xml``); ``csm-harness accept`` and the PoC plan's accept stage call it."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

__all__ = ["run_checks"]

_PYTEST_INI = "[pytest]\njunit_suite_name = csm-harness-accept\n"


def run_checks(
    vendor: str,
    out_dir: Path,
    *,
    scenario: Path | None = None,
    contract: Path | None = None,
    checks: list[str] | None = None,
    sandbox_set: list[str] | None = None,
    lang: Literal["en", "zh-CN"] = "en",
    quiet: bool = False,
) -> int:
    """The acceptance suite in this process, results in ``out_dir``; pytest's exit code
    (0 passed, 1 a check failed, 2 interrupted, 3 vendor unreachable, 4 usage, 5 nothing ran)."""
    import pytest

    from harness.checks.plugin import SUITE

    out_dir.mkdir(parents=True, exist_ok=True)
    ini = out_dir / "pytest.ini"
    ini.write_text(_PYTEST_INI, encoding="utf-8")
    args = [
        SUITE, "-c", str(ini), "--rootdir", str(Path(SUITE).parent), "-p", "no:cacheprovider",
        "--csm-vendor", vendor, "--csm-out", str(out_dir), "--csm-lang", lang,
        f"--junitxml={out_dir / 'junit.xml'}", "-rfEs",
    ]  # fmt: skip
    if quiet:
        args += ["-q", "--no-header"]
    if scenario is not None:
        args += ["--csm-scenario", str(scenario)]
    if contract is not None:
        args += ["--csm-contract", str(contract)]
    for item in sandbox_set or []:
        args += ["--csm-sandbox-set", item]
    if checks:
        args += ["-k", " or ".join(checks)]
    return int(pytest.main(args))
