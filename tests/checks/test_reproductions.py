"""Reproductions authenticate when pasted: the credential as the same ``$ENV_VAR`` the harness
reads; ``--dry-run`` names the real auth kind, its values redacted."""

from __future__ import annotations

from pathlib import Path

from harness.checks.client import to_curl
from harness.config import load_vendor
from harness.vendors.base import ApiRequest
from harness.vendors.credentials import curl_auth, describe_auth

VENDORS = Path(__file__).resolve().parents[2] / "scenarios" / "vendors"


def test_zendesk_basic_auth_curl_uses_the_documented_placeholder() -> None:
    vendor = load_vendor(VENDORS / "zendesk.yaml")
    args = curl_auth(vendor)
    assert args == ["-u", '"$ZENDESK_EMAIL/token:$ZENDESK_API_TOKEN"']
    text = to_curl(ApiRequest("GET", "/api/v2/tickets/1", "GET"), vendor.base_url, args, [])
    assert '-u "$ZENDESK_EMAIL/token:$ZENDESK_API_TOKEN"' in text
    assert describe_auth(vendor) == "basic $ZENDESK_EMAIL/token:$ZENDESK_API_TOKEN"


def test_bearer_curl_and_description() -> None:
    vendor = load_vendor(VENDORS / "sandbox-solid.yaml")
    assert curl_auth(vendor) == ["-H", '"Authorization: Bearer $CSM_SANDBOX_TOKEN"']
    assert describe_auth(vendor).startswith("bearer")
