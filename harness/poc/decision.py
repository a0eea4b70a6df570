"""decision.json: the POC's outcome, built from the files in the POC folder alone.

The ranking is the scoring model's (:func:`harness.analysis.scoring.score`, vetoed vendors
last), fed per vendor with the scored run's summary.json, the first breakpoint stage's
breakpoint.json and the first accept stage's checks.json. Each stage's verdict per vendor links
its evidence relative to the POC folder. decision.html and decision.xlsx are renderings of this
one dictionary, so their numbers are the same.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from harness.analysis.scorecard import ScoreReport, VendorInputs, write_scores
from harness.analysis.scoring import score
from harness.atomic import write_json
from harness.config.poc import PocPlan, Stage
from harness.poc.schedule import Task
from harness.poc.stages import stage_dir, state
from harness.report.i18n import t
from harness.results import checks_file
from harness.results.run_dir import RunDir

__all__ = ["DECISION_FILENAME", "build_decision", "write_decision"]

DECISION_FILENAME: Final = "decision.json"
SCHEMA: Final = "csm-harness/decision@1"


def build_decision(plan: PocPlan, root: Path, tasks: list[Task]) -> dict[str, Any]:
    measured = [name for name in plan.vendor_names() if _measured(root, name, tasks)]
    scores = _score(plan, root, measured)
    write_scores(scores, root / "scores.json")
    vendors = {name: _vendor(plan, root, name, tasks, scores) for name in plan.vendor_names()}
    done = all(state(root, task.vendor, task.stage) == "done" for task in tasks)
    unmeasured = [name for name in plan.vendor_names() if name not in measured]
    return {
        "schema": SCHEMA,
        "plan": {
            "name": plan.name,
            "description": plan.description,
            "order": plan.order,
            "file": "plan.yaml",
            "stages": [_stage_info(s) for s in plan.stages],
            "bounds": {
                "max_time_s": plan.bounds.max_time,
                "max_requests": plan.bounds.max_requests,
            },
        },
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "complete": done,
        "scoring": {"model": scores.model, "currency": scores.currency, "file": "scores.json"},
        "noise_rule": {"en": t("changes.rule", "en"), "zh-CN": t("changes.rule", "zh-CN")},
        "ranking": [_standing(card) for card in scores.cards],
        "not_ranked": [_not_ranked(plan, name, vendors[name]) for name in unmeasured],
        "vendors": vendors,
    }


def _measured(root: Path, vendor: str, tasks: list[Task]) -> bool:
    """At least one of its stages finished: a vendor none of whose stages did (an outage from
    the start) has no measurement to rank, and 0 points would read as a measured failure."""
    return any(state(root, t.vendor, t.stage) == "done" for t in tasks if t.vendor == vendor)


_NOT_RANKED: Final = {
    "en": "{vendor}: not measured, so not ranked: none of its stages finished ({stages}); "
    "resume the POC once the vendor is reachable.",
    "zh-CN": "{vendor}：未测得，不参与排名：没有一个阶段完成（{stages}）；厂商恢复后续跑本 POC。",
}

_STATE_WORDS: Final = {
    "en": {"incomplete": "incomplete", "missing": "not run"},
    "zh-CN": {"incomplete": "未完成", "missing": "未运行"},
}


def _not_ranked(plan: PocPlan, name: str, vendor: dict[str, Any]) -> dict[str, Any]:
    spec = plan.vendor_spec(name)
    titles = {"en": spec.title.en, "zh-CN": spec.title.zh_cn}
    states = [s for s in vendor["stages"] if s["state"] != "skipped"]
    why = {
        lang: text.format(
            vendor=titles[lang],
            stages=("，" if lang == "zh-CN" else ", ").join(
                f"{s['id']}: {_STATE_WORDS[lang].get(s['state'], s['state'])}" for s in states
            ),
        )
        for lang, text in _NOT_RANKED.items()
    }
    return {"vendor": name, "title": titles, "measured": False, "why": why}


def write_decision(decision: dict[str, Any], root: Path) -> Path:
    return write_json(root / DECISION_FILENAME, decision)


def _stage_info(stage: Stage) -> dict[str, Any]:
    return {"id": stage.id, "kind": stage.kind, "title": stage.title or stage.id}


# --- scoring ---------------------------------------------------------------------------------


def _first(plan: PocPlan, kind: str) -> Stage | None:
    return next((s for s in plan.stages if s.kind == kind), None)


def _score(plan: PocPlan, root: Path, vendors: list[str]) -> ScoreReport:
    """Score the measured ``vendors`` only: an unmeasured one's manual inputs (its price, say)
    must not move the others' relative points either."""
    model = plan.scoring_model
    scored, checks, search = plan.scored_stage, _first(plan, "accept"), _first(plan, "breakpoint")
    inputs = []
    for name in vendors:
        sources: dict[str, object] = {}
        run_id = None
        if scored is not None and state(root, name, scored) == "done":
            folder = stage_dir(root, name, scored)
            for source, file in model.input_files.items():
                if source in ("breakpoint", "checks"):
                    continue
                if (data := _read(folder / file)) is not None:
                    sources[source] = data
            run_id = f"{name}/{scored.id}"
        for source, stage, file in (
            ("checks", checks, "checks.json"),
            ("breakpoint", search, "breakpoint.json"),
        ):
            if stage is not None and state(root, name, stage) == "done":
                if (data := _read(stage_dir(root, name, stage) / file)) is not None:
                    sources[source] = data
        spec = plan.vendor_spec(name)
        inputs.append(VendorInputs(name, spec.title.en, spec.title.zh_cn, run_id, sources))
    return score(model, inputs)


def _read(path: Path) -> object | None:
    try:
        data: object = json.loads(path.read_text(encoding="utf-8"))
        return data
    except (OSError, ValueError):
        return None


def _standing(card: Any) -> dict[str, Any]:
    return {
        "rank": card.rank,
        "vendor": card.vendor,
        "measured": True,
        "title": {"en": card.title_en, "zh-CN": card.title_zh},
        "total": round(card.total, 2),
        "vetoed": card.vetoed,
        "not_measured": card.not_measured,
        "dimensions": {
            d.dimension: {
                "title": {"en": d.title_en, "zh-CN": d.title_zh},
                "weight": d.weight,
                "score": round(d.score, 2),
            }
            for d in card.dimensions
        },
        "vetoes_failed": [
            {
                "id": v.veto,
                "title": {"en": v.title_en, "zh-CN": v.title_zh},
                "measure": v.measure,
                "require": v.require,
                "measured": v.measured,
                "status": v.status,
                "why": {"en": v.explanation_en, "zh-CN": v.explanation_zh},
            }
            for v in card.vetoes
            if not v.ok
        ],
        "explanation": {"en": card.explanation_en, "zh-CN": card.explanation_zh},
    }


# --- per vendor ------------------------------------------------------------------------------


def _vendor(
    plan: PocPlan, root: Path, name: str, tasks: list[Task], scores: ScoreReport
) -> dict[str, Any]:
    spec = plan.vendor_spec(name)
    card = scores.card(name)
    scheduled = {task.stage.id for task in tasks if task.vendor == name}
    stages = [_stage(root, name, stage, stage.id in scheduled) for stage in plan.stages]
    manual = plan.scoring_model.manual.get(name)
    tco = None
    if manual is not None and manual.tco is not None:
        figures = manual.tco.figures(plan.scoring_model.tco_years)
        tco = {
            "source": manual.tco.source,
            "one_off": dict(manual.tco.one_off),
            "per_year": dict(manual.tco.per_year),
            "hidden_per_year": dict(manual.tco.hidden_per_year),
            **{k: round(v, 2) for k, v in figures.items()},
        }
    return {
        "title": {"en": spec.title.en, "zh-CN": spec.title.zh_cn},
        "measured": card is not None,
        "stages": stages,
        "lines": [
            {
                "criterion": line.criterion,
                "dimension": line.dimension,
                "title": {"en": line.title_en, "zh-CN": line.title_zh},
                "measure": line.measure,
                "unit": line.unit,
                "measured": line.measured,
                "points": round(line.points, 2),
                "weight": line.weight,
                "contribution": round(line.contribution, 2),
                "source": line.source,
                "why": {"en": line.explanation_en, "zh-CN": line.explanation_zh},
            }
            for line in (card.lines if card else [])
        ],
        "vetoes": [
            {
                "id": v.veto,
                "title": {"en": v.title_en, "zh-CN": v.title_zh},
                "require": v.require,
                "measured": v.measured,
                "status": v.status,
                "why": {"en": v.explanation_en, "zh-CN": v.explanation_zh},
            }
            for v in (card.vetoes if card else [])
        ],
        "manual": {
            key: {"value": value.value, "source": value.source}
            for key, value in (manual.values.items() if manual else [])
        },
        "tco": tco,
    }


def _stage(root: Path, vendor: str, stage: Stage, scheduled: bool) -> dict[str, Any]:
    base = {"id": stage.id, "kind": stage.kind, "title": stage.title or stage.id}
    if not scheduled:
        return {**base, "state": "skipped", "verdict": "skipped", "evidence": [], "numbers": {}}
    current = state(root, vendor, stage)
    if current != "done":
        verdict = "not_run" if current == "missing" else "incomplete"
        return {**base, "state": current, "verdict": verdict, "evidence": [], "numbers": {}}
    folder = stage_dir(root, vendor, stage)
    rel = folder.relative_to(root).as_posix()
    if stage.kind == "accept":
        return {**base, "state": "done", **_accept(folder, rel)}
    if stage.kind == "breakpoint":
        return {**base, "state": "done", **_search(folder, rel)}
    return {**base, "state": "done", **_run(folder, rel)}


def _accept(folder: Path, rel: str) -> dict[str, Any]:
    data = checks_file.read(RunDir(folder).checks)
    totals = data.totals
    checks = [
        {
            "id": c.id,
            "severity": c.severity,
            "family": c.family,
            "title": c.title,
            "outcome": c.outcome,
            "message": c.message.splitlines()[0] if c.message else "",
            "reproduction": "\n".join(c.reproduction) or None,  # create, then the read
        }
        for c in data.checks
    ]
    failed = totals.failed + totals.error
    return {
        "verdict": "pass" if failed == 0 else "fail",
        "numbers": {
            "passed": totals.passed,
            "failed": failed,
            "skipped": totals.skipped,
            "veto_failed": totals.veto_failed,
            "pass_rate": data.pass_rate,
        },
        "checks": checks,
        "evidence": [
            {"label": "checks.json", "href": f"{rel}/checks.json"},
            {"label": "junit.xml", "href": f"{rel}/junit.xml"},
        ],
    }


def _run(folder: Path, rel: str) -> dict[str, Any]:
    data = _read(folder / "summary.json")
    assert isinstance(data, dict)
    metrics = data.get("metrics", {})

    def stat(metric: str, field: str) -> float | None:
        value = (metrics.get(metric) or {}).get(field)
        return None if value is None else round(float(value), 4)

    return {
        "verdict": data.get("verdict"),
        "numbers": {
            "tickets_created": (metrics.get("tickets_created") or {}).get("count"),
            "routing_p95_ms": stat("routing_latency", "p95_ms"),
            "create_p95_ms": stat("ticket_create", "p95_ms"),
            "error_rate": stat("errors", "rate"),
            "unrouted_rate": stat("unrouted", "rate"),
        },
        "thresholds": [
            {
                "metric": th["metric"],
                "source": th["source"],
                "ok": th["ok"],
                "measured": th["measured_text"],
            }
            for th in data.get("thresholds", [])
        ],
        "evidence": [
            {"label": "report.html", "href": f"{rel}/report.html"},
            {"label": "summary.json", "href": f"{rel}/summary.json"},
        ],
    }


def _search(folder: Path, rel: str) -> dict[str, Any]:
    data = _read(folder / "breakpoint.json")
    assert isinstance(data, dict)
    rate = data.get("breakpoint_per_s")
    slos = (data.get("config") or {}).get("slos") or {}
    return {
        "verdict": "found" if rate is not None else "none",
        "numbers": {
            "breakpoint_per_s": rate,
            "first_bad_per_s": data.get("first_bad_per_s"),
            "steps": len(data.get("steps", [])),
            "stop_reason": data.get("stop_reason"),
        },
        "thresholds": [
            {"metric": metric, "source": source, "ok": None, "measured": ""}
            for metric, sources in slos.items()
            for source in sources
        ]
        + [
            {
                "metric": b.get("name"),
                "source": b.get("source"),
                "ok": False,
                "measured": b.get("measured_text", ""),
            }
            for b in data.get("broken_slos", [])
        ],
        "evidence": [
            {"label": "breakpoint.html", "href": f"{rel}/breakpoint.html"},
            {"label": "breakpoint.json", "href": f"{rel}/breakpoint.json"},
        ],
    }
