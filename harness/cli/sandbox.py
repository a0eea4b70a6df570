"""``csm-harness sandbox``: run the embedded sandbox CSM alone, in the foreground."""

from __future__ import annotations

from typing import Annotated

import typer


def sandbox(
    profile: Annotated[
        str, typer.Option(help="Behaviour preset: solid, saturating or defective.")
    ] = "solid",
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1; 0 picks a free one.")] = 0,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a profile field, e.g. --set routing_workers=2."),
    ] = None,
    token_env: Annotated[
        str, typer.Option(help="Environment variable holding the bearer token clients use.")
    ] = "CSM_SANDBOX_TOKEN",
    max_lifetime: Annotated[
        float, typer.Option(help="Stop by itself after this many seconds.")
    ] = 3600.0,
) -> None:
    """Run the sandbox CSM on loopback until Ctrl-C (prints its URL as one JSON line)."""
    from harness.sandbox.__main__ import main as sandbox_main

    argv = ["--profile", profile, "--port", str(port), "--token-env", token_env,
            "--max-lifetime", str(max_lifetime)]  # fmt: skip
    for item in set_ or []:
        argv += ["--set", item]
    raise typer.Exit(sandbox_main(argv))
