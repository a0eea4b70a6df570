"""``--set vendor.FIELD=VALUE`` and ``--webhook-listen HOST:PORT``, shared by run, accept and
breakpoint (:mod:`harness.config.vendor_overrides` does the work)."""

from __future__ import annotations

from typing import Annotated

import typer

from harness.config.vendor_overrides import SETTABLE, export_overrides, parse_sets

__all__ = ["SetOption", "WebhookListenOption", "use_vendor_sets"]

SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="Override a vendor field for this command, e.g. --set vendor.base_url=URL "
        f"(settable: {', '.join('vendor.' + k for k in SETTABLE)}).",
    ),
]
WebhookListenOption = Annotated[
    str | None,
    typer.Option(
        "--webhook-listen",
        help="HOST:PORT the webhook receiver binds, for a vendor given a fixed webhook URL.",
    ),
]


def use_vendor_sets(sets: list[str] | None, webhook_listen: str | None) -> None:
    """Validate the overrides and make every vendor file loaded from now on see them."""
    export_overrides(parse_sets(sets or [], webhook_listen))
