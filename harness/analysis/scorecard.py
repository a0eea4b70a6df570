"""The result of scoring: scorecards per vendor, ranked, and scores.json on disk.

``ScoreReport.to_dict()`` is scores.json; :func:`read_scores` is its strict inverse (the same
decoder as summary.json). :func:`read_vendor_inputs` reads one run folder's input files.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from harness.atomic import write_json
from harness.config.scoring import ScoringModel
from harness.errors import ConfigError
from harness.i18n import Lang
from harness.results import summary_json as json_writer
from harness.results.model import Record, SchemaError

__all__ = [
    "DimensionScore",
    "ScoreLine",
    "ScoreReport",
    "Scorecard",
    "VendorInputs",
    "VetoLine",
    "read_scores",
    "read_vendor_inputs",
    "write_scores",
]


@dataclasses.dataclass(frozen=True, slots=True)
class VendorInputs:
    """One vendor's measured inputs: source name -> parsed JSON (``summary``, ``checks``, ...)."""

    name: str
    title_en: str
    title_zh: str
    run_id: str | None = None
    sources: Mapping[str, object] = dataclasses.field(default_factory=dict)


class _Titled:
    """``title(lang)`` for records that store the title in both languages."""

    __slots__ = ()
    title_en: str
    title_zh: str

    def title(self, lang: Lang) -> str:
        return self.title_zh if lang == "zh-CN" else self.title_en


class _Explained(_Titled):
    """``title(lang)`` and ``explanation(lang)``, both stored in both languages."""

    __slots__ = ()
    explanation_en: str
    explanation_zh: str

    def explanation(self, lang: Lang) -> str:
        return self.explanation_zh if lang == "zh-CN" else self.explanation_en


@dataclasses.dataclass(frozen=True, slots=True)
class ScoreLine(_Explained, Record):
    dimension: str
    criterion: str
    title_en: str
    title_zh: str
    measure: str
    unit: str | None
    measured: float | None  # None: not measured
    points: float  # 0..100 from the curve
    weight: float  # share of the total, in %
    contribution: float  # points * weight / 100
    source: str  # the file or the manual source the value came from
    explanation_en: str
    explanation_zh: str

    @property
    def measured_ok(self) -> bool:
        return self.measured is not None


@dataclasses.dataclass(frozen=True, slots=True)
class VetoLine(_Explained, Record):
    veto: str
    title_en: str
    title_zh: str
    measure: str
    require: str
    unit: str | None
    measured: float | None
    status: Literal["pass", "fail", "not_measured"]
    ok: bool
    explanation_en: str
    explanation_zh: str


@dataclasses.dataclass(frozen=True, slots=True)
class DimensionScore(_Titled, Record):
    dimension: str
    title_en: str
    title_zh: str
    weight: float
    score: float  # sum of its lines' contributions, 0..weight


@dataclasses.dataclass(frozen=True, slots=True)
class Scorecard(_Explained, Record):
    vendor: str
    title_en: str
    title_zh: str
    run_id: str | None
    rank: int
    total: float
    vetoed: bool
    not_measured: int
    dimensions: list[DimensionScore]
    lines: list[ScoreLine]
    vetoes: list[VetoLine]
    explanation_en: str
    explanation_zh: str


@dataclasses.dataclass(frozen=True, slots=True)
class ScoreReport(Record):
    """scores.json: the scorecards, best first."""

    model: str
    currency: str
    cards: list[Scorecard]
    schema_version: int = 1

    def card(self, vendor: str) -> Scorecard | None:
        return next((card for card in self.cards if card.vendor == vendor), None)


# --- files --------------------------------------------------------------------


def read_vendor_inputs(model: ScoringModel, run_dir: Path) -> VendorInputs:
    """The run in ``run_dir``: its summary.json (required) and every other input file present."""
    summary = json_writer.read(run_dir / json_writer.FILENAME)
    sources: dict[str, object] = {}
    for name, file in model.input_files.items():
        path = run_dir / file
        if not path.is_file():
            continue
        try:
            sources[name] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ConfigError(f"{path}: not a readable JSON file: {exc}") from None
    return VendorInputs(
        name=summary.vendor.name,
        title_en=summary.vendor.title_en,
        title_zh=summary.vendor.title_zh,
        run_id=summary.run_id,
        sources=sources,
    )


def write_scores(report: ScoreReport, path: Path) -> Path:
    """Write ``report`` as UTF-8 JSON to ``path`` (renamed into place, never half written)."""
    return write_json(path, report.to_dict())


def read_scores(path: Path) -> ScoreReport:
    """The scores in ``path``; a file that is not one is a ConfigError naming it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return ScoreReport.from_dict(data)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError, SchemaError) as exc:
        raise ConfigError(f"{path}: not a scores file: {exc}") from None
