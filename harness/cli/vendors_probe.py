"""``csm-harness vendors --probe FILE``: the target, the signer and the report around
:func:`harness.vendors.probe.probe`.

Only an embedded sandbox, a loopback host or a host given with ``--allow-host`` is contacted;
the round trip is bounded (a few tickets, a request budget, a watch window). Exit 0 when every
mapped field reads back right, 1 when something looks wrong, 2 for a config or usage mistake,
3 when the vendor could not be reached.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from harness.cli.console import say
from harness.cli.probe_text import finding_text, probe_line
from harness.config import VendorSpec, display_path, load_vendor
from harness.errors import TargetNotAllowed, VendorError
from harness.i18n import Lang
from harness.redact import Secret
from harness.transport.httpx_sync import HttpxExecutor
from harness.vendors.auth import Signer, bearer, signer_for
from harness.vendors.base import ApiFailure
from harness.vendors.probe import ProbeBudget, probe, sample_tickets
from harness.vendors.registry import adapter_for

__all__ = ["run_probe"]

_DEFAULT_CATEGORIES = ("billing", "refunds", "logistics", "account")
_ALL_FIELDS = ("external_id", "subject", "description", "priority", "category")


def run_probe(path: Path, lang: Lang, allow_hosts: Sequence[str], budget: ProbeBudget) -> int:
    vendor = load_vendor(path)
    adapter = adapter_for(vendor, str(path))
    shown = display_path(path)
    mapped = getattr(adapter, "mapped_fields", None)
    fields = mapped() if callable(mapped) else [*_ALL_FIELDS, "custom_fields.order_no"]
    named = getattr(adapter, "custom_field_names", None)
    custom = (named() if callable(named) else []) or ["order_no"]
    listed = getattr(adapter, "categories", None)
    categories = (listed() if callable(listed) else []) or list(_DEFAULT_CATEGORIES)
    run_id = "".join(secrets.choice(string.ascii_lowercase) for _ in range(6))
    tickets = sample_tickets(budget.tickets, categories, custom, run_id)
    with _target(vendor, path, allow_hosts) as (url, signer):
        say(
            probe_line("start", lang, vendor=vendor.name, url=url, tickets=budget.tickets,
                       watch=f"{budget.watch_s:g}", requests=budget.max_requests)
        )  # fmt: skip
        with HttpxExecutor(url, signer, timeout=10.0) as executor:
            try:
                result = probe(executor.run, adapter, tickets, fields, budget)
            except ApiFailure as failure:
                raise VendorError(
                    f"vendor {vendor.name} at {url} could not be probed: {failure}. Check "
                    f"base_url, that the service is up, and the credentials named in {shown}."
                ) from None
    for finding in result.findings:
        say(finding_text(finding, lang))
    created = ", ".join(result.created) or "-"
    warnings = result.warnings
    if warnings:
        say(probe_line("done_warn", lang, path=shown, count=len(warnings),
                       requests=result.requests, created=created))  # fmt: skip
        return 1
    say(probe_line("done_ok", lang, path=shown, requests=result.requests, created=created))
    return 0


@contextmanager
def _target(
    vendor: VendorSpec, path: Path, allow_hosts: Sequence[str]
) -> Iterator[tuple[str, Signer]]:
    if not vendor.embedded:
        _check_host(vendor.base_url, allow_hosts)
        yield vendor.base_url, signer_for(vendor.auth, str(path))
        return
    from harness.sandbox import SandboxProcess

    assert vendor.sandbox is not None  # the model requires it with base_url: embedded
    token = secrets.token_urlsafe(24)
    auth = vendor.auth
    if auth.kind == "bearer":
        signer = bearer(Secret(token), auth.scheme, auth.header)
    else:
        signer = bearer(Secret(token))
    options = vendor.sandbox
    with SandboxProcess(options.profile, dict(options.overrides), token=token) as sandbox:
        yield sandbox.url, signer


def _check_host(url: str, allow_hosts: Sequence[str]) -> None:
    from urllib.parse import urlsplit

    from harness.config.hosts import HostAllowList

    host = urlsplit(url).hostname or ""
    if HostAllowList(("localhost", "127.0.0.0/8", "::1/128", *allow_hosts)).allows(host):
        return
    raise TargetNotAllowed(
        f"--probe sends live requests: {host} is neither loopback nor given with --allow-host. "
        f"Add '--allow-host {host}' only if you own that vendor account."
    )
