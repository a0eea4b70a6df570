"""``csm-harness vendors``: the adapters this installation can use, and where each comes from.

Bundled adapters are listed first, then those registered by installed packages through the
``csm_harness.vendors`` entry-point group. Two packages registering one name is an error that
names both (exit 2).
"""

from __future__ import annotations

from typing import Annotated

import typer

from harness.cli.console import say, table
from harness.cli.messages import Lang, detect_lang, msg

LangOption = Annotated[str | None, typer.Option(help="en or zh-CN (default: from the locale).")]


def vendors(lang: LangOption = None) -> None:
    """List installed vendor adapters: name, origin, class and optional operations."""
    from harness.vendors.registry import ENTRY_POINT_GROUP, installed, offers

    language = detect_lang(lang)
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


def _offers(names: list[str] | None, language: Lang) -> str:
    if names is None:
        return msg("vendors.from_file", language)
    return ", ".join(names) or "-"
