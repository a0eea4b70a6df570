"""Pydantic errors to ``file:line: path: message`` lines, all of a file's problems at once.

Each pydantic error's ``loc`` is walked along the model's types, so discriminator tags and
``[key]`` markers disappear from the path the user sees, and the model holding a field is known
(for "Did you mean" over its keys and for the example of a missing field). Messages are
rewritten into "what is wrong. what to write." form; pydantic's "Value error, " prefix and
URLs never appear.

Models cooperate through three optional hooks:

- a validator raises :class:`ConfigValueError` to report problems *below* the value it checks
  (one list item, another field of the model), several at once;
- ``shortcut_keys: ClassVar[tuple[str, ...]]`` names extra top-level keys a ``mode="before"``
  validator accepts; they are offered in "Did you mean" suggestions;
- ``source_loc(loc, raw) -> loc`` (classmethod) maps a loc of the expanded data back to where
  the user wrote it, so an error in an expanded shortcut points at the shortcut.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from harness.config.suggest import closest, did_you_mean

__all__ = ["ConfigValueError", "LineMap", "Loc", "describe", "format_errors", "format_loc"]

Loc = tuple[str | int, ...]


class ConfigValueError(ValueError):
    """Problems found by a validator, each at a loc relative to the value it validates.

    Raise it from a field validator to point at one list item (``((2,), "...")``), or from a
    model validator to point at a field (``(("bounds", "max_duration"), "...")``).
    """

    def __init__(self, problems: Sequence[tuple[Loc, str]]) -> None:
        self.problems: list[tuple[Loc, str]] = list(problems)
        super().__init__("; ".join(message for _, message in self.problems))

    @classmethod
    def at(cls, loc: Loc, message: str) -> ConfigValueError:
        return cls([(loc, message)])


@dataclass(frozen=True, slots=True)
class LineMap:
    """Key path -> 1-based line; unknown paths fall back to their closest known parent."""

    lines: Mapping[Loc, int]

    def line(self, loc: Loc) -> int:
        for end in range(len(loc), -1, -1):
            found = self.lines.get(tuple(loc[:end]))
            if found is not None:
                return found
        return 1


def format_loc(loc: Loc) -> str:
    """``("thresholds", "routing_latency", 0)`` -> ``thresholds.routing_latency[0]``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def describe(value: object) -> str:
    """A short, type-first description of a YAML value for error messages."""
    if value is None:
        return "nothing (the value is empty)"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text '{shown}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


@dataclass(slots=True)
class _Walk:
    loc: Loc  # as the user sees it: no discriminator tags, no "[key]"
    parent: type[BaseModel] | None  # the model holding the last part
    annotation: Any  # the type at the end of the loc, when known


@dataclass(slots=True)
class _Missing:
    loc: Loc
    parent: type[BaseModel] | None
    used: bool = field(default=False)


def format_errors(
    model_cls: type[BaseModel],
    exc: ValidationError,
    raw: Mapping[str, Any],
    lines: LineMap,
    shown: str,
) -> list[str]:
    """One ``file:line: path: message`` line per problem, sorted by line."""
    found: list[tuple[int, Loc, str]] = []
    missing: list[_Missing] = []
    extra: list[tuple[Loc, type[BaseModel] | None]] = []
    hook: Callable[[Loc, Mapping[str, Any]], Loc] | None = getattr(model_cls, "source_loc", None)

    for error in exc.errors(include_url=False):
        walk = _walk(model_cls, error["loc"])
        loc = hook(walk.loc, raw) if hook is not None else walk.loc
        kind = error["type"]
        cause = (error.get("ctx") or {}).get("error")
        if kind == "missing":
            missing.append(_Missing(loc, walk.parent))
        elif kind == "extra_forbidden":
            extra.append((loc, walk.parent))
        elif kind == "union_tag_not_found":
            typo = _key_close_to(_lookup(raw, loc), "kind")
            if typo is None:
                found.append((lines.line(loc), (*loc, "kind"), _missing_kind(walk.annotation)))
            else:
                found.append(
                    (lines.line((*loc, typo)), (*loc, typo), "unknown key. Did you mean 'kind'?")
                )
        elif isinstance(cause, ConfigValueError):
            for relative, message in cause.problems:
                found.append((lines.line(loc + relative), loc + relative, _sentence(message)))
        else:
            found.append((lines.line(loc), _tag_loc(kind, loc), _message(error, walk)))

    for loc, parent in extra:
        key = str(loc[-1])
        here = [item for item in missing if item.loc[:-1] == loc[:-1] and not item.used]
        match = closest(key, [str(item.loc[-1]) for item in here])
        if match is not None:
            next(item for item in here if str(item.loc[-1]) == match).used = True
            message = f"unknown key. Did you mean '{match}'?"
        else:
            keys = _keys(parent)
            listing = f" Valid keys here: {', '.join(keys)}." if keys else ""
            message = f"unknown key.{did_you_mean(key, keys) or listing}"
        found.append((lines.line(loc), loc, message))

    found.extend(
        (lines.line(item.loc[:-1]), item.loc, _missing_message(item))
        for item in missing
        if not item.used
    )

    found.sort(key=lambda problem: problem[0])  # stable: pydantic's order within a line
    return [
        f"{shown}:{line}: {format_loc(loc)}: {message}" if loc else f"{shown}:{line}: {message}"
        for line, loc, message in found
    ]


def _tag_loc(kind: str, loc: Loc) -> Loc:
    return (*loc, "kind") if kind == "union_tag_invalid" else loc


def _sentence(message: str) -> str:
    message = message.strip()
    return message if message.endswith((".", "?", "!")) else message + "."


def _message(error: Any, walk: _Walk) -> str:
    kind: str = error["type"]
    ctx: dict[str, Any] = error.get("ctx") or {}
    value = error.get("input")
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        return _sentence(str(ctx["error"]))
    if kind == "union_tag_invalid":
        tags = re.findall(r"'([^']*)'", str(ctx.get("expected_tags", "")))
        tag = str(ctx.get("tag", value))
        return f"unknown kind '{tag}'.{did_you_mean(tag, tags)} Known kinds: {', '.join(tags)}."
    if kind in ("literal_error", "enum"):
        valid = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        shown = f"'{value}'" if isinstance(value, str) else describe(value)
        hint = did_you_mean(value, valid) if isinstance(value, str) else ""
        return f"unknown value {shown}.{hint} Valid values: {', '.join(valid)}."
    if kind == "string_type":
        if isinstance(value, bool | float):  # YAML read yes/no/1.10 as these: quote the text
            quote = " Quote the value."
        else:
            quote = f" Quote it: '{value}'." if isinstance(value, int) else ""
        return f"expected text, got {describe(value)}.{quote}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        digits = isinstance(value, str) and value.strip().isdigit()
        unquote = " Remove the quotes." if digits else ""
        return f"expected a whole number, got {describe(value)}.{unquote}"
    if kind in ("float_type", "float_parsing"):
        return f"expected a number, got {describe(value)}."
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {describe(value)}."
    if kind in ("list_type", "tuple_type"):
        example = f" Write a list: [{value}]." if isinstance(value, str) else ""
        return f"expected a list, got {describe(value)}.{example}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping (key: value), got {describe(value)}."
    if kind in ("too_short", "string_too_short") and ctx.get("min_length") == 1:
        return "must not be empty."
    bounds = {
        "greater_than": "more than {gt}",
        "greater_than_equal": "at least {ge}",
        "less_than": "less than {lt}",
        "less_than_equal": "at most {le}",
    }
    if kind in bounds:
        limits = {key: _plain(limit) for key, limit in ctx.items()}
        return f"must be {bounds[kind].format(**limits)}, got {_plain(value)}."
    return _sentence(str(error["msg"]))


def _missing_message(item: _Missing) -> str:
    key = str(item.loc[-1])
    info = _field(item.parent, key) if item.parent is not None else None
    if info is not None and info.examples:
        return f"field required. Add '{key}: {_flow(info.examples[0])}'."
    return "field required."


def _plain(value: object) -> object:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _missing_kind(annotation: Any) -> str:
    tags = _kind_tags(annotation)
    if not tags:
        return "field required."
    others = f" (one of: {', '.join(tags)})" if len(tags) > 1 else ""
    return f"field required. Add 'kind: {tags[0]}'{others}."


def _flow(example: object) -> str:
    text = yaml.safe_dump(example, default_flow_style=True, allow_unicode=True, width=1000)
    return text.removesuffix("\n...\n").strip()


def _lookup(raw: object, loc: Loc) -> object:
    for part in loc:
        if isinstance(raw, dict) and part in raw:
            raw = raw[part]
        elif isinstance(raw, list) and isinstance(part, int) and 0 <= part < len(raw):
            raw = raw[part]
        else:
            return None
    return raw


def _key_close_to(raw: object, wanted: str) -> str | None:
    if not isinstance(raw, dict):
        return None
    return next((str(key) for key in raw if closest(str(key), [wanted]) is not None), None)


# --- walking the model's types along a pydantic loc -----------------------------------------


def _walk(root: type[BaseModel], loc: Iterable[str | int]) -> _Walk:
    shown: list[str | int] = []
    parent: type[BaseModel] | None = None
    annotation: Any = root
    tag_ok = False  # pydantic puts a discriminator tag right after the field holding the union
    for part in loc:
        annotation = _strip(annotation)
        members = _union_members(annotation)
        if members and tag_ok:
            annotation = next((m for m in members if part in _kind_tags(m)), None)
            if annotation is None:
                shown.append(part)
            tag_ok = False
            continue
        if _is_model(annotation):
            if tag_ok and _field(annotation, str(part)) is None and part in _kind_tags(annotation):
                tag_ok = False
                continue  # tag of a one-member discriminated union
            tag_ok = True
            parent = annotation
            info = _field(annotation, str(part))
            annotation = info.annotation if info is not None else None
            shown.append(part)
            continue
        origin, args = get_origin(annotation), get_args(annotation)
        tag_ok = True
        if part == "[key]":
            annotation = args[0] if origin is dict and args else None
            continue
        shown.append(part)
        if origin in (list, tuple, set, frozenset) and args:
            annotation = args[0]
        elif origin is dict and len(args) == 2:
            annotation = args[1]
        else:
            annotation = None
    return _Walk(tuple(shown), parent, _strip(annotation))


def _strip(annotation: Any) -> Any:
    while True:
        if get_origin(annotation) is Annotated:
            annotation = get_args(annotation)[0]
        elif get_origin(annotation) in (Union, types.UnionType):
            members = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        else:
            return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _union_members(annotation: Any) -> list[type[BaseModel]]:
    if get_origin(annotation) not in (Union, types.UnionType):
        return []
    return [_strip(arg) for arg in get_args(annotation) if _is_model(_strip(arg))]


def _kind_tags(annotation: Any) -> list[str]:
    """The ``kind`` literals of a model or of each member of a union of models."""
    annotation = _strip(annotation)
    if not _is_model(annotation):
        return [tag for member in _union_members(annotation) for tag in _kind_tags(member)]
    info = annotation.model_fields.get("kind")
    if info is None:  # a union tagged by a class-level kind (the breakpoint searches)
        tag = getattr(annotation, "kind", None)
        return [tag] if isinstance(tag, str) else []
    if get_origin(info.annotation) is not Literal:
        return []
    return [str(tag) for tag in get_args(info.annotation)]


def _field(model: type[BaseModel] | None, key: str) -> FieldInfo | None:
    if model is None:
        return None
    for name, info in model.model_fields.items():
        if (info.alias or name) == key:
            return info
    return None


def _keys(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    keys = [info.alias or name for name, info in model.model_fields.items()]
    return keys + list(getattr(model, "shortcut_keys", ()))
