"""``csm-harness vendors``: the adapters this installation can use, and where each comes from.

Bundled adapters are listed first, then those registered by installed packages through the
``csm_harness.vendors`` entry-point group. Two packages registering one name is an error that
names both (exit 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from harness.cli.console import say, table
from harness.cli.messages import detect_lang, msg
from harness.cli.vendor_sets import SetOption, use_vendor_sets
from harness.i18n import Lang

LangOption = Annotated[str | None, typer.Option(help="en or zh-CN (default: from the locale).")]


def vendors(
    check: Annotated[
        list[Path] | None,
        typer.Option(
            "--check",
            help="Validate this vendor file and build its adapter (repeatable); exit 2 on a "
            "mistake, with file:line: field: problem.",
        ),
    ] = None,
    probe: Annotated[
        Path | None,
        typer.Option(
            "--probe",
            help="A short live round trip with this vendor file: create a few tickets, read "
            "them back, watch the assignee, walk the listing; warn on what reads wrong (exit 1).",
        ),
    ] = None,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host", help="With --probe: a non-loopback host (or network) you own."
        ),
    ] = None,
    probe_tickets: Annotated[
        int, typer.Option(min=1, max=10, help="With --probe: tickets to create.")
    ] = 3,
    probe_watch: Annotated[
        float, typer.Option(min=0.0, max=60.0, help="With --probe: seconds to watch assignees.")
    ] = 6.0,
    vendor_set: SetOption = None,
    lang: LangOption = None,
) -> None:
    """List installed vendor adapters: name, origin, class and optional operations."""
    from harness.vendors.registry import ENTRY_POINT_GROUP, installed, offers

    language = detect_lang(lang)
    use_vendor_sets(vendor_set, None)  # --check and --probe see the file as a run would
    if check:
        _check(check, language)
    if probe is not None:
        from harness.cli.vendors_probe import run_probe
        from harness.vendors.probe import ProbeBudget

        budget = ProbeBudget(tickets=probe_tickets, watch_s=probe_watch)
        code = run_probe(probe, language, allow_host or [], budget)
        if code:
            raise typer.Exit(code)
    if check or probe is not None:
        return
    rows = [
        [
            item.name,
            msg("vendors.bundled", language) if item.origin == "bundled" else item.origin,
            item.target,
            _offers(offers(item.name), language),
        ]
        for item in installed()
    ]
    headers = [msg(key, language) for key in ("vendors.name", "vendors.origin",
                                              "vendors.class", "vendors.offers")]  # fmt: skip
    table(headers, rows, title=msg("vendors.title", language))
    say(msg("vendors.hint", language, group=ENTRY_POINT_GROUP))


def _check(paths: list[Path], language: Lang) -> None:
    from harness.config import display_path, load_vendor
    from harness.vendors.capabilities import offered
    from harness.vendors.chat import ChatAdapter
    from harness.vendors.registry import adapter_for

    for path in paths:
        vendor = load_vendor(path)
        adapter = adapter_for(vendor, str(path))
        extra = offered(adapter)
        if isinstance(adapter, ChatAdapter):  # chat sessions (rest: a file with rest.chat)
            extra += ["open-session"] + (["chat-agents"] if adapter.chat.agents_api else [])
        say(
            msg("vendors.checked", language, path=display_path(path), name=vendor.name,
                adapter=vendor.adapter, offers=", ".join(extra) or "-")
        )  # fmt: skip


def _offers(names: list[str] | None, language: Lang) -> str:
    if names is None:
        return msg("vendors.from_file", language)
    return ", ".join(names) or "-"
