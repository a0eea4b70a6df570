"""``csm-harness proxy``: a loopback reverse proxy in front of a vendor that injects defects."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final

import typer

from harness.cli.messages import detect_lang, msg
from harness.errors import ConfigError
from harness.i18n import Lang

if TYPE_CHECKING:
    from harness.config.vendor import VendorSpec

_FOLDERS: Final = (
    Path("scenarios/vendors"),
    Path(__file__).resolve().parents[2] / "scenarios/vendors",
)

_KIND_HELP = "drop-field[=FIELD], rewrite-enum[=priority|status], accept-invalid, " \
    "strip-signatures, skip-deep, unmask-pii, ignore-idempotency"  # fmt: skip


def proxy(
    vendor: Annotated[str, typer.Option(help="Vendor name under scenarios/vendors/, or a YAML.")],
    defects: Annotated[str, typer.Option(help=f"Comma-separated kinds: {_KIND_HELP}.")],
    listen: Annotated[str, typer.Option(help="127.0.0.1:PORT (0 = a free port).")] = "127.0.0.1:0",
    webhook_target: Annotated[
        str | None, typer.Option(help="Where webhooks sent to /_proxy/webhook are relayed.")
    ] = None,
    allow_host: Annotated[
        list[str] | None, typer.Option(help="A non-loopback vendor host you own (repeatable).")
    ] = None,
    lang: Annotated[str | None, typer.Option(help="en or zh-CN.")] = None,
) -> None:
    """Forward every request to the vendor's base_url and inject the chosen defects.

    Point a copy of the vendor file's base_url at the printed URL, then run `accept`: each
    defect should fail its own check (drop-field FIELD-001, rewrite-enum ENUM-001,
    accept-invalid INPUT-001, skip-deep PAGE-001, unmask-pii PII-001, ignore-idempotency
    IDEM-001, strip-signatures HOOK-002). Where each acts comes from the vendor file.

    在厂商前启动本机反向代理并注入所选缺陷；把厂商文件的 base_url 指向打印出的地址后运行 accept，
    每个缺陷应只被对应的检查发现。
    """
    from harness.proxy import KINDS, build_app, parse_defects, plan_for

    language = detect_lang(lang)
    host, _, port_text = listen.rpartition(":")
    if host not in ("127.0.0.1", "localhost") or not port_text.isdigit():
        raise ConfigError(msg("proxy.listen", language, listen=listen))
    spec = resolve_vendor(vendor, allow_host or [])
    chosen = parse_defects(defects, language)
    plan = plan_for(spec, chosen)
    if "strip-signatures" in chosen and webhook_target is None and plan.webhook_register is None:
        raise ConfigError(
            "--defects strip-signatures needs --webhook-target URL (your receiver): the vendor "
            "file describes no webhook registration the proxy could relay"
        )
    upstream = str(spec.base_url)
    app = build_app(plan, upstream, webhook_target)
    _serve(app, host, int(port_text), spec.name, upstream, language,
           [f"{k} ({KINDS[k][2]})" for k in chosen.kinds])  # fmt: skip


def resolve_vendor(entry: str, allow_hosts: list[str]) -> VendorSpec:
    """The vendor file (a path or a name under scenarios/vendors/), its base_url allowed."""
    from harness.config import load_vendor
    from harness.config.hosts import HostAllowList
    from harness.config.scenario import DEFAULT_ALLOW_HOSTS
    from harness.transport.allowlist import check_target

    path = Path(entry)
    if not path.is_file() and "/" not in entry and not entry.endswith((".yaml", ".yml")):
        path = next((folder / f"{entry}.yaml" for folder in _FOLDERS
                     if (folder / f"{entry}.yaml").is_file()), path)  # fmt: skip
    if not path.is_file():
        raise ConfigError(f"--vendor: no such vendor file or name: {entry}")
    spec = load_vendor(path)
    if str(spec.base_url) == "embedded":
        raise ConfigError(f"{path}: base_url: embedded; the proxy needs the vendor's URL")
    allowed = [*DEFAULT_ALLOW_HOSTS, *allow_hosts]
    check_target(str(spec.base_url), HostAllowList(allowed), allowed, "--allow-host")
    return spec


def _serve(app: object, host: str, port: int, vendor: str, upstream: str, lang: Lang,
           kinds: list[str]) -> None:  # fmt: skip
    import asyncio

    from aiohttp import web

    async def run() -> None:
        assert isinstance(app, web.Application)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = runner.addresses[0][1]
        url = f"http://{host}:{bound}"
        started = msg("proxy.started", lang, vendor=vendor, url=url, upstream=upstream,
                      kinds=", ".join(kinds))  # fmt: skip
        sys.stderr.write(started + "\n")
        sys.stdout.write(json.dumps({"url": url}) + "\n")
        sys.stdout.flush()
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        return
