"""The Kubernetes manifests in deploy/ parse, and agree with each other and with the CLI."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from harness.cli import app
from harness.config import load_scenario, load_vendor, resolve_vendors
from harness.transport.allowlist import check_target

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
ROOT_COMMAND = typer.main.get_command(app)


@pytest.fixture(scope="module")
def docs() -> dict[tuple[str, str], dict[str, Any]]:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for path in sorted(DEPLOY.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            key = (doc["kind"], doc["metadata"]["name"])
            assert key not in found, f"{path.name}: {key} defined twice"
            found[key] = doc
    return found


def _container(doc: dict[str, Any]) -> dict[str, Any]:
    [container] = doc["spec"]["template"]["spec"]["containers"]
    return dict(container)


def _parse(argv: list[str]) -> dict[str, Any]:
    """Parse a csm-harness command line with the real CLI (unknown flags fail), without running."""
    assert argv[0] == "csm-harness", argv
    command = ROOT_COMMAND.commands[argv[1]]  # type: ignore[attr-defined]
    with command.make_context(argv[1], argv[2:]) as context:
        return dict(context.params)


def _master_argv(doc: dict[str, Any]) -> list[str]:
    script = " ".join(_container(doc)["args"])
    return shlex.split(script.split(";", 1)[0])


def test_every_expected_object_is_there(docs: dict[tuple[str, str], dict[str, Any]]) -> None:
    assert set(docs) == {
        ("ConfigMap", "csm-harness-scenario"),
        ("Deployment", "csm-harness-master"),
        ("Service", "csm-harness-master"),
        ("Deployment", "csm-harness-worker"),
        ("PersistentVolumeClaim", "csm-harness-reports"),
    }


def test_master_workers_and_service_agree(docs: dict[tuple[str, str], dict[str, Any]]) -> None:
    master = docs[("Deployment", "csm-harness-master")]
    workers = docs[("Deployment", "csm-harness-worker")]
    service = docs[("Service", "csm-harness-master")]
    run = _parse(_master_argv(master))
    worker = _parse(_container(workers)["args"])
    port = run["master_bind_port"]
    [service_port] = service["spec"]["ports"]
    assert service_port["port"] == service_port["targetPort"] == port == worker["master_port"]
    assert [p["containerPort"] for p in _container(master)["ports"]] == [port]
    assert worker["master"] == service["metadata"]["name"]
    assert service["spec"]["selector"] == master["spec"]["template"]["metadata"]["labels"]
    for deployment in (master, workers):
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert deployment["spec"]["selector"]["matchLabels"] == labels
    assert run["expect_workers"] == workers["spec"]["replicas"] * worker["processes"]
    assert run["workers"] == 1
    cpus = int(_container(workers)["resources"]["requests"]["cpu"])
    assert worker["processes"] == cpus  # one Locust process per requested core
    assert _container(master)["image"] == _container(workers)["image"]


def test_pods_mount_the_scenario_and_the_shared_reports(
    docs: dict[tuple[str, str], dict[str, Any]], tmp_path: Path
) -> None:
    config = docs[("ConfigMap", "csm-harness-scenario")]
    claim = docs[("PersistentVolumeClaim", "csm-harness-reports")]
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    run = _parse(_master_argv(docs[("Deployment", "csm-harness-master")]))
    for name in ("csm-harness-master", "csm-harness-worker"):
        pod = docs[("Deployment", name)]["spec"]["template"]["spec"]
        volumes = {v["name"]: v for v in pod["volumes"]}
        mounts = {m["name"]: m["mountPath"] for m in _container(docs[("Deployment", name)])[
            "volumeMounts"]}  # fmt: skip
        assert volumes["scenario"]["configMap"]["name"] == config["metadata"]["name"]
        assert volumes["reports"]["persistentVolumeClaim"]["claimName"] == claim["metadata"][
            "name"]  # fmt: skip
        assert Path(mounts["scenario"]) == run["scenario"].parent
        assert Path(mounts["reports"]) == run["out"]
    assert run["scenario"].name in config["data"]


def test_the_configmap_scenario_and_vendor_load(
    docs: dict[tuple[str, str], dict[str, Any]], tmp_path: Path
) -> None:
    config = docs[("ConfigMap", "csm-harness-scenario")]
    for key, text in config["data"].items():
        (tmp_path / key).write_text(text, encoding="utf-8")
    scenario = load_scenario(tmp_path / "scenario.yaml")
    [vendor_path] = resolve_vendors(scenario, tmp_path / "scenario.yaml")
    vendor = load_vendor(vendor_path)
    check_target(vendor.base_url, scenario.allows, scenario.allow_hosts, "configmap")
    assert vendor.auth.kind == "bearer"
    for name in ("csm-harness-master", "csm-harness-worker"):
        env = {e["name"]: e for e in _container(docs[("Deployment", name)])["env"]}
        secret = env[vendor.auth.token_env]["valueFrom"]["secretKeyRef"]
        assert secret == {"name": "csm-harness-vendor", "key": "token"}
