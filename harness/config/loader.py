"""YAML files to plain data plus a line map; pydantic errors to one ConfigError with file:line.

Every problem in a file is reported at once, one line each (STYLE.md lesson 5)::

    scenarios/x.yaml:23: thresholds.routing_latency[0]: 'p95 < 30' needs a unit; ...
    scenarios/x.yaml:4: targets[0].allow_host: unknown key. Did you mean 'allow_hosts'?

Lines come from PyYAML's composed nodes: :class:`LineMap` maps each key path (a pydantic
``loc`` without discriminator tags) to the 1-based line of the key, or of the list item.

Config holds environment variable *names* only (``auth.token_env``); nothing here reads the
environment or interpolates ``${VAR}``, so a secret can never end up in a config object, an
``--explain`` dump or an error message.

Models cooperate with the error formatter through three optional hooks:

- a validator raises :class:`ConfigValueError` to report problems *below* the value it
  checks (one list item, another field of the model), several at once;
- ``shortcut_keys: ClassVar[tuple[str, ...]]`` names extra top-level keys a ``mode="before"``
  validator accepts; they are offered in "Did you mean" suggestions;
- ``source_loc(loc, raw) -> loc`` (classmethod) maps a loc of the expanded data back to
  where the user wrote it, so an error in an expanded shortcut points at the shortcut.
"""

from __future__ import annotations

import codecs
import os
import re
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError
from pydantic.fields import FieldInfo

from harness.config.suggest import closest, did_you_mean
from harness.errors import ConfigError

__all__ = [
    "ConfigValueError",
    "LineMap",
    "Loc",
    "Slug",
    "StrictModel",
    "describe",
    "display_path",
    "format_loc",
    "load_yaml",
    "validate",
    "validate_data",
]

Loc = tuple[str | int, ...]
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


def display_path(path: str | os.PathLike[str]) -> str:
    """``path`` relative to the current directory when it is under it, else as given."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


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


# --- reading ---------------------------------------------------------------------------------


def load_yaml(path: str | os.PathLike[str]) -> tuple[dict[str, Any], LineMap]:
    """Parse one UTF-8 YAML file whose top level is a mapping; return it with its line map."""
    shown = display_path(path)
    text = _read_text(Path(path), shown)
    loader = yaml.SafeLoader(text)
    try:
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
                tags = ", ".join(_kind_tags(walk.annotation))
                found.append((lines.line(loc), (*loc, "kind"), f"field required; one of: {tags}."))
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
        quote = f" Quote it: '{value}'." if isinstance(value, int | float | bool) else ""
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
        return f"must be {bounds[kind].format(**ctx)}, got {value}."
    return _sentence(str(error["msg"]))


def _missing_message(item: _Missing) -> str:
    key = str(item.loc[-1])
    info = _field(item.parent, key) if item.parent is not None else None
    if info is not None and info.examples:
        return f"field required. Add '{key}: {_flow(info.examples[0])}'."
    return "field required."


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
    if info is None or get_origin(info.annotation) is not Literal:
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
