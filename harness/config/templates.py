"""The one placeholder grammar of vendor files: ``{name}``, ``{a.b.c}`` and ``{env:NAME}``.

Request templates (``rest.operations.*.request``), signature messages (``auth.message``) and
webhook signature messages all use it. A string that is exactly one placeholder keeps the
value's type (a mapping, a list, a number); a placeholder inside other text is formatted as
text. ``{{`` and ``}}`` write literal braces. Config only *checks* templates: which names a
template may use is decided by where it sits, and :func:`check` reports an unknown one with a
suggestion and the list of valid names. Nothing here reads the environment.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, Final

from harness.config.suggest import closest

__all__ = ["ENV_PREFIX", "PLACEHOLDER", "check", "names", "walk_strings"]

PLACEHOLDER: Final = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_.:-]*)\}(?!\})")
ENV_PREFIX: Final = "env:"
_ENV_NAME: Final = re.compile(r"^[A-Z_][A-Z0-9_]*$")


def names(text: str) -> list[str]:
    """Placeholder names in ``text``, in order."""
    return PLACEHOLDER.findall(text)


def walk_strings(value: Any) -> Iterator[str]:
    """Every string inside a JSON-like template (keys are literal, values are templates)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from walk_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk_strings(item)


def check(value: Any, allowed: Iterable[str], *, env: bool = False) -> str | None:
    """The first problem with the placeholders of ``value``, or None.

    ``allowed`` names are exact; a name ending in ``.*`` allows any sub-key
    (``ticket.custom_fields.*``). With ``env=True``, ``{env:NAME}`` is allowed too.
    """
    exact = [name for name in allowed if not name.endswith(".*")]
    prefixes = [name[:-1] for name in allowed if name.endswith(".*")]
    for text in walk_strings(value):
        for name in names(text):
            if name.startswith(ENV_PREFIX):
                variable = name.removeprefix(ENV_PREFIX)
                if not env:
                    return f"'{{{name}}}': environment variables are only allowed in auth"
                if not _ENV_NAME.match(variable):  # never echo it: it may be the secret itself
                    return (
                        "'{env:...}' must hold the NAME of an environment variable (capital "
                        "letters, digits and _, e.g. {env:ACME_TOKEN}), never the secret itself"
                    )
                continue
            if name in exact or any(name.startswith(p) and len(name) > len(p) for p in prefixes):
                continue
            shown = ", ".join(f"{{{n}}}" for n in sorted(allowed))
            match = closest(name, exact)
            hint = f" Did you mean '{{{match}}}'?" if match else ""
            return f"unknown placeholder '{{{name}}}'.{hint} Valid here: {shown}"
    return None
