"""junit.xml: thresholds, vetoes and score lines as test cases, for CI dashboards.

Shape of the common JUnit schema (``testsuites/testsuite/testcase`` with ``failure``,
``error`` and ``skipped``; ``tests``, ``failures``, ``errors``, ``skipped`` and ``time`` on each
suite and on the root), written with :mod:`xml.etree.ElementTree` (STYLE lesson 12):

- one ``testsuite`` per vendor run (``scenario/vendor``), time = the run's duration;
- one ``testcase`` per threshold; a failing one carries ``<failure>`` with measured vs expected;
- a run cut short adds a ``run.complete`` case with an ``<error>``;
- with a scorecard, one case per veto (``<failure>`` when it fails) and per score line
  (``<skipped>`` when not measured, ``<failure>`` when it scores 0 points, the explanation in
  ``<system-out>`` otherwise).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from harness.analysis.scorecard import Scorecard
from harness.report.writers.base import ExportRun
from harness.results.model import RunSummary

__all__ = ["FILENAME", "build", "export", "write", "write_many"]

FILENAME: Final = "junit.xml"
_COUNTS: Final = ("tests", "failures", "errors", "skipped")


def export(run: ExportRun, out_dir: Path) -> list[Path]:
    return [write(run.summary, out_dir, scorecard=run.scorecard)]


def write(summary: RunSummary, out_dir: Path, *, scorecard: Scorecard | None = None) -> Path:
    """Write ``out_dir/junit.xml`` for one run and return its path."""
    return write_many([(summary, scorecard)], out_dir / FILENAME)


def write_many(runs: Sequence[tuple[RunSummary, Scorecard | None]], path: Path) -> Path:
    """One junit.xml with a test suite per run."""
    tree = ET.ElementTree(build(runs))
    ET.indent(tree)
    path.parent.mkdir(parents=True, exist_ok=True)
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return path


def build(runs: Sequence[tuple[RunSummary, Scorecard | None]]) -> ET.Element:
    root = ET.Element("testsuites", name="csm-harness")
    totals = dict.fromkeys(_COUNTS, 0)
    time = 0.0
    for summary, card in runs:
        suite = _suite(summary, card)
        root.append(suite)
        for key in _COUNTS:
            totals[key] += int(suite.get(key, "0"))
        time += summary.duration_s
    for key in _COUNTS:
        root.set(key, str(totals[key]))
    root.set("time", f"{time:.3f}")
    return root


def _suite(summary: RunSummary, card: Scorecard | None) -> ET.Element:
    vendor = summary.vendor.name
    suite = ET.Element(
        "testsuite",
        name=f"{summary.scenario}/{vendor}",
        timestamp=summary.started_at,
        time=f"{summary.duration_s:.3f}",
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (("run_id", summary.run_id), ("verdict", summary.verdict)):
        ET.SubElement(properties, "property", name=name, value=value)
    for outcome in summary.thresholds:
        case = _case(suite, f"{vendor}.thresholds", f"{outcome.metric} '{outcome.source}'")
        if not outcome.ok:
            message = f"measured {outcome.measured_text}, expected {outcome.source}"
            ET.SubElement(
                case, "failure", message=message, type="threshold"
            ).text = f"{outcome.metric}: {message}"
    if not summary.complete:
        case = _case(suite, f"{vendor}.run", "run.complete")
        message = "the run was cut short; the figures cover only the part that ran"
        ET.SubElement(case, "error", message=message, type="incomplete")
    if card is not None:
        _score_cases(suite, vendor, card)
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    for key, tag in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
        suite.set(key, str(sum(case.find(tag) is not None for case in cases)))
    return suite


def _score_cases(suite: ET.Element, vendor: str, card: Scorecard) -> None:
    for veto in card.vetoes:
        case = _case(suite, f"{vendor}.vetoes", f"{veto.veto}: {veto.title_en}")
        if not veto.ok:
            shown = "not measured" if veto.measured is None else f"{veto.measured:g}"
            message = f"measured {veto.measure} = {shown}, expected {veto.require}"
            ET.SubElement(case, "failure", message=message, type="veto").text = veto.explanation_en
    for line in card.lines:
        case = _case(suite, f"{vendor}.scores", f"{line.dimension}/{line.criterion}")
        if line.measured is None:
            ET.SubElement(case, "skipped", message="not measured").text = line.explanation_en
        elif line.points == 0:
            message = f"measured {line.measure} = {line.measured:g}: 0 points"
            ET.SubElement(case, "failure", message=message, type="score").text = line.explanation_en
        else:
            ET.SubElement(case, "system-out").text = line.explanation_en


def _case(suite: ET.Element, classname: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=classname, name=name, time="0")
