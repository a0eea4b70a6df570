"""Labelled historical tickets for the routing and migration checks: deterministic, PII-free,
zh-CN text per category, with the queue the contract routes each category to."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from harness.data.identities import channel_identity, synthetic_email
from harness.model import Channel, Customer, Priority, Ticket, TicketStatus
from harness.vendors.capabilities import HistoricalTicket

__all__ = ["CATEGORIES", "LabelledTicket", "historical_tickets", "labelled_tickets"]

_TEXT = {
    "billing": ("发票抬头开错了", "上个月的发票抬头写错了，能重新开一张吗？"),
    "refunds": ("退款还没到账", "申请退款已经一周了，钱还没有退回原支付账户。"),
    "logistics": ("快递三天没更新", "物流信息一直停在中转站，麻烦催一下快递。"),
    "account": ("账号登录不了", "换了新手机以后验证码收不到，账号登不上去。"),
    "technical": ("App 打开就闪退", "升级到最新版本后 App 一打开就闪退，重装也没用。"),
}
CATEGORIES = ["account", "billing", "logistics", "refunds", "technical"]
_CHANNELS = (Channel.WECHAT, Channel.APP, Channel.WEB, Channel.PHONE, Channel.EMAIL)


@dataclass(frozen=True, slots=True)
class LabelledTicket:
    ticket: Ticket
    expected_queue: str


def _text(category: str, n: int) -> tuple[str, str]:
    subject, body = _TEXT.get(category, (f"{category} 问题", f"关于 {category} 的咨询。"))
    return f"{subject}（{n}）", f"{body} 编号 {n}。"


def labelled_tickets(
    tag: str, expected_queues: Mapping[str, str], per_category: int
) -> list[LabelledTicket]:
    out = []
    for category, queue in expected_queues.items():
        for n in range(per_category):
            ext = f"{tag}-route-{category}-{n:03d}"
            channel = _CHANNELS[n % len(_CHANNELS)]
            subject, description = _text(category, n)
            ticket = Ticket(
                external_id=ext,
                subject=subject,
                description=description,
                channel=channel,
                priority=Priority.NORMAL,
                category=category,
                customer=Customer(
                    id=f"{ext}-c",
                    name="路由客户",
                    identities={channel: channel_identity(channel, f"{ext}-c")},
                ),
            )
            out.append(LabelledTicket(ticket, queue))
    return out


def historical_tickets(tag: str, count: int, categories: list[str]) -> list[HistoricalTicket]:
    """``count`` closed tickets from the last year, every field varied, custom fields set."""
    rng = random.Random(tag)
    priorities = list(Priority)
    now = 1_767_225_600.0  # 2026-01-01, so the records are reproducible
    out = []
    for n in range(count):
        category = categories[n % len(categories)]
        ext = f"{tag}-mig-{n:06d}"
        subject, description = _text(category, n)
        channel = _CHANNELS[n % len(_CHANNELS)]
        ticket = Ticket(
            external_id=ext,
            subject=subject,
            description=description + ("🙏" if n % 7 == 0 else ""),
            channel=channel,
            priority=priorities[n % len(priorities)],
            category=category,
            customer=Customer(
                id=f"{tag}-mig-c{n % 50:03d}",
                name=f"历史客户{n % 50}",
                identities={
                    Channel.APP: f"uid-{tag}-{n % 50:03d}",
                    Channel.EMAIL: synthetic_email(f"{tag}-mig-c{n % 50:03d}"),
                },
            ),
            custom_fields={"legacy_id": f"OLD-{n:07d}", "满意度": str(rng.randint(1, 5))},
        )
        status = TicketStatus.CLOSED if n % 3 else TicketStatus.SOLVED
        out.append(HistoricalTicket(ticket, status, now - rng.uniform(0, 365 * 86400)))
    return out
