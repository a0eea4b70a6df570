"""Integration defects the proxy injects, by kind, and where in the vendor's answers each acts.

Every location comes from the vendor file (``rest.ticket`` field paths, ``rest.enums``, the
list operation's ``items`` and its query, the webhook signature header), never from a vendor's
name, so the same kinds work in front of any vendor a ``rest`` file describes. Parsing
``--defects`` is strict: an unknown kind or a parameter the kind does not take is a
:class:`~harness.errors.ConfigError` with the valid choices.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from harness.config.problems import Loc
from harness.config.rest import RestSpec
from harness.config.suggest import did_you_mean
from harness.config.vendor import VendorSpec
from harness.errors import ConfigError

__all__ = ["FIRST_KEY", "KINDS", "Defects", "ProxyPlan", "deep_page", "parse_defects", "plan_for"]

#: kind -> (en, zh-CN) one-line description, and the check expected to catch it
KINDS: Final[dict[str, tuple[str, str, str]]] = {
    "drop-field": (
        "drop a ticket field on read-back (default: the first custom field; drop-field=subject)",
        "读取时丢弃一个工单字段（默认第一个自定义字段；drop-field=subject）",
        "FIELD-001",
    ),
    "rewrite-enum": (
        "read urgent back as high (rewrite-enum=status rewrites the first two statuses)",
        "读取时把 urgent 改写为 high（rewrite-enum=status 改写状态）",
        "ENUM-001",
    ),
    "accept-invalid": (
        "answer 200 where the vendor refused a write with 400/422",
        "厂商以 400/422 拒绝的写入改答 200",
        "INPUT-001",
    ),
    "strip-signatures": (
        "relay webhooks without their signature headers (registered ones, or --webhook-target)",
        "转发 webhook 时去掉签名头（经注册的，或 --webhook-target）",
        "HOOK-002",
    ),
    "skip-deep": (
        "leave one item out of every list page after the first",
        "列表第一页之后的每一页漏掉一条",
        "PAGE-001",
    ),
    "unmask-pii": (
        "put back in responses the mobiles and ID numbers the vendor masked",
        "把厂商已掩码的手机号和身份证号在响应中还原",
        "PII-001",
    ),
    "ignore-idempotency": (
        "remove idempotency-key headers before they reach the vendor (a vendor file with none: "
        "every create reaches the vendor with a fresh external id, restored in the answers)",
        "在请求到达厂商前去掉幂等键请求头（厂商文件未声明时：每次创建都以新的外部 ID 到达厂商，"
        "响应中还原）",
        "IDEM-001",
    ),
}
_TAKES_VALUE: Final = ("drop-field", "rewrite-enum")
_IDEMPOTENCY_HEADERS: Final = ("idempotency-key", "x-idempotency-key")


@dataclass(frozen=True, slots=True)
class Defects:
    kinds: Mapping[str, str | None]  # kind -> its parameter

    def __contains__(self, kind: object) -> bool:
        return kind in self.kinds


_ERRORS: Final[dict[str, dict[str, str]]] = {
    "unknown": {
        "en": "--defects: unknown kind '{kind}'.{hint} Known: {known}",
        "zh-CN": "--defects：未知的缺陷类型 '{kind}'。{hint} 可用：{known}",
    },
    "value": {
        "en": "--defects: {kind} takes no value (write just '{kind}')",
        "zh-CN": "--defects：{kind} 不带参数（只写 '{kind}'）",
    },
    "empty": {
        "en": "--defects: name at least one kind (or none, to forward only): {known}",
        "zh-CN": "--defects：至少写一种缺陷类型（或 none，只转发）：{known}",
    },
}


def parse_defects(text: str, lang: str = "en") -> Defects:
    """``drop-field,skip-deep`` or ``drop-field=subject,rewrite-enum=status``."""
    words = {key: value["zh-CN" if lang.startswith("zh") else "en"]
                         for key, value in _ERRORS.items()}  # fmt: skip
    known = ", ".join(KINDS)
    kinds: dict[str, str | None] = {}
    for raw in (part.strip() for part in text.split(",")):
        if not raw or raw.lower() == "none":
            continue
        kind, _, value = raw.partition("=")
        kind = kind.strip().replace("_", "-")
        if kind not in KINDS:
            hint = did_you_mean(kind, KINDS)
            raise ConfigError(words["unknown"].format(kind=kind, hint=hint, known=known))
        if value and kind not in _TAKES_VALUE:
            raise ConfigError(words["value"].format(kind=kind))
        kinds[kind] = value.strip() or None
    if not kinds and text.strip().lower() != "none":
        raise ConfigError(words["empty"].format(known=known))
    return Defects(kinds)


@dataclass(frozen=True, slots=True)
class ProxyPlan:
    """Where each chosen defect acts, resolved once from the vendor file."""

    defects: Defects
    drop_paths: tuple[str, ...] = ()
    enum_path: str | None = None
    enum_from: str | None = None  # vendor value (as text) to rewrite...
    enum_to: Any = None  # ...into this vendor value
    ticket_result: str = ""  # where the ticket is in a single-ticket answer
    list_items: str | None = None  # where the tickets are in a list answer
    first_page_keys: frozenset[str] = frozenset()  # query keys a first page carries
    idempotency_headers: tuple[str, ...] = _IDEMPOTENCY_HEADERS
    signature_headers: tuple[str, ...] = ()
    #: the webhook registration request (method, path pattern) and its body key holding the URL
    webhook_register: tuple[str, re.Pattern[str], str] | None = None
    #: a vendor deduplicating creates on the external id (no idempotency header declared):
    #: the create request (method, path pattern) and the body path holding the external id
    external_id_create: tuple[str, re.Pattern[str], str] | None = None
    remembered: set[str] = field(default_factory=set)  # PII values seen in requests
    renamed: dict[str, str] = field(default_factory=dict)  # fresh external id -> the sent one


#: a drop path ending so drops the first key of the mapping there (custom fields in one mapping)
FIRST_KEY: Final = ".<first>"
_SIMPLE_PATH = re.compile(r"^[^.\[\]]+(\.[^.\[\]]+)*$")
_PATH_KINDS: Final = ("drop-field", "rewrite-enum", "skip-deep")


def plan_for(vendor: VendorSpec, defects: Defects) -> ProxyPlan:
    spec = vendor.rest
    if spec is None:
        needs = [kind for kind in _PATH_KINDS if kind in defects]
        if needs:
            raise ConfigError(
                f"vendor {vendor.name}: {', '.join(needs)} need(s) the vendor's field paths, "
                "which only a 'rest:' vendor file describes; use accept-invalid, "
                "ignore-idempotency, strip-signatures or unmask-pii with this vendor"
            )
        return ProxyPlan(defects)
    return ProxyPlan(
        defects,
        drop_paths=_drop_paths(vendor.name, spec, defects.kinds.get("drop-field"))
        if "drop-field" in defects
        else (),
        **_enum_rewrite(vendor.name, spec, defects),
        ticket_result=(spec.operations.get_ticket.result or "")
        if spec.operations.get_ticket
        else "",
        list_items=spec.operations.list_tickets.items if spec.operations.list_tickets else None,
        first_page_keys=_first_page_keys(spec),
        idempotency_headers=_idempotency_headers(spec),
        signature_headers=_signature_headers(spec),
        webhook_register=_webhook_register(spec),
        external_id_create=_external_id_create(spec) if "ignore-idempotency" in defects else None,
    )


def _problem(vendor: str, loc: Loc, text: str) -> ConfigError:
    where = ".".join(str(part) for part in loc)
    return ConfigError(f"vendor {vendor}: {where}: {text}")


def _drop_paths(vendor: str, spec: RestSpec, wanted: str | None) -> tuple[str, ...]:
    if wanted is None and (custom := spec.ticket.custom()):
        name, read = next(iter(custom.items()))
        wanted, path = f"custom_fields.{name}", read.path
    elif wanted is None and (mapping := spec.ticket.custom_path()) is not None:
        wanted, path = "custom_fields", mapping.path + FIRST_KEY
    elif wanted is None:
        raise _problem(vendor, ("rest", "ticket", "custom_fields"), "no custom field to drop; "
                       "name one: --defects drop-field=subject")  # fmt: skip
    elif wanted.startswith("custom_fields."):
        named = (spec.ticket.custom() or {}).get(wanted.split(".", 1)[1])
        if named is None:
            raise _problem(vendor, ("rest", "ticket", "custom_fields"), f"no field '{wanted}'")
        path = named.path
    else:
        canonical = [n for n in type(spec.ticket).model_fields if n not in ("id", "custom_fields")]
        found = spec.ticket.read(wanted) if wanted in canonical else None
        if found is None:
            hint = did_you_mean(wanted, canonical)
            known = ", ".join(canonical)
            raise _problem(vendor, ("rest", "ticket"), f"no field '{wanted}'.{hint} Known: {known}")
        path = found.path
    if not _SIMPLE_PATH.match(path.removesuffix(FIRST_KEY)):
        raise _problem(vendor, ("rest", "ticket", wanted), f"'{path}' is not a plain a.b.c path")
    return (path,)


def _enum_rewrite(vendor: str, spec: RestSpec, defects: Defects) -> dict[str, Any]:
    if "rewrite-enum" not in defects:
        return {}
    field_name = defects.kinds["rewrite-enum"] or "priority"
    pairs = {"priority": ("urgent", "high"), "status": None}
    if field_name not in pairs:
        raise ConfigError(f"--defects: rewrite-enum={field_name}: write priority or status")
    read = spec.ticket.read(field_name)
    mapping = spec.enums.get(field_name)
    if read is None or not _SIMPLE_PATH.match(read.path):
        raise _problem(vendor, ("rest", "ticket", field_name), "needs a plain field path")
    values = dict(mapping.write) if mapping else {}
    wanted = pairs[field_name] or tuple(values)[:2]
    if len(wanted) < 2:
        raise _problem(vendor, ("rest", "enums", field_name), "needs two mapped values")
    source = values.get(wanted[0], wanted[0])
    target = values.get(wanted[1], wanted[1])
    return {"enum_path": read.path, "enum_from": str(source), "enum_to": target}


def _first_page_keys(spec: RestSpec) -> frozenset[str]:
    op = spec.operations.list_tickets
    if op is None:
        return frozenset()
    return frozenset(key for key, value in op.request.query.items() if "{cursor}" not in str(value))


def _idempotency_headers(spec: RestSpec) -> tuple[str, ...]:
    named = {
        key.lower()
        for op in (spec.operations.create_ticket,)
        for key, value in op.request.headers.items()
        if "{idempotency_key}" in str(value)
    }
    return tuple(sorted(named | set(_IDEMPOTENCY_HEADERS)))


def _signature_headers(spec: RestSpec) -> tuple[str, ...]:
    if spec.webhook is None or spec.webhook.signature is None:
        return ()
    signature = spec.webhook.signature
    return tuple(h.lower() for h in (signature.header, signature.timestamp_header) if h)


def _route(path: str) -> re.Pattern[str]:
    pieces = re.split(r"\{[^}]*\}", path)
    return re.compile("^" + "[^/]+".join(re.escape(piece) for piece in pieces) + "/?$")


def _webhook_register(spec: RestSpec) -> tuple[str, re.Pattern[str], str] | None:
    op = spec.operations.register_webhook
    if op is None or not isinstance(op.request.body, dict):
        return None
    key = next((k for k, v in op.request.body.items() if v == "{webhook.url}"), None)
    if key is None:
        return None
    return op.request.method, _route(op.request.path), key


def _external_id_create(spec: RestSpec) -> tuple[str, re.Pattern[str], str] | None:
    """Where a create carries the external id, when no idempotency header is declared."""
    request = spec.operations.create_ticket.request
    if any("{idempotency_key}" in str(value) for value in request.headers.values()):
        return None
    path = _template_path(request.body, "{ticket.external_id}")
    return None if path is None else (request.method, _route(request.path), path)


def _template_path(body: object, placeholder: str, prefix: str = "") -> str | None:
    if not isinstance(body, dict):
        return None
    for key, value in body.items():
        here = f"{prefix}{key}"
        if value == placeholder:
            return here
        found = _template_path(value, placeholder, here + ".")
        if found is not None:
            return found
    return None


def deep_page(plan: ProxyPlan, query_keys: Sequence[str]) -> bool:
    """A list page after the first: its query carries a key a first page does not."""
    return any(key not in plan.first_page_keys for key in query_keys)
