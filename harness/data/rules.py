"""Allow-list rules for the residual scan (``--rules FILE``): harmless numbers a user vouches for.

The paranoid detector flags every bare 5-11 digit number it cannot explain; an export's own
reference numbers (member ids, store codes) then stop the output from being published. A rule
file clears such detector hits, each rule with the reason a reviewer reads::

    allow:
      - pattern: '会员号[:：]?(?P<v>[0-9]{8})'   # a hit inside group v (else the whole match)
        reason: our loyalty member number, not a QQ number
      - value: '20241111'
        kind: qq                                 # optional: only hits of this kind
        reason: campaign code printed on every coupon

Patterns run on the cell with full-width characters folded to ASCII. A rule
never clears an exact match of a real value the anonymiser saw: those stay leaks whatever the
rules say. The rules used, with how many hits each cleared, go into ``meta.json``.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Final

from pydantic import Field, field_validator, model_validator

from harness.config.loader import StrictModel, load_yaml, validate_data
from harness.data.columns import checked_pattern
from harness.data.pii import Hit, PiiKind, fold_fullwidth, normalise

__all__ = ["AllowRules", "Rule", "RuleFile", "load_rules"]

_VALUE_GROUP: Final[str] = "v"


class Rule(StrictModel):
    pattern: str | None = Field(default=None, min_length=1, examples=["会员号(?P<v>[0-9]{8})"])
    value: str | None = Field(default=None, min_length=1)
    kind: PiiKind | None = Field(default=None, strict=False)
    reason: str = Field(min_length=3, examples=["our member number, not a QQ number"])

    @field_validator("pattern")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        return None if value is None else checked_pattern(value, "what it allows")

    @model_validator(mode="after")
    def _one_of(self) -> Rule:
        if (self.pattern is None) == (self.value is None):
            raise ValueError("give either 'pattern' (a regular expression) or 'value' (exact)")
        return self

    def label(self) -> str:
        what = f"pattern {self.pattern}" if self.pattern is not None else f"value {self.value}"
        return f"{what} ({self.reason})"


class RuleFile(StrictModel):
    allow: list[Rule] = Field(default_factory=list)


class AllowRules:
    """The loaded rules; :meth:`clears` says which rule (by index) allows a hit, if any."""

    def __init__(self, rules: tuple[Rule, ...] = (), source: str = "", sha256: str = "") -> None:
        self.rules = rules
        self.source = source
        self.sha256 = sha256
        self._compiled = tuple(re.compile(r.pattern) if r.pattern else None for r in rules)

    def __bool__(self) -> bool:
        return bool(self.rules)

    def clears(self, hit: Hit, folded: str) -> int | None:
        """The index of the first rule that allows ``hit`` in the folded cell ``folded``."""
        compiled = self._compiled
        value = fold_fullwidth(hit.value)
        for index, (rule, pattern) in enumerate(zip(self.rules, compiled, strict=True)):
            if rule.kind is not None and rule.kind is not hit.kind:
                continue
            if pattern is None:
                if value == rule.value or normalise(hit.kind, value) == rule.value:
                    return index
                continue
            group = _VALUE_GROUP if _VALUE_GROUP in pattern.groupindex else 0
            for m in pattern.finditer(folded):
                start, end = m.span(group)
                if start <= hit.start and hit.end <= end:
                    return index
        return None

    def record(self, cleared: dict[int, int]) -> dict[str, object]:
        """What ``meta.json`` keeps: the file, its digest, every rule and the hits it cleared."""
        return {
            "file": self.source,
            "sha256": self.sha256,
            "rules": [
                {**rule.model_dump(exclude_none=True, mode="json"), "cleared": cleared.get(i, 0)}
                for i, rule in enumerate(self.rules)
            ],
        }


def load_rules(path: str | os.PathLike[str] | None) -> AllowRules:
    """The rule file at ``path`` (no rules for ``None``); ConfigError with its line otherwise."""
    if path is None:
        return AllowRules()
    data, lines = load_yaml(path)
    parsed = validate_data(RuleFile, data, lines, path)
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return AllowRules(tuple(parsed.allow), Path(path).name, digest)
