# ruff: noqa: RUF001  (zh-CN samples use full-width punctuation; en dash is meant)
"""The catalog covers every key the templates use, in both languages; number formats."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from harness.i18n import (
    LANGS,
    Lang,
    fmt_duration_s,
    fmt_ms,
    fmt_ms_pair,
    fmt_ms_range,
    fmt_number,
    fmt_pct,
    fmt_ratio,
)
from harness.report import i18n
from harness.report.i18n import MESSAGES, t

TEMPLATES = Path(i18n.__file__).parent / "templates"


def _template_sources() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(TEMPLATES.glob("*.j2"))}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_languages_are_en_and_zh_cn() -> None:
    assert LANGS == ("en", "zh-CN")


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_key_has_both_languages_with_the_same_fields(key: str) -> None:
    entry = MESSAGES[key]
    assert set(entry) == set(LANGS)
    assert all(entry[lang].strip() for lang in LANGS)
    assert _fields(entry["en"]) == _fields(entry["zh-CN"])


def test_every_key_the_templates_use_exists() -> None:
    sources = _template_sources()
    assert {"_base.html.j2", "report.html.j2", "compare.html.j2"} <= set(sources)
    used = {key for text in sources.values() for key in re.findall(r"\bt\('([^']+)'", text)}
    assert len(used) > 60  # the scan found the calls
    assert sorted(used - set(MESSAGES)) == []


def test_templates_only_call_t_with_literal_keys() -> None:
    """A computed key (t('verdict.' ~ v)) would escape the check above."""
    for name, text in _template_sources().items():
        assert re.findall(r"\bt\((?!')", text) == [], name


def test_unknown_keys_fail_loudly() -> None:
    with pytest.raises(KeyError):
        t("no.such.key", "en")


def test_zh_drops_spaces_next_to_full_width_punctuation_only() -> None:
    args = {
        "a": "沙箱（易饱和）",
        "b": "Zendesk",
        "va": "14.3 秒",
        "vb": "0.37 秒",
        "ratio": "38.2",
    }
    assert t("finding.latency_times", "zh-CN", **args) == (
        "沙箱（易饱和）的路由延迟 p95 是 Zendesk 的 38.2 倍（14.3 秒 对 0.37 秒）"
    )
    assert t("finding.latency_times", "en", **args).startswith("沙箱（易饱和） routes tickets")


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (850.0, "en", "850 ms"),
        (850.0, "zh-CN", "850 毫秒"),
        (3.25, "en", "3.25 ms"),
        (999.4, "en", "999 ms"),
        (1000.0, "en", "1 s"),
        (12400.0, "en", "12.4 s"),
        (12400.0, "zh-CN", "12.4 秒"),
        (125_400.0, "en", "125 s"),
        (0.0, "en", "0 ms"),
        (None, "en", "—"),
    ],
)
def test_fmt_ms(value: float | None, lang: Lang, expected: str) -> None:
    assert fmt_ms(value, lang) == expected


def test_pairs_and_ranges_share_one_unit() -> None:
    assert fmt_ms_pair(14300.0, 370.0, "en") == ("14.3 s", "0.37 s")
    assert fmt_ms_pair(370.0, 14300.0, "zh-CN") == ("0.37 秒", "14.3 秒")
    # values far apart keep their own units rather than reading 0.00959 s
    assert fmt_ms_pair(44700.0, 9.59, "en") == ("44.7 s", "9.59 ms")
    assert fmt_ms_pair(44700.0, 99.0, "zh-CN") == ("44.7 秒", "99 毫秒")
    assert fmt_ms_range(100.0, 200.0, "en") == "100–200 ms"
    assert fmt_ms_range(500.0, 1000.0, "en") == "0.5–1 s"
    assert fmt_ms_range(800.0, 1600.0, "en") == "0.8–1.6 s"
    assert fmt_ms_range(1600.0, 3200.0, "zh-CN") == "1.6–3.2 秒"


@pytest.mark.parametrize(
    ("fraction", "digits", "expected"),
    [(0.042, 2, "4.20%"), (0.0, 2, "0.00%"), (0.00001, 2, "<0.01%"), (0.935, 0, "94%"),
     (1.0, 2, "100.00%"), (None, 2, "—")],
)  # fmt: skip
def test_fmt_pct_never_shows_a_nonzero_rate_as_zero(
    fraction: float | None, digits: int, expected: str
) -> None:
    assert fmt_pct(fraction, digits) == expected


@pytest.mark.parametrize(
    ("seconds", "lang", "expected"),
    [(2.5, "en", "2.5 s"), (45.0, "en", "45 s"), (45.0, "zh-CN", "45 秒"),
     (120.0, "en", "2 min"), (120.0, "zh-CN", "2 分钟"), (605.0, "zh-CN", "10 分 5 秒"),
     (3720.0, "en", "1 h 2 min"), (3720.0, "zh-CN", "1 小时 2 分")],
)  # fmt: skip
def test_fmt_duration_s(seconds: float, lang: Lang, expected: str) -> None:
    assert fmt_duration_s(seconds, lang) == expected


def test_fmt_number_and_ratio() -> None:
    assert [fmt_number(v) for v in (0.37, 14.3, 12.0, 1234.5, 0.0001234)] == [
        "0.37", "14.3", "12", "1234", "0.000123"
    ]  # fmt: skip
    assert [fmt_ratio(v) for v in (38.648, 2.0, 151.0)] == ["38.6", "2.0", "151"]
