# ruff: noqa: RUF001, RUF002  (zh-CN full-width punctuation and the en dash are meant)
"""The two languages every user-facing string comes in, one lookup, and the number formats.

A catalog maps a key to its :data:`Text` (``{"en": ..., "zh-CN": ...}``, written with
:func:`text`); each area keeps its own catalog (report pages, scoring, CLI) and reads it with
:func:`lookup`. A missing key or language is a ``KeyError``, never a raw key on screen. Units
follow each language: ``850 ms`` / ``12.4 s`` in en, ``850 毫秒`` / ``12.4 秒`` in zh-CN.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Literal, get_args

__all__ = [
    "DASH",
    "FORMAT_MESSAGES",
    "LANGS",
    "Catalog",
    "Lang",
    "Text",
    "fmt_duration_s",
    "fmt_int",
    "fmt_ms",
    "fmt_ms_pair",
    "fmt_ms_range",
    "fmt_number",
    "fmt_pct",
    "fmt_per_second",
    "fmt_ratio",
    "lookup",
    "merge",
    "ms_unit",
    "other_lang",
    "text",
]

Lang = Literal["en", "zh-CN"]
LANGS: tuple[Lang, ...] = get_args(Lang)
DASH = "—"  # shown where a value does not exist (no samples); never a zero
Text = dict[Lang, str]  # one string in both languages
Catalog = Mapping[str, Mapping[Lang, str]]


def other_lang(lang: Lang) -> Lang:
    return "en" if lang == "zh-CN" else "zh-CN"


def text(en: str, zh: str) -> Text:
    return {"en": en, "zh-CN": zh}


FORMAT_MESSAGES: dict[str, Text] = {
    "unit.ms": text("ms", "毫秒"),
    "unit.s": text("s", "秒"),
    "unit.per_s": text("/s", "/秒"),
    "duration.s": text("{s} s", "{s} 秒"),
    "duration.min": text("{m} min {s} s", "{m} 分 {s} 秒"),
    "duration.whole_min": text("{m} min", "{m} 分钟"),
    "duration.h": text("{h} h {m} min", "{h} 小时 {m} 分"),
}


def merge(*catalogs: Catalog) -> dict[str, Text]:
    """One catalog from several; a key defined twice is a bug, caught at import."""
    merged: dict[str, Text] = {}
    for catalog in catalogs:
        twice = sorted(set(catalog) & set(merged))
        assert not twice, f"i18n keys defined twice: {twice}"
        merged.update({key: {"en": v["en"], "zh-CN": v["zh-CN"]} for key, v in catalog.items()})
    return merged


# Full-width punctuation (（）：，「」。) carries its own spacing, so a space beside it is wrong;
# the catalog writes a space around every field (Zendesk 的, 是 沙箱（稳健）), and this removes
# the ones that land next to such punctuation: 沙箱（稳健） 的 -> 沙箱（稳健）的.
_FULL_WIDTH_PUNCT = re.compile(
    "[ ]+(?=[\u3000-\u303f\uff00-\uff65])|(?<=[\u3000-\u303f\uff00-\uff65])[ ]+"
)


def lookup(catalog: Catalog, key: str, lang: Lang, **fmt: object) -> str:
    """``catalog[key]`` in ``lang``, formatted with ``fmt`` (``str.format`` fields)."""
    found = catalog[key][lang]
    if fmt:
        found = found.format(**fmt)
    return _FULL_WIDTH_PUNCT.sub("", found) if lang == "zh-CN" else found


def _unit(key: str, lang: Lang, **fmt: object) -> str:
    return lookup(FORMAT_MESSAGES, key, lang, **fmt)


def fmt_number(value: float, sig: int = 3) -> str:
    """``value`` to ``sig`` significant digits, trailing zeros dropped; whole from 10**sig up."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    decimals = max(0, sig - 1 - math.floor(math.log10(abs(value))))
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_int(value: int) -> str:
    return f"{value:,}"


def ms_unit(*values_ms: float | None) -> Literal["ms", "s"] | None:
    """One unit that shows all of ``values_ms`` readably, or None when none does.

    Seconds from one second up, unless a value would then read below 0.1 s (9.59 ms as
    0.00959 s): values that far apart are clearer each in its own unit.
    """
    known = [abs(v) for v in values_ms if v is not None]
    if not known or max(known) < 1000:
        return "ms"
    return "s" if min(known) >= 100 else None


def fmt_ms(value_ms: float | None, lang: Lang, unit: Literal["ms", "s"] | None = None) -> str:
    """``850 ms``, ``12.4 s`` (zh-CN ``12.4 秒``); pass ``unit`` to show several values alike."""
    if value_ms is None:
        return DASH
    unit = unit or ("s" if abs(value_ms) >= 1000 else "ms")
    shown = value_ms / 1000 if unit == "s" else value_ms
    return f"{fmt_number(shown)} {_unit('unit.' + unit, lang)}"


def fmt_ms_pair(a_ms: float, b_ms: float, lang: Lang) -> tuple[str, str]:
    unit = ms_unit(a_ms, b_ms)
    return fmt_ms(a_ms, lang, unit), fmt_ms(b_ms, lang, unit)


def fmt_ms_range(low_ms: float, high_ms: float, lang: Lang) -> str:
    """A histogram bucket: ``100–200 ms``, ``0.5–1 s`` (both ends in the upper end's unit)."""
    scale = 1000.0 if high_ms >= 1000 else 1.0
    return f"{fmt_number(low_ms / scale)}–{fmt_ms(high_ms, lang)}"


def fmt_pct(fraction: float | None, digits: int = 2) -> str:
    """``4.20%``; a rate that is not zero never shows as ``0.00%`` (it shows ``<0.01%``)."""
    if fraction is None:
        return DASH
    text = f"{fraction * 100:.{digits}f}%"
    if fraction > 0 and float(text[:-1]) == 0:
        return f"<{10**-digits:.{digits}f}%"
    return text


def fmt_duration_s(seconds: float, lang: Lang) -> str:
    """``45 s``, ``10 min 5 s``, ``1 h 2 min``; zh-CN ``45 秒``, ``10 分 5 秒``, ``1 小时 2 分``."""
    whole = round(seconds)
    if whole < 60:
        return _unit("duration.s", lang, s=fmt_number(seconds) if seconds < 10 else whole)
    if whole < 3600:
        key = "duration.min" if whole % 60 else "duration.whole_min"
        return _unit(key, lang, m=whole // 60, s=whole % 60)
    return _unit("duration.h", lang, h=whole // 3600, m=whole % 3600 // 60)


def fmt_ratio(ratio: float) -> str:
    """``38.6`` (as in 38.6×); whole numbers from 100 up, where a decimal adds nothing."""
    return f"{ratio:.1f}" if ratio < 100 else f"{ratio:.0f}"


def fmt_per_second(value: float, lang: Lang) -> str:
    return f"{fmt_number(value)}{_unit('unit.per_s', lang)}"
