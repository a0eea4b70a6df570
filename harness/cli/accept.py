"""``csm-harness accept --vendor NAME``: the acceptance suite (:mod:`harness.checks`) through
pytest, with ``checks.json`` and ``junit.xml`` in one results folder.

Exit codes: 0 every check passed (skips allowed), 1 a check failed, 2 usage or configuration
error, 3 the vendor could not be reached or measured.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from harness.checks.launch import run_checks
from harness.cli.console import say
from harness.cli.messages import detect_lang, msg
from harness.cli.vendor_sets import SetOption, WebhookListenOption, use_vendor_sets
from harness.errors import ConfigError, HarnessError, ThresholdsFailed, VendorError
from harness.results.run_dir import RunDir


def accept(
    vendor: Annotated[
        str, typer.Option(help="Vendor name under scenarios/vendors/, or a vendor YAML file.")
    ],
    scenario: Annotated[
        Path | None, typer.Option(help="Scenario whose allow_hosts apply (default: loopback).")
    ] = None,
    contract: Annotated[
        Path | None, typer.Option(help="Contract YAML: thresholds, queues, masking, limits.")
    ] = None,
    check: Annotated[
        list[str] | None, typer.Option("--check", help="Only these check ids (repeatable).")
    ] = None,
    sandbox_set: Annotated[
        list[str] | None,
        typer.Option("--sandbox-set", help="Embedded sandbox override, e.g. defects=leak_phone."),
    ] = None,
    out: Annotated[Path, typer.Option(help="Folder for the results.")] = Path("reports"),
    lang: Annotated[
        str | None, typer.Option(help="en or zh-CN (default: from the locale).")
    ] = None,
    vendor_set: SetOption = None,
    webhook_listen: WebhookListenOption = None,
) -> None:
    """Run the acceptance checks against one vendor; exit 1 if any check fails."""
    language = detect_lang(lang)
    use_vendor_sets(vendor_set, webhook_listen)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    out_dir = out / f"{stamp}-accept-{Path(vendor).stem}"
    say(msg("accept.starting", language, vendor=vendor, out=out_dir))
    code = run_checks(vendor, out_dir, scenario=scenario, contract=contract, checks=check,
                      sandbox_set=sandbox_set, lang=language)  # fmt: skip
    results = RunDir(out_dir).checks
    if code == 0:
        say(msg("accept.passed", language, path=results))
        return
    if code == 1:
        raise ThresholdsFailed(msg("accept.failed", language, path=results))
    if code == 2:  # the run's own one-line message (vendor file, adapter) is printed above
        raise ConfigError(msg("accept.usage", language))
    if code == 3:
        raise VendorError(msg("accept.vendor", language, vendor=vendor))
    if code == 5:
        raise ConfigError(msg("accept.nothing", language, checks=", ".join(check or [])))
    if code == 4:
        raise ConfigError(msg("accept.usage", language))
    raise HarnessError(msg("accept.crashed", language, code=code))
