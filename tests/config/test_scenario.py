"""Scenario and vendor models: shipped examples, shortcuts, allow-list, vendor resolution."""

from __future__ import annotations

import pkgutil
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import harness.config
from harness.config import (
    DEFAULT_ALLOW_HOSTS,
    SHAPE_KINDS,
    ArrivalRate,
    Scenario,
    VendorSpec,
    format_duration,
    format_rate,
    host_problem,
    load_scenario,
    load_vendor,
    parse_rate,
    resolve_vendors,
    schema_text,
    write_schema,
)
from harness.config.problems import _kind_tags
from harness.config.shapes import LoadShape
from harness.errors import ConfigError
from harness.model import Channel, Priority

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
SMOKE = SCENARIOS / "smoke.yaml"

MINIMAL: dict[str, Any] = {
    "name": "mini",
    "vendors": ["sandbox-solid"],
    "bounds": {"max_duration": "2m", "max_requests": 1000},
    "traffic": {
        "kind": "synthetic",
        "categories": {"billing": 1},
        "channels": {"web": 1},
        "priorities": {"normal": 1},
    },
}


def scenario(**changes: Any) -> Scenario:
    return Scenario.model_validate(
        MINIMAL | {"load": {"kind": "arrival-rate", "rate": "2/s", "duration": "30s"}} | changes
    )


def write_scenario(folder: Path, data: dict[str, Any]) -> Path:
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


# --- shipped examples --------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_scenario_loads(path: Path) -> None:
    loaded = load_scenario(path)
    assert all(p.is_file() for p in loaded.vendor_paths(path))


@pytest.mark.parametrize(
    "path", sorted((SCENARIOS / "vendors").glob("*.yaml")), ids=lambda p: p.name
)
def test_every_shipped_vendor_loads(path: Path) -> None:
    assert load_vendor(path).name == path.stem


def test_smoke_is_a_short_demo() -> None:
    smoke = load_scenario(SMOKE)
    assert smoke.load == ArrivalRate.model_validate(
        {"kind": "arrival-rate", "rate": "8/s", "duration": "30s", "max_users": 40}
    )
    assert (smoke.load.rate, smoke.load.duration, smoke.load.arrivals) == (8.0, 30.0, "poisson")
    assert smoke.load.total_duration <= 45  # a demo run against one vendor stays under a minute
    assert (smoke.bounds.max_duration, smoke.bounds.max_requests) == (180.0, 50000)
    assert (smoke.probe.mode, smoke.probe.poll_interval, smoke.probe.timeout) == ("auto", 0.5, 60.0)
    assert smoke.traffic.channels == {
        Channel.WEB: 4,
        Channel.WECHAT: 3,
        Channel.APP: 2,
        Channel.EMAIL: 1,
    }
    assert smoke.traffic.priorities[Priority.URGENT] == 0.5
    assert smoke.allow_hosts == list(DEFAULT_ALLOW_HOSTS)
    assert smoke.vendor_paths(SMOKE) == [
        SCENARIOS / "vendors" / "sandbox-solid.yaml",
        SCENARIOS / "vendors" / "sandbox-saturating.yaml",
    ]


def test_smoke_thresholds_are_parsed_in_file_order() -> None:
    parsed = load_scenario(SMOKE).parsed_thresholds()
    assert [(t.metric, t.source) for t in parsed] == [
        ("routing_latency", "p95 < 30s"),
        ("routing_latency", "p50 < 10s"),
        ("ticket_create", "p95 < 2s"),
        ("errors", "rate < 1%"),
        ("late_arrivals", "rate < 5%"),
        ("unrouted", "rate < 1%"),
    ]
    assert parsed[0].value == 30_000  # ms


def test_sandbox_vendors() -> None:
    solid = load_vendor(SCENARIOS / "vendors" / "sandbox-solid.yaml")
    saturating = load_vendor(SCENARIOS / "vendors" / "sandbox-saturating.yaml")
    assert solid.embedded and solid.sandbox is not None and solid.sandbox.profile == "solid"
    assert saturating.sandbox is not None and saturating.sandbox.profile == "saturating"
    assert (saturating.title.en, saturating.title.zh_cn) == (
        "Sandbox (saturating)",
        "沙箱（易饱和）",
    )
    assert solid.auth.kind == "bearer" and solid.auth.token_env == "CSM_SANDBOX_TOKEN"
    assert solid.webhooks.supported and solid.webhooks.secret_env == "CSM_SANDBOX_WEBHOOK_SECRET"


def test_schema_json_is_fresh() -> None:
    shipped = (SCENARIOS / "schema.json").read_text(encoding="utf-8")
    assert shipped == schema_text(), (
        "run: python -c 'from harness.config import write_schema; write_schema()'"
    )


def test_write_schema(tmp_path: Path) -> None:
    path = write_schema(tmp_path / "schema.json")
    assert path.read_text(encoding="utf-8") == schema_text()
    assert "rate" in yaml.safe_load(path.read_text(encoding="utf-8"))["properties"]  # shortcuts too


# --- shortcut expansion and explain ------------------------------------------------------------


def test_shortcut_expands_to_the_canonical_load() -> None:
    short = Scenario.model_validate(MINIMAL | {"rate": "2/s", "duration": "30s", "max_users": 7})
    assert short == scenario(
        load={"kind": "arrival-rate", "rate": "2/s", "duration": "30s", "max_users": 7}
    )
    assert short.load.max_users == 7


def test_shortcut_mixed_with_load_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = MINIMAL | {
        "vendors": ["v.yaml"],
        "duration": "30s",
        "load": {"kind": "arrival-rate", "rate": "2/s", "duration": "30s"},
    }
    (tmp_path / "v.yaml").touch()
    with pytest.raises(ConfigError) as info:
        load_scenario(write_scenario(tmp_path, data))
    assert info.value.problems == [
        "scenario.yaml:4: duration: `duration` and `load` cannot be used together; "
        "move duration into load."
    ]


def test_explain_is_canonical_and_loads_back() -> None:
    smoke = load_scenario(SMOKE)
    text = smoke.explain()
    assert text.startswith("# scenario smoke: canonical form")
    assert (
        "load: {kind: arrival-rate, rate: 8/s, duration: 30s, ramp_to: null, max_users: 40, "
        "arrivals: poisson,\n  opens: tickets}" in text
    )
    assert Scenario.model_validate(yaml.safe_load(text)) == smoke


def test_explain_expands_shortcuts_and_fills_defaults() -> None:
    text = Scenario.model_validate(MINIMAL | {"rate": "90/m", "duration": "1m30s"}).explain()
    data = yaml.safe_load(text)
    assert data["load"] == {
        "kind": "arrival-rate",
        "rate": "1.5/s",
        "duration": "90s",
        "ramp_to": None,
        "max_users": 100,
        "arrivals": "poisson",
        "opens": "tickets",
    }
    assert data["probe"] == {
        "mode": "auto",
        "poll_interval": "500ms",
        "poll_first": "50ms",
        "poll_growth": 1.5,
        "poll_budget": "200/s",
        "timeout": "1m",
    }
    assert data["allow_hosts"] == ["127.0.0.0/8", "localhost", "::1"]


@pytest.mark.parametrize(
    ("text", "per_second", "canonical"),
    [
        ("8/s", 8.0, "8/s"),
        ("120/m", 2.0, "2/s"),
        ("1.5/s", 1.5, "1.5/s"),
        ("10/m", 1 / 6, "10/m"),
        ("3600/h", 1.0, "1/s"),
        (" 8 / s ", 8.0, "8/s"),
    ],
)
def test_rates(text: str, per_second: float, canonical: str) -> None:
    assert parse_rate(text) == pytest.approx(per_second)
    assert format_rate(parse_rate(text)) == canonical


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("8", "'8' needs a unit: write '8/s' or '480/m'"),
        ("8 per second", "'8 per second' is not a rate; write e.g. '8/s', '120/m' or '1.5/s'"),
        ("0/s", "'0/s' is zero; a rate must be more than 0"),
    ],
)
def test_bad_rates(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_rate(text)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (180.0, "3m"),
        (40.0, "40s"),
        (0.5, "500ms"),
        (90.0, "90s"),
        (1.25, "1.25s"),
        (0.0005, "0.0005s"),
    ],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def test_bare_number_duration_says_what_to_write() -> None:
    with pytest.raises(ValueError, match=r"'0.5' needs a unit: write '0.5s' or '500ms'"):
        scenario(load={"kind": "arrival-rate", "rate": "2/s", "duration": 0.5})


def test_every_load_kind_is_registered() -> None:
    assert sorted(SHAPE_KINDS) == sorted(_kind_tags(LoadShape))


# --- allow_hosts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LocalHost.", True),
        ("127.0.0.2", False),  # loopback, but not listed: the default lists addresses, not 127/8
        ("localhost.localdomain", False),  # no DNS, no aliases
        ("example.com", False),
        ("10.1.2.3", True),
        ("::ffff:10.1.2.3", True),  # IPv4-mapped IPv6
        ("10.2.0.1", False),
        ("csm.corp.example", True),
        ("CSM.corp.example", True),
        ("api.csm.corp.example", False),  # a name matches itself only
    ],
)
def test_allows(host: str, allowed: bool) -> None:
    allow = scenario(
        allow_hosts=["127.0.0.1", "localhost", "::1", "10.1.0.0/16", "csm.corp.example"]
    )
    assert allow.allows(host) is allowed


def test_default_allow_hosts_are_loopback() -> None:
    default = scenario()
    assert default.allow_hosts == ["127.0.0.0/8", "localhost", "::1"]
    assert default.allows("127.0.0.1") and not default.allows("192.168.1.1")


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ("10.0.0.0/8", None),
        ("fe80::/10", None),
        ("2001:db8::1", None),
        ("my-host_1.example", None),
        ("10.0.0.5/24", "'10.0.0.5/24' has host bits set; write the network: '10.0.0.0/24'"),
        ("10.0.0.0/33", "'10.0.0.0/33' is not a valid CIDR; write e.g. '10.0.0.0/24'"),
        (
            "https://csm.example/api",
            "'https://csm.example/api' is a URL; write the host only: 'csm.example'",
        ),
        ("csm.example:443", "'csm.example:443' has a port; write the host only: 'csm.example'"),
        ("*.example", "'*.example' is not a host name, IP address or CIDR"),
        ("300.1.1.1", "'300.1.1.1' is not a valid IP address"),
        ("", "must not be empty; write a host name, IP address or CIDR"),
    ],
)
def test_host_problem(entry: str, problem: str | None) -> None:
    assert host_problem(entry) == problem


# --- vendor resolution -------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "vendors").mkdir()
    for name in ("acme", "sandbox-solid"):
        (tmp_path / "vendors" / f"{name}.yaml").write_text(f"name: {name}\n", encoding="utf-8")
    (tmp_path / "extra").mkdir()
    (tmp_path / "extra" / "beta.yaml").touch()
    return tmp_path


def test_resolve_names_and_paths(project: Path) -> None:
    path = write_scenario(
        project,
        MINIMAL | {"rate": "1/s", "duration": "10s", "vendors": ["acme", "extra/beta.yaml"]},
    )
    loaded = load_scenario(path)
    assert resolve_vendors(loaded, path) == [
        project / "vendors" / "acme.yaml",
        project / "extra" / "beta.yaml",
    ]


def test_unknown_vendor_is_reported_at_its_list_item(project: Path) -> None:
    path = project / "scenario.yaml"
    text = yaml.safe_dump(MINIMAL | {"rate": "1/s", "duration": "10s"}, sort_keys=False)
    path.write_text(
        text.replace("- sandbox-solid", "- acme\n- acne\n- extra/gamma.yaml"), encoding="utf-8"
    )
    with pytest.raises(ConfigError) as info:
        load_scenario(path)
    assert info.value.problems == [
        "scenario.yaml:4: vendors[1]: no vendor named 'acne' (looked for vendors/acne.yaml). "
        "Did you mean 'acme'? Available: acme, sandbox-solid.",
        "scenario.yaml:5: vendors[2]: no such file: extra/gamma.yaml.",
    ]


def test_resolve_vendors_reports_lines_too(project: Path) -> None:
    path = write_scenario(project, MINIMAL | {"rate": "1/s", "duration": "10s"})
    unresolved = Scenario.model_validate(
        MINIMAL | {"rate": "1/s", "duration": "10s", "vendors": ["nope"]}
    )
    with pytest.raises(ConfigError) as info:
        resolve_vendors(unresolved, path)
    assert info.value.problems[0].startswith("scenario.yaml:")
    assert (
        "no vendor named 'nope' (looked for vendors/nope.yaml). Available: acme, sandbox-solid."
        in str(info.value)
    )


def test_no_vendor_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=r"There are no vendor files in vendors\.$"):
        load_scenario(write_scenario(tmp_path, MINIMAL | {"rate": "1/s", "duration": "10s"}))


def test_without_a_source_file_vendor_names_are_not_checked() -> None:
    assert scenario(vendors=["anything"]).vendors == ["anything"]


# --- vendor spec -------------------------------------------------------------------------------

VENDOR: dict[str, Any] = {
    "name": "acme",
    "title": {"en": "Acme", "zh-CN": "艾克米"},
    "adapter": "zendesk",
    "base_url": "https://acme.example.com/api",
    "auth": {"kind": "none"},
}


def test_vendor_defaults() -> None:
    vendor = VendorSpec.model_validate(VENDOR)
    assert not vendor.embedded and vendor.sandbox is None
    assert not vendor.webhooks.supported and vendor.webhooks.secret_env is None


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"base_url": "embedded"}, "embedded needs a sandbox section"),
        ({"sandbox": {"profile": "solid"}}, "only allowed with base_url: embedded"),
        ({"base_url": "ftp://acme.example.com"}, "must be 'embedded' or an http(s) URL"),
        ({"base_url": "https://acme.example.com/?token=x"}, "must not have a query"),
        ({"auth": {"kind": "bearer", "token_env": "lower"}}, "NAME of an environment variable"),
        ({"name": "Acme"}, "'Acme' is not a valid name"),
    ],
)
def test_vendor_rules(changes: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ValueError, match=re.escape(fragment)):
        VendorSpec.model_validate(VENDOR | changes)


def test_credentials_in_base_url_are_refused_without_echo(tmp_path: Path) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text(
        yaml.safe_dump(VENDOR | {"base_url": "https://bob:hunter2@acme.example.com"}),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_vendor(path)
    assert "must not contain credentials" in str(info.value)
    assert "hunter2" not in str(info.value)


def test_all_public_names_are_exported() -> None:
    for name in harness.config.__all__:
        assert getattr(harness.config, name) is not None
    public = {n for n in dir(harness.config) if not n.startswith("_")}
    # submodules appear as attributes once anything imports them: they are not exports
    modules = {info.name for info in pkgutil.iter_modules(harness.config.__path__)}
    assert public - modules == set(harness.config.__all__)
