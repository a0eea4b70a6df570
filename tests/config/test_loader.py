"""harness.config.loader: YAML to data + lines, and pydantic errors to file:line messages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import pytest
from pydantic import Field, model_validator

from harness.config import (
    ConfigValueError,
    LineMap,
    StrictModel,
    closest,
    did_you_mean,
    display_path,
    format_loc,
    load_yaml,
    validate,
)
from harness.errors import ConfigError


def write(tmp_path: Path, text: str, name: str = "c.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # messages show "c.yaml:3: ..."


def problems(model: type[StrictModel], path: Path) -> list[str]:
    with pytest.raises(ConfigError) as info:
        validate(model, path)
    assert info.value.exit_code == 2
    return info.value.problems


# --- load_yaml ---------------------------------------------------------------------------------


def test_lines_of_keys_and_list_items(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "# comment\n"
        "name: x\n"
        "load:\n"
        "  rate: 8/s\n"
        "hosts:\n"
        "  - a\n"
        "  - {host: b, port: 1}\n"
        "flow: [1, 2]\n",
    )
    data, lines = load_yaml(path)
    assert data["load"] == {"rate": "8/s"}
    assert lines.line(()) == 2
    assert lines.line(("load",)) == 3
    assert lines.line(("load", "rate")) == 4
    assert lines.line(("hosts", 0)) == 6
    assert lines.line(("hosts", 1, "port")) == 7
    assert lines.line(("flow", 1)) == 8
    assert lines.line(("load", "missing", "deeper")) == 3  # closest known parent


def test_line_map_falls_back_to_line_one() -> None:
    assert LineMap({}).line(("a",)) == 1


def test_utf8_bom_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfname: \xe5\x86\x92\xe7\x83\x9f\n")
    assert load_yaml(path)[0] == {"name": "冒烟"}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(
            "name: 冒烟\n".encode("gbk"),  # 冒 is c3 b0 in GBK: valid UTF-8 (ð) by chance
            "bad.yaml:1: not valid UTF-8 (byte 0xd1 at column 9). It looks GBK/GB18030-encoded; "
            "save it as UTF-8.",
            id="gbk",
        ),
        pytest.param(
            "name: x\n".encode("utf-16"),
            "bad.yaml:1: the file is UTF-16 encoded; save it as UTF-8.",
            id="utf-16",
        ),
    ],
)
def test_non_utf8_files_are_named_as_such(tmp_path: Path, raw: bytes, message: str) -> None:
    (tmp_path / "bad.yaml").write_bytes(raw)
    with pytest.raises(ConfigError) as info:
        load_yaml(tmp_path / "bad.yaml")
    assert str(info.value) == message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_yaml(tmp_path / "nope.yaml")
    assert str(info.value) == "nope.yaml: no such file."


def test_every_duplicate_key_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "a: 1\nb:\n  - {x: 1, x: 2}\na: 3\n")
    with pytest.raises(ConfigError) as info:
        load_yaml(path)
    assert info.value.problems == [
        "c.yaml:3: b[0].x: duplicate key; it is also set on line 3. "
        "YAML keeps only the last one, so remove one.",
        "c.yaml:4: a: duplicate key; it is also set on line 1. "
        "YAML keeps only the last one, so remove one.",
    ]


def test_merge_keys_are_not_duplicates(tmp_path: Path) -> None:
    path = write(tmp_path, "base: &b {x: 1}\nother:\n  <<: *b\n  x: 2\n")
    assert load_yaml(path)[0]["other"] == {"x": 2}


def test_syntax_error_does_not_quote_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "name: x\ntoken: sk_live_secret: {\n")
    with pytest.raises(ConfigError) as info:
        load_yaml(path)
    message = str(info.value)
    assert message.startswith("c.yaml:2: YAML syntax error: ")
    assert "sk_live_secret" not in message


def test_tabs_get_a_hint(tmp_path: Path) -> None:
    path = write(tmp_path, "load:\n\trate: 8/s\n")
    with pytest.raises(ConfigError, match="not tabs"):
        load_yaml(path)


EMPTY = "the file is empty; write a mapping such as 'name: smoke'."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", f"c.yaml:1: {EMPTY}", id="empty"),
        pytest.param("---\n", f"c.yaml:1: {EMPTY}", id="null"),
        pytest.param(
            "\n\n42\n",
            "c.yaml:3: the top level must be a mapping (key: value lines), not the number 42.",
            id="scalar",
        ),
        pytest.param(
            "a: 1\n---\nb: 2\n",
            "c.yaml:2: YAML syntax error: a second document starts here; keep one.",
            id="two-documents",
        ),
    ],
)
def test_top_level_must_be_one_mapping(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_yaml(write(tmp_path, text))
    assert str(info.value) == message


def test_env_vars_are_not_interpolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSM_SECRET_FOR_TEST", "s3cret")
    data, _ = load_yaml(write(tmp_path, "token_env: ${CSM_SECRET_FOR_TEST}\n"))
    assert data == {"token_env": "${CSM_SECRET_FOR_TEST}"}


# --- helpers -----------------------------------------------------------------------------------


def test_display_path_is_relative_under_cwd(tmp_path: Path) -> None:
    assert display_path(tmp_path / "sub" / "x.yaml") == "sub/x.yaml"
    assert display_path("/elsewhere/x.yaml") == "/elsewhere/x.yaml"


def test_format_loc() -> None:
    assert format_loc(("thresholds", "routing_latency", 0)) == "thresholds.routing_latency[0]"
    assert format_loc(("targets", 0, "allow_host")) == "targets[0].allow_host"
    assert format_loc(()) == ""


def test_did_you_mean() -> None:
    assert did_you_mean("durration", ["rate", "duration"]) == " Did you mean 'duration'?"
    assert did_you_mean("colour", ["rate", "duration"]) == ""
    assert closest("Routing_Latency", ["routing_latency"]) == "routing_latency"


# --- validate: pydantic errors to one ConfigError ----------------------------------------------


class Target(StrictModel):
    url: str = Field(examples=["http://127.0.0.1:8080"])
    allow_hosts: list[str] = Field(examples=[["127.0.0.1"]])


class Steady(StrictModel):
    kind: Literal["steady"]
    users: int = Field(ge=1, examples=[10])


class Burst(StrictModel):
    kind: Literal["burst"]
    size: int


class Plan(StrictModel):
    targets: list[Target]
    shape: Annotated[Steady | Burst, Field(discriminator="kind")]
    mode: Literal["fast", "slow"] = "fast"

    @model_validator(mode="after")
    def _two_problems(self) -> Plan:
        if self.mode == "slow":
            raise ConfigValueError([(("targets", 0, "url"), "first"), (("mode",), "second")])
        return self


GOOD = "targets:\n  - url: http://x\n    allow_hosts: [x]\nshape: {kind: steady, users: 2}\n"


def test_a_valid_file_loads(tmp_path: Path) -> None:
    assert validate(Plan, write(tmp_path, GOOD)).shape == Steady(kind="steady", users=2)


def test_unknown_key_close_to_a_missing_one_is_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("allow_hosts", "allow_host"))
    assert problems(Plan, path) == [
        "c.yaml:3: targets[0].allow_host: unknown key. Did you mean 'allow_hosts'?"
    ]


def test_missing_field_points_at_its_parent_and_says_what_to_write(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("  - url: http://x\n    allow_hosts", "  - allow_hosts"))
    assert problems(Plan, path) == [
        "c.yaml:2: targets[0].url: field required. Add 'url: http://127.0.0.1:8080'."
    ]


def test_discriminator_tags_are_not_shown(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("users: 2", "users: 0, user: 3"))
    assert problems(Plan, path) == [
        "c.yaml:4: shape.users: must be at least 1, got 0.",
        "c.yaml:4: shape.user: unknown key. Did you mean 'users'?",
    ]


def test_unknown_key_without_a_close_match_lists_the_keys(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "colour: red\n")
    assert problems(Plan, path) == [
        "c.yaml:5: colour: unknown key. Valid keys here: targets, shape, mode."
    ]


def test_unknown_kind_and_literal_list_the_valid_values(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("steady", "steddy") + "mode: fsat\n")
    assert problems(Plan, path) == [
        "c.yaml:4: shape.kind: unknown kind 'steddy'. Did you mean 'steady'? "
        "Known kinds: steady, burst.",
        "c.yaml:5: mode: unknown value 'fsat'. Did you mean 'fast'? Valid values: fast, slow.",
    ]


def test_missing_kind(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("kind: steady, ", ""))
    assert problems(Plan, path) == [
        "c.yaml:4: shape.kind: field required. Add 'kind: steady' (one of: steady, burst)."
    ]


def test_config_value_error_reports_several_located_problems(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "mode: slow\n")
    assert problems(Plan, path) == ["c.yaml:2: targets[0].url: first.", "c.yaml:5: mode: second."]


def test_all_problems_come_at_once_sorted_by_line(tmp_path: Path) -> None:
    path = write(tmp_path, "mode: 3\nshape: {kind: burst, size: '5'}\ntargets: x\n")
    assert problems(Plan, path) == [
        "c.yaml:1: mode: unknown value the number 3. Valid values: fast, slow.",
        "c.yaml:2: shape.size: expected a whole number, got the text '5'. Remove the quotes.",
        "c.yaml:3: targets: expected a list, got the text 'x'. Write a list: [x].",
    ]
