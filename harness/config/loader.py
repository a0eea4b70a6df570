"""YAML files to plain data plus a line map, validated into config models.

:func:`load_yaml` reads one UTF-8 file (a BOM is fine) whose top level is a mapping, and maps
every key path (a pydantic ``loc``) to the 1-based line of its key or list item through PyYAML's
composed nodes. Duplicate keys, which PyYAML silently collapses, are reported.
:func:`validate` turns every pydantic error into one line of a single
:class:`~harness.errors.ConfigError` (see :mod:`harness.config.problems`)::

    scenarios/x.yaml:23: thresholds.routing_latency[0]: 'p95 < 30' needs a unit; ...
    scenarios/x.yaml:4: targets[0].allow_host: unknown key. Did you mean 'allow_hosts'?

Config holds environment variable *names* only (``auth.token_env``); nothing here reads the
environment or interpolates ``${VAR}``, so a secret can never end up in a config object, an
``--explain`` dump or an error message.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError

from harness.config.problems import LineMap, Loc, describe, format_errors, format_loc
from harness.errors import ConfigError

__all__ = [
    "Slug",
    "StrictModel",
    "display_path",
    "load_yaml",
    "validate",
    "validate_data",
]

M = TypeVar("M", bound=BaseModel)

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_EMPTY = "{}:1: the file is empty; write a mapping such as 'name: smoke'."


class StrictModel(BaseModel):
    """Base of every config model: unknown keys are errors, objects are immutable.

    ``strict=True`` as well: YAML already gives real numbers and booleans, so ``"50000"`` for
    a count is a mistake worth reporting rather than silently converting.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _check_slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(
            f"'{value}' is not a valid name; use lowercase letters, digits, '-' and '_' "
            "(e.g. 'sandbox-solid')"
        )
    return value


Slug = Annotated[str, AfterValidator(_check_slug)]
"""A lowercase identifier: ``sandbox-solid``, ``billing``, ``double11_peak``."""


def display_path(path: str | os.PathLike[str]) -> str:
    """``path`` relative to the current directory when it is under it, else as given."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


# --- reading ---------------------------------------------------------------------------------


def load_yaml(path: str | os.PathLike[str]) -> tuple[dict[str, Any], LineMap]:
    """Parse one UTF-8 YAML file whose top level is a mapping; return it with its line map."""
    shown = display_path(path)
    text = _read_text(Path(path), shown)
    loader: yaml.SafeLoader | None = None
    try:
        loader = yaml.SafeLoader(text)  # checks the characters already: inside the try
        node = loader.get_single_node()
        if node is None:
            raise ConfigError(_EMPTY.format(shown))
        index, duplicates = _index(node)
        lines = LineMap(index)
        if duplicates:
            raise ConfigError(
                [
                    f"{shown}:{line}: {format_loc(loc)}: duplicate key; it is also set on line "
                    f"{first}. YAML keeps only the last one, so remove one."
                    for loc, line, first in duplicates
                ]
            )
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise ConfigError(_syntax_error(shown, exc)) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise ConfigError(
            f"{shown}:{line}: YAML syntax error: character #x{exc.character:04x} is not allowed "
            "in YAML text."
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    if data is None:
        raise ConfigError(_EMPTY.format(shown))
    if not isinstance(data, dict):
        raise ConfigError(
            f"{shown}:{lines.line(())}: the top level must be a mapping (key: value lines), "
            f"not {describe(data)}."
        )
    return data, lines


def _read_text(path: Path, shown: str) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{shown}: no such file.") from None
    except IsADirectoryError:
        raise ConfigError(f"{shown}: is a directory, not a YAML file.") from None
    except OSError as exc:
        raise ConfigError(f"{shown}: cannot read the file: {exc.strerror}.") from None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ConfigError(f"{shown}:1: the file is UTF-16 encoded; save it as UTF-8.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        hint = "Save it as UTF-8."
        try:
            raw.decode("gb18030")
            hint = "It looks GBK/GB18030-encoded; save it as UTF-8."
        except UnicodeDecodeError:
            pass
        raise ConfigError(
            f"{shown}:{line}: not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {column}). "
            f"{hint}"
        ) from None


def _syntax_error(shown: str, exc: yaml.MarkedYAMLError) -> str:
    # Built from problem and context only: PyYAML's own str() quotes the offending line,
    # which may hold a pasted secret.
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else 1
    if exc.problem == "but found another document":
        return f"{shown}:{line}: YAML syntax error: a second document starts here; keep one."
    message = f"{shown}:{line}: YAML syntax error: {exc.problem or exc.context or 'invalid YAML'}"
    if mark is not None:
        message += f" (column {mark.column + 1})"
    context_mark = exc.context_mark
    if exc.problem and exc.context and context_mark is not None and context_mark.line + 1 != line:
        message += f", {exc.context} that starts on line {context_mark.line + 1}"
    if exc.problem and "'\\t'" in exc.problem:
        message += "; YAML indents with spaces, not tabs"
    return message + "."


_MERGE_TAG = "tag:yaml.org,2002:merge"


def _index(root: yaml.Node) -> tuple[dict[Loc, int], list[tuple[Loc, int, int]]]:
    """Lines of every key and list item, and the duplicate keys PyYAML would silently drop."""
    lines: dict[Loc, int] = {(): root.start_mark.line + 1}
    duplicates: list[tuple[Loc, int, int]] = []
    stack: list[tuple[Loc, yaml.Node, frozenset[int]]] = [((), root, frozenset())]
    while stack:
        loc, node, ancestors = stack.pop()
        if id(node) in ancestors:  # a recursive alias
            continue
        inner = ancestors | {id(node)}
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
                    continue
                key, line = key_node.value, key_node.start_mark.line + 1
                if key in first:
                    duplicates.append(((*loc, key), line, first[key]))
                else:
                    first[key] = line
                lines[(*loc, key)] = line
                stack.append(((*loc, key), value_node, inner))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                lines[(*loc, index)] = item.start_mark.line + 1
                stack.append(((*loc, index), item, inner))
    duplicates.sort(key=lambda duplicate: duplicate[1])
    return lines, duplicates


# --- validation ------------------------------------------------------------------------------


def validate(model_cls: type[M], path: str | os.PathLike[str]) -> M:
    """Load ``path`` and validate it as ``model_cls``; any problem raises one ConfigError."""
    data, lines = load_yaml(path)
    return validate_data(model_cls, data, lines, path)


def validate_data(
    model_cls: type[M], data: Mapping[str, Any], lines: LineMap, path: str | os.PathLike[str]
) -> M:
    """Validate already-loaded data; validators see ``info.context["source"]`` (the file)."""
    try:
        return model_cls.model_validate(data, context={"source": Path(path)})
    except ValidationError as exc:
        raise ConfigError(format_errors(model_cls, exc, data, lines, display_path(path))) from None
