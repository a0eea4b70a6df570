"""``csm-harness sandbox``: run the embedded sandbox CSM alone, in the foreground."""

from __future__ import annotations

import typer


def sandbox(
    profile: str = typer.Option("solid", help="Behaviour preset: solid or saturating."),
    port: int = typer.Option(0, help="Port on 127.0.0.1; 0 picks a free one."),
    set_: list[str] = typer.Option(
        [], "--set", help="Override a profile field, e.g. --set routing_workers=2 (repeatable)."
    ),
    token_env: str = typer.Option(
        "CSM_SANDBOX_TOKEN", help="Environment variable holding the bearer token clients use."
    ),
    max_lifetime: float = typer.Option(3600.0, help="Stop by itself after this many seconds."),
) -> None:
    """Run the sandbox CSM on loopback until Ctrl-C (prints its URL as one JSON line)."""
    from harness.sandbox.__main__ import main as sandbox_main

    argv = ["--profile", profile, "--port", str(port), "--token-env", token_env,
            "--max-lifetime", str(max_lifetime)]  # fmt: skip
    for item in set_:
        argv += ["--set", item]
    raise typer.Exit(sandbox_main(argv))
