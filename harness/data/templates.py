"""Ticket text from per-category templates with slots: ``fixtures/templates/<lang>/*.yaml``.

One YAML file per category (``refunds.yaml``: ``category``, ``label``, ``subjects``, ``bodies``,
``extras``, ``slots``) plus ``_common.yaml`` (openers, closers, shared extras, generic templates
for categories without a file, shared slot values). A description is rendered as
``opener + body + extras + closer`` joined by ``joiner`` (``""`` for Chinese, ``" "`` for
English); the number of extras is how :mod:`harness.data.generate` reaches long texts.

Slots are ``{name}``. The built-in slots (:data:`BUILTIN_SLOTS`) are generated: order and
tracking numbers, amounts, dates, day/hour counts, quantities, times of day, the category's
label. Every other slot needs a value list; a template naming an unknown slot is a
:class:`~harness.errors.ConfigError` with ``file:line`` (all problems of a directory at once).

Rendering takes a :class:`random.Random` (or a numpy Generator, which seeds one), so a seed
gives the same texts. Dates are random month/day pairs, never derived from today's date.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final

from pydantic import Field, StringConstraints

from harness.config.loader import Slug, StrictModel, display_path, load_yaml, validate_data
from harness.config.problems import LineMap, format_loc
from harness.config.suggest import did_you_mean
from harness.errors import ConfigError

if TYPE_CHECKING:  # numpy at run time only where a caller passes a Generator
    import numpy as np

__all__ = [
    "BUILTIN_SLOTS",
    "LOCALE_DIRS",
    "TEMPLATES_DIR",
    "TemplateSet",
    "load_templates",
    "templates_for_locale",
]

TEMPLATES_DIR: Final = Path(__file__).resolve().parents[2] / "fixtures" / "templates"
LOCALE_DIRS: Final[dict[str, str]] = {"zh_CN": "zh-CN", "en_US": "en"}

Text = Annotated[str, StringConstraints(min_length=1)]
Texts = Annotated[list[Text], Field(min_length=1)]
Values = Annotated[list[Text], Field(min_length=1)]


class CategoryFile(StrictModel):
    category: Slug
    label: Text
    subjects: Texts
    bodies: Texts
    extras: list[Text] = Field(default_factory=list)
    slots: dict[str, Values] = Field(default_factory=dict)


class CommonFile(StrictModel):
    joiner: str = ""
    openers: Annotated[list[str], Field(min_length=1)]  # "" entries: no opener that often
    closers: Annotated[list[str], Field(min_length=1)]
    extras: list[Text] = Field(default_factory=list)
    generic_subjects: Texts
    generic_bodies: Texts
    slots: dict[str, Values] = Field(default_factory=dict)


_MONTHS_EN: Final = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def _order_no(rng: random.Random, zh: bool) -> str:
    return str(rng.randrange(10**17, 10**19)) if zh else str(rng.randrange(10**9, 10**10))


def _tracking_no(rng: random.Random, zh: bool) -> str:
    prefix = rng.choice(("SF", "YT", "ZT", "JD", "JT", "75") if zh else ("1Z", "SF", "JD", "94"))
    return f"{prefix}{rng.randrange(10**11, 10**13)}"


def _amount(rng: random.Random, zh: bool) -> str:
    return f"{rng.randrange(9, 3000)}.{rng.choice(('00', '00', '90', '99', '50', '80'))}"


def _date(rng: random.Random, zh: bool) -> str:
    month, day = rng.randrange(1, 13), rng.randrange(1, 29)
    return f"{month}月{day}日" if zh else f"{_MONTHS_EN[month - 1]} {day}"


BUILTIN_SLOTS: Final[dict[str, Callable[[random.Random, bool], str]]] = {
    "order_no": _order_no,
    "tracking_no": _tracking_no,
    "amount": _amount,
    "date": _date,
    "days": lambda rng, zh: str(rng.randrange(2, 16)),
    "hours": lambda rng, zh: str(rng.choice((2, 3, 4, 6, 12, 24, 48, 72))),
    "qty": lambda rng, zh: str(rng.randrange(2, 6)),
    "time": lambda rng, zh: f"{rng.randrange(8, 23)}:{rng.choice(('00', '30'))}",
}
_LABEL_SLOT: Final = "category_label"


def _fields(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


@dataclass(frozen=True, slots=True)
class _Category:
    label: str
    subjects: tuple[str, ...]
    bodies: tuple[str, ...]
    extras: tuple[str, ...]
    slots: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class TemplateSet:
    """The templates of one language, validated; render with a seeded generator."""

    lang: str
    joiner: str
    openers: tuple[str, ...]
    closers: tuple[str, ...]
    categories: Mapping[str, _Category]
    generic: _Category

    def label(self, category: str) -> str:
        found = self.categories.get(category)
        return found.label if found is not None else category

    def templates(self, category: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """All subject and body templates of ``category`` (the generic ones if it has no file)."""
        found = self.categories.get(category, self.generic)
        return found.subjects, found.bodies

    def render_subject(self, category: str, rng: random.Random | np.random.Generator) -> str:
        cat = self.categories.get(category, self.generic)
        r = _as_random(rng)
        return self._fill(r.choice(cat.subjects), cat, category, r)

    def render_body(
        self, category: str, rng: random.Random | np.random.Generator, extras: int = 0
    ) -> str:
        """Opener, one body template, ``extras`` follow-up sentences (no repeats while the
        category has enough of them), closer."""
        cat = self.categories.get(category, self.generic)
        r = _as_random(rng)
        parts = [r.choice(self.openers), r.choice(cat.bodies)]
        pool = cat.extras
        if extras and pool:
            picked = r.sample(pool, extras) if extras <= len(pool) else r.choices(pool, k=extras)
            parts.extend(picked)
        parts.append(r.choice(self.closers))
        text = self.joiner.join(part for part in parts if part)
        return self._fill(text, cat, category, r)

    def render(self, template: str, category: str, rng: random.Random) -> str:
        """Fill the slots of one template (used by tests to check every template fills)."""
        return self._fill(template, self.categories.get(category, self.generic), category, rng)

    def _fill(self, template: str, cat: _Category, category: str, rng: random.Random) -> str:
        names = _fields(template)
        if not names:
            return template
        zh = self.lang.startswith("zh")
        values: dict[str, str] = {}
        for name in names:
            if name == _LABEL_SLOT:
                values[name] = cat.label if cat is not self.generic else category
            elif name in cat.slots:
                values[name] = rng.choice(cat.slots[name])
            else:
                values[name] = BUILTIN_SLOTS[name](rng, zh)
        return template.format_map(values)


def _as_random(rng: random.Random | np.random.Generator) -> random.Random:
    if isinstance(rng, random.Random):
        return rng
    return random.Random(int(rng.integers(0, 2**63)))


def templates_for_locale(locale: str) -> TemplateSet:
    """The shipped templates for a Faker locale (``zh_CN``, ``en_US``); other ``zh*`` -> zh-CN."""
    lang = LOCALE_DIRS.get(locale, "zh-CN" if locale.lower().startswith("zh") else "en")
    return load_templates(TEMPLATES_DIR / lang)


@cache
def load_templates(directory: Path) -> TemplateSet:
    """Load and check every ``*.yaml`` of one language directory; one ConfigError lists all."""
    if not directory.is_dir():
        raise ConfigError(f"{display_path(directory)}: no such template directory.")
    common_path = directory / "_common.yaml"
    data, lines = load_yaml(common_path)
    common = validate_data(CommonFile, data, lines, common_path)
    problems: list[str] = []
    files = sorted(p for p in directory.glob("*.yaml") if not p.name.startswith("_"))
    shared = {name: tuple(values) for name, values in common.slots.items()}
    generic = _Category(
        "",
        tuple(common.generic_subjects),
        tuple(common.generic_bodies),
        tuple(common.extras),
        shared,
    )
    common_groups = {
        "generic_subjects": common.generic_subjects,
        "generic_bodies": common.generic_bodies,
        "extras": common.extras,
    }
    problems += _check_slots(common_path, lines, common_groups, set(shared))
    categories: dict[str, _Category] = {}
    for path in files:
        try:
            data, lines = load_yaml(path)
            spec = validate_data(CategoryFile, data, lines, path)
        except ConfigError as error:
            problems += error.problems
            continue
        if spec.category != path.stem:
            line = lines.line(("category",))
            problems.append(
                f"{display_path(path)}:{line}: category: '{spec.category}' differs from the "
                f"file name; name the file {spec.category}.yaml or the category '{path.stem}'."
            )
        slots = {**shared, **{name: tuple(values) for name, values in spec.slots.items()}}
        category = _Category(
            spec.label,
            tuple(spec.subjects),
            tuple(spec.bodies),
            tuple(spec.extras) + tuple(common.extras),
            slots,
        )
        groups = {"subjects": spec.subjects, "bodies": spec.bodies, "extras": spec.extras}
        problems += _check_slots(path, lines, groups, set(slots))
        categories[spec.category] = category
    if not categories:
        problems.append(f"{display_path(directory)}: no category files (*.yaml) found.")
    if problems:
        raise ConfigError(problems)
    return TemplateSet(
        directory.name,
        common.joiner,
        tuple(common.openers),
        tuple(common.closers),
        categories,
        generic,
    )


def _check_slots(
    path: Path, lines: LineMap, groups: Mapping[str, Sequence[str]], defined: set[str]
) -> list[str]:
    """Every ``{name}`` in ``groups`` (key -> templates) must be a known slot, without format
    specs; problems point at the template's line."""
    known = defined | set(BUILTIN_SLOTS) | {_LABEL_SLOT}
    problems = []
    for key, templates in groups.items():
        for index, template in enumerate(templates):
            where = f"{display_path(path)}:{lines.line((key, index))}: {format_loc((key, index))}"
            try:
                parsed = list(string.Formatter().parse(template))
            except ValueError as exc:  # an unmatched { or }
                problems.append(f"{where}: {exc}; write slots as {{name}}.")
                continue
            for _, name, spec, conversion in parsed:
                if name is None:
                    continue
                if spec or conversion or not name.isidentifier():
                    problems.append(f"{where}: slot {{{name}}} must be a plain {{name}}.")
                elif name not in known:
                    hint = did_you_mean(name, known) or f" Known: {', '.join(sorted(known))}."
                    problems.append(
                        f"{where}: unknown slot {{{name}}}; add a value list under 'slots:'.{hint}"
                    )
    return problems
