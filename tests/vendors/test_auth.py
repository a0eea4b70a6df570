"""Signers against vectors computed independently here (hashlib/hmac on a fixed body, timestamp
and secret), and nonces that never repeat across worker processes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import multiprocessing
import os
from pathlib import Path

import pytest

from harness.config import load_vendor
from harness.errors import ConfigError
from harness.redact import Secret
from harness.vendors.auth import basic, bearer, body_bytes, signature, signer_for
from harness.vendors.base import ApiRequest
from harness.vendors.nonce import new_nonce

BODY = {"uid": "u-1", "staffType": 1, "content": "你好"}
RAW = json.dumps(BODY, ensure_ascii=False, separators=(",", ":")).encode()
NOW = 1_763_000_000.5


def _request() -> ApiRequest:
    return ApiRequest("POST", "/openapi/event/applyStaff", "POST applyStaff", json=BODY)


def test_bearer_and_basic() -> None:
    signed = bearer(Secret("t0k"))(_request())
    assert signed.headers["Authorization"] == "Bearer t0k"
    signed = basic(Secret("a@b.example"), Secret("p4ss"), "/token")(_request())
    assert signed.headers["Authorization"] == "Basic " + base64.b64encode(
        b"a@b.example/token:p4ss"
    ).decode("ascii")


def test_qiyu_style_sha1_over_secret_body_md5_and_time() -> None:
    """Qiyu: checksum = SHA1(appSecret + md5(body) + time), query appKey/time/checksum."""
    sign = signature(
        "sha1",
        "{env:QIYU_APP_SECRET}{body_md5}{timestamp}",
        secrets={"QIYU_APP_SECRET": Secret("S3CRET"), "QIYU_APP_KEY": Secret("K3Y")},
        query={"appKey": "{env:QIYU_APP_KEY}", "time": "{timestamp}", "checksum": "{signature}"},
        clock=lambda: NOW,
    )
    signed = sign(_request())
    md5 = hashlib.md5(RAW).hexdigest()
    expected = hashlib.sha1(f"S3CRET{md5}1763000000".encode()).hexdigest()
    assert dict(signed.params) == {"appKey": "K3Y", "time": "1763000000", "checksum": expected}
    # The bytes signed are the bytes sent: the body is pinned.
    assert signed.content == RAW and signed.json is None
    assert body_bytes(signed) == RAW


def test_hmac_sha256_base64_header_over_method_path_and_body() -> None:
    sign = signature(
        "hmac-sha256",
        "{method}\n{path}\n{timestamp_ms}\n{body_md5}",
        secrets={},
        key=Secret("k3y"),
        encoding="base64",
        headers={"X-Auth-Expires": "{timestamp_ms}", "Authorization": "hmac client:{signature}"},
        clock=lambda: NOW,
    )
    signed = sign(_request())
    message = f"POST\n/openapi/event/applyStaff\n1763000000500\n{hashlib.md5(RAW).hexdigest()}"
    expected = base64.b64encode(hmac.new(b"k3y", message.encode(), hashlib.sha256).digest())
    assert signed.headers["Authorization"] == f"hmac client:{expected.decode()}"
    assert signed.headers["X-Auth-Expires"] == "1763000000500"


def test_one_nonce_and_timestamp_per_request() -> None:
    nonces = iter(["n1", "n2"])
    sign = signature(
        "md5",
        "{timestamp}{nonce}",
        secrets={},
        query={"ts": "{timestamp}", "nonce": "{nonce}", "sign": "{signature}"},
        clock=lambda: NOW,
        nonce=lambda: next(nonces),
    )
    first, second = sign(_request()), sign(_request())
    assert first.params["nonce"] == "n1" and second.params["nonce"] == "n2"
    assert first.params["sign"] == hashlib.md5(b"1763000000n1").hexdigest()


def _nonces(count: int) -> list[str]:
    return [new_nonce() for _ in range(count)]


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_nonces_are_unique_across_processes(method: str) -> None:
    seen = _nonces(1000)  # the parent's own, before forking: children must not repeat them
    with multiprocessing.get_context(method).Pool(4) as pool:
        for batch in pool.map(_nonces, [1000] * 8):
            seen += batch
    assert len(seen) == len(set(seen)) == 9000


def test_signer_for_reads_env_at_build_time(monkeypatch: pytest.MonkeyPatch) -> None:
    root = Path(__file__).resolve().parents[2]
    vendor = load_vendor(root / "scenarios" / "vendors" / "udesk.yaml")
    with pytest.raises(ConfigError, match="UDESK_API_TOKEN is not set"):
        signer_for(vendor.auth, "udesk.yaml")
    monkeypatch.setenv("UDESK_EMAIL", "admin@acme.example")
    monkeypatch.setenv("UDESK_API_TOKEN", "tok-secret-1")
    signed = signer_for(vendor.auth, "udesk.yaml")(ApiRequest("GET", "/tickets", "GET /tickets"))
    params = signed.params
    message = f"admin@acme.example&tok-secret-1&{params['timestamp']}&{params['nonce']}&v2"
    assert params["sign"] == hashlib.sha256(message.encode()).hexdigest()
    assert "tok-secret-1" not in repr(signed.params)
    assert os.environ["UDESK_API_TOKEN"] == "tok-secret-1"


def test_a_get_is_signed_over_an_empty_body_and_stays_a_get() -> None:
    sign = signature("sha256", "{body_sha256}", secrets={}, headers={"X-Sign": "{signature}"})
    signed = sign(ApiRequest("GET", "/tickets", "GET /tickets"))
    empty = hashlib.sha256(b"").hexdigest()
    assert signed.headers["X-Sign"] == hashlib.sha256(empty.encode()).hexdigest()
    assert signed.content is None and "Content-Type" not in signed.headers
