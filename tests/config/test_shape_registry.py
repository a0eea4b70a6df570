"""A new load kind is its own class (segments and phases) and one line in SHAPES: a toy kind,
declared here and registered in a scenario model, plans arrivals and phases with no other code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from harness.analysis.phases import phase_plan
from harness.config import Scenario
from harness.config.shape_base import (
    ArrivalProcess,
    MaxUsers,
    OpenModel,
    Opens,
    PhaseCut,
    RateSegment,
)
from harness.config.shapes import SHAPE_KINDS, SHAPES, shape_union
from harness.config.units import Duration, Rate
from harness.data.schedule import scenario_offsets
from tests.config.test_scenario import MINIMAL


class Sawtooth(OpenModel):
    """Toy kind: ``teeth`` ramps from 0 to ``peak``, each ``tooth`` long; a phase per tooth."""

    kind: Literal["sawtooth"] = Field(examples=["sawtooth"])
    peak: Rate
    tooth: Duration
    teeth: int = Field(default=3, ge=1)

    max_users: MaxUsers = 100
    arrivals: ArrivalProcess = "uniform"
    opens: Opens = "tickets"

    def segments(self) -> list[RateSegment]:
        return [RateSegment(n * self.tooth, self.tooth, 0.0, self.peak) for n in range(self.teeth)]

    def phase_cuts(self) -> list[PhaseCut]:
        return [PhaseCut("window", n + 1, s.start, s.start + s.duration)
                for n, s in enumerate(self.segments())]  # fmt: skip


if TYPE_CHECKING:
    WithSawtooth = Any
else:
    WithSawtooth = shape_union(*SHAPES, Sawtooth)  # the registry line, for this test's model


class SawtoothScenario(Scenario):
    load: WithSawtooth


def _scenario(load: dict[str, object]) -> Scenario:
    data = {**MINIMAL, "bounds": {"max_duration": "1h", "max_requests": 10**6}, "load": load}
    return SawtoothScenario.model_validate(data)


def test_a_registered_kind_validates_plans_arrivals_and_phases() -> None:
    scenario = _scenario({"kind": "sawtooth", "peak": "4/s", "tooth": "10s", "teeth": 3})
    assert isinstance(scenario.load, Sawtooth)
    offsets = scenario_offsets(scenario)
    assert len(offsets) == 60  # three teeth of (0 + 4) / 2 * 10 arrivals
    phases = phase_plan(scenario.load, offsets)
    assert [(p.name, p.start_s, p.end_s) for p in phases] == [
        ("window-1", 0.0, 10.0),
        ("window-2", 10.0, 20.0),
        ("window-3", 20.0, 30.0),
    ]
    assert [p.planned for p in phases] == [20, 20, 20]
    assert [p.offered_rate_per_s for p in phases] == [2.0, 2.0, 2.0]


def test_a_registered_kind_explains_itself_in_its_own_notation() -> None:
    scenario = _scenario({"kind": "sawtooth", "peak": "4/s", "tooth": "10s"})
    dumped = scenario.model_dump(mode="json")["load"]
    assert dumped == {"kind": "sawtooth", "peak": "4/s", "tooth": "10s", "teeth": 3,
                      "max_users": 100, "arrivals": "uniform", "opens": "tickets"}  # fmt: skip


def test_the_bundled_kinds_are_the_registry() -> None:
    assert set(SHAPE_KINDS) == {"arrival-rate", "step", "spike", "soak", "replay", "sessions"}
    assert tuple(SHAPE_KINDS.values()) == SHAPES
