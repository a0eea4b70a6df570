"""``python -m harness.sandbox``: run one sandbox CSM on a loopback port.

When it listens it prints one JSON line, ``{"url": ..., "profile": ..., "pid": ...}``, and
nothing else on stdout. It stops on SIGTERM/SIGINT (exit 0), after ``--max-lifetime``
seconds, or when the process that started it is gone.
Usage mistakes exit 2 with a message on stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
from collections.abc import Sequence

from aiohttp import web

from harness.sandbox.app import build_app
from harness.sandbox.loopback import is_loopback_host
from harness.sandbox.profiles import PRESETS, Profile, ProfileError, get_profile

__all__ = ["main", "parse_args"]

DEFAULT_TOKEN_ENV = "CSM_SANDBOX_TOKEN"


class UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m harness.sandbox",
        description="Run the embedded sandbox CSM vendor on a loopback port.",
    )
    parser.add_argument("--profile", default="solid", help=f"one of: {', '.join(PRESETS)}")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override one profile field (repeatable)",
    )
    parser.add_argument("--seed", type=int, default=7, help="seed for skills and handle times")
    parser.add_argument(
        "--max-lifetime", type=float, default=3600.0, help="stop by itself after this many seconds"
    )
    parser.add_argument(
        "--token-env",
        default=DEFAULT_TOKEN_ENV,
        help="environment variable holding the bearer token",
    )
    return parser


def parse_args(argv: Sequence[str] | None) -> tuple[argparse.Namespace, Profile, str]:
    """Options, the resolved profile and the token; :class:`UsageError` on any mistake."""
    args = _parser().parse_args(argv)
    if not is_loopback_host(args.host):
        raise UsageError(
            f"--host {args.host!r} is not a loopback address; the sandbox only listens on "
            "127.0.0.0/8, ::1 or localhost."
        )
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is out of range 0-65535.")
    if args.max_lifetime <= 0:
        raise UsageError("--max-lifetime must be > 0 seconds.")
    overrides: dict[str, str] = {}
    for item in args.overrides:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set {item!r}: expected KEY=VALUE.")
        overrides[key.strip()] = value
    try:
        profile = get_profile(args.profile, overrides)
    except ProfileError as exc:
        raise UsageError(str(exc)) from None
    token = os.environ.get(args.token_env, "")
    if not token:
        raise UsageError(
            f"environment variable {args.token_env} is not set; export the bearer token the "
            "sandbox should accept in it."
        )
    return args, profile, token


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args, profile, token = parse_args(argv)
    except UsageError as exc:
        sys.stderr.write(f"Error: {exc}\n")
        return 2
    try:
        return asyncio.run(_serve(args, profile, token))
    except OSError as exc:  # e.g. the port is taken
        sys.stderr.write(f"Error: cannot listen on {args.host}:{args.port}: {exc}\n")
        return 2


# aiohttp's default of 128 overflows when thousands of sessions connect within seconds: the
# kernel drops their SYNs and the clients retry after 1, 3, 7, 15, 31 s (opens measured at
# 37 s with both sides idle). The kernel caps it at net.core.somaxconn.
LISTEN_BACKLOG = 4096


async def _serve(args: argparse.Namespace, profile: Profile, token: str) -> int:
    host = "127.0.0.1" if args.host == "localhost" else args.host.strip("[]")
    app = build_app(profile, token, args.seed)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, args.port, backlog=LISTEN_BACKLOG)
        await site.start()
        port = runner.addresses[0][1]
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        orphan_guard = asyncio.create_task(_stop_when_orphaned(stop))
        url_host = f"[{host}]" if ":" in host else host
        ready = {"url": f"http://{url_host}:{port}", "profile": profile.name, "pid": os.getpid()}
        sys.stdout.write(json.dumps(ready) + "\n")
        sys.stdout.flush()
        try:
            await asyncio.wait_for(stop.wait(), timeout=args.max_lifetime)
        except TimeoutError:
            pass
        orphan_guard.cancel()
    finally:
        await runner.cleanup()
    return 0


async def _stop_when_orphaned(stop: asyncio.Event) -> None:
    """Stop when the process that started this sandbox is gone (killed with SIGKILL, say),
    rather than serving nobody until --max-lifetime."""
    parent = os.getppid()
    while os.getppid() == parent:
        await asyncio.sleep(1.0)
    stop.set()


if __name__ == "__main__":
    sys.exit(main())
