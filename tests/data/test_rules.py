"""Allow-list rules (``--rules``) and ``scan --explain`` (issue 15, point 2).

A member number after 会员号 has no QQ cue, so normal mode leaves it and the paranoid scan flags
it: the output is not published. ``scan --explain`` shows it masked with a rule; with that rule
in a ``--rules`` file the same export publishes, and meta.json records the rule and its count.
A rule never clears an exact match of a real value.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from harness.data.explain import explain
from harness.data.pii import find_pii
from harness.data.residual import scan_frame
from harness.data.rules import AllowRules, Rule, load_rules
from harness.errors import ConfigError
from tests.data.exports import build, write_csv
from tests.data.test_anonymise_cli import KEY_A, MAP, _env


def _rules(*rules: Rule) -> AllowRules:
    return AllowRules(rules, "rules.yaml", "0" * 64)


def test_pattern_value_and_kind_rules_clear_only_what_they_cover() -> None:
    member = Rule(pattern="会员号(?P<v>[0-9]{8})", reason="member number")
    code = Rule(value="31415926", kind="qq", reason="campaign code")  # type: ignore[arg-type]
    texts = ["会员号12345678，我的QQ87654321", "活动码 31415926", "会员号1234567890"]
    frame = pd.DataFrame({"text": texts})
    plain = scan_frame(frame)
    cleared = scan_frame(frame, rules=_rules(member, code))
    assert plain.unknown_hits == 4
    # the QQ number stays, and so does a 10-digit number the 8-digit pattern does not cover
    assert [(leak.row, leak.offset) for leak in cleared.leaks] == [(0, 16), (2, 3)]
    assert cleared.cleared == {0: 1, 1: 1}


def test_no_rule_clears_an_exact_match_of_a_real_value() -> None:
    frame = pd.DataFrame({"text": ["会员号12345678"]})
    rule = Rule(pattern="会员号(?P<v>[0-9]{8})", reason="member number")
    report = scan_frame(frame, inventory=["12345678"], rules=_rules(rule))
    assert report.exact_hits == 1 and not report.ok


def test_a_bad_rule_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("allow:\n  - reason: no pattern\n  - pattern: '(['\n    reason: broken\n",
                    encoding="utf-8")  # fmt: skip
    with pytest.raises(ConfigError) as info:
        load_rules(path)
    text = str(info.value)
    assert "rules.yaml:2" in text and "either 'pattern'" in text
    assert "rules.yaml:3" in text and "not a valid regular expression" in text


def test_explain_masks_the_value_and_suggests_a_rule_that_clears_it() -> None:
    text = "您好，会员号12345678，手机13800138000"
    report = scan_frame(pd.DataFrame({"text": [text]}))
    member = next(leak for leak in report.leaks if leak.kind == "qq")
    done = explain(text, member)
    assert "12345678" not in done.context and "13800138000" not in done.context
    assert "会员号[qq:99999999]" in done.context and "[phone]" in done.context
    assert done.rule is not None
    pattern = re.search(r"pattern: '([^']+)'", done.rule)
    assert pattern is not None
    rule = Rule(pattern=pattern.group(1), reason="member number")
    hit = next(h for h in find_pii(text, paranoid=True) if h.start == member.offset)
    assert _rules(rule).clears(hit, text) == 0


def _cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "harness", *args], cwd=cwd, env=_env(KEY_A),
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip


def test_explain_then_rules_then_it_publishes(tmp_path: Path) -> None:
    export = build(40)
    for i, row in enumerate(export.rows):
        row["内容"] += f"会员号{31000000 + i}。"
    write_csv(tmp_path / "export.csv", export)
    first = _cli(["anonymise", "export.csv", "--map", MAP, "--out", "out.parquet"], tmp_path)
    assert first.returncode == 1 and (tmp_path / "out.unverified.parquet").exists()
    explained = _cli(["scan", "out.unverified.parquet", "--explain"], tmp_path)
    assert explained.returncode == 1
    assert "会员号[qq:99999999]" in explained.stdout
    assert not any(str(31000000 + i) in explained.stdout for i in range(40))
    line = re.compile(r"^\s+clears it .*?: (- \{pattern: .*\})$", re.MULTILINE)
    suggested = line.search(explained.stdout)
    assert suggested is not None
    (tmp_path / "rules.yaml").write_text("allow:\n  " + suggested.group(1) + "\n", "utf-8")
    args = ["anonymise", "export.csv", "--map", MAP, "--out", "out.parquet", "--rules",
            "rules.yaml"]  # fmt: skip
    second = _cli(args, tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert (tmp_path / "out.parquet").exists()
    assert not (tmp_path / "out.unverified.parquet").exists()
    meta = json.loads((tmp_path / "out.meta.json").read_text(encoding="utf-8"))
    (rule,) = meta["allow_rules"]["rules"]
    assert rule["cleared"] == 40 - len(export.bad_rows) and rule["reason"].startswith("TODO")
    assert _cli(["scan", "out.parquet", "--rules", "rules.yaml"], tmp_path).returncode == 0
