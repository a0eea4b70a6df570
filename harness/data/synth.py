"""Seeded synthetic tickets from Faker (zh_CN by default), in the scenario's category mix."""

from __future__ import annotations

import random
from collections.abc import Mapping

from faker import Faker

from harness.model import Channel, Customer, Priority, Ticket

_SUBJECTS_ZH: Mapping[str, tuple[str, ...]] = {
    "billing": ("发票开具问题", "扣费金额不对", "账单有疑问"),
    "refunds": ("申请退款", "退款还没到账", "退货退款进度"),
    "logistics": ("快递一直没更新", "包裹显示签收但没收到", "修改收货地址"),
    "account": ("无法登录账号", "修改绑定手机号", "账号被冻结"),
    "technical": ("App 闪退", "页面打不开", "支付时报错"),
}
_SUBJECTS_EN: Mapping[str, tuple[str, ...]] = {
    "billing": ("Invoice request", "Charged the wrong amount", "Question about my bill"),
    "refunds": ("Refund request", "Refund not received", "Return and refund status"),
    "logistics": ("Parcel not moving", "Marked delivered, not received", "Change address"),
    "account": ("Cannot log in", "Change my phone number", "Account frozen"),
    "technical": ("App crashes", "Page will not load", "Error at checkout"),
}


_POOL_SIZE = 512  # Faker is slow (~100 us a paragraph): draw names and texts from a seeded pool


class TicketFactory:
    """Makes the n-th synthetic ticket of one load process, reproducibly for a given seed.

    Names and descriptions come from a pool Faker fills once, so the per-ticket cost on the
    load path is a few random choices rather than Faker calls.
    """

    def __init__(
        self,
        *,
        seed: int,
        locale: str,
        categories: Mapping[str, float],
        channels: Mapping[Channel, float],
        priorities: Mapping[Priority, float],
        run_tag: str,
    ) -> None:
        faker = Faker(locale)
        faker.seed_instance(seed)
        self._names = [faker.name() for _ in range(_POOL_SIZE)]
        self._texts = [faker.paragraph(nb_sentences=3) for _ in range(_POOL_SIZE)]
        self._rng = random.Random(seed)
        self._zh = locale.lower().startswith("zh")
        self._categories = list(categories)
        self._category_weights = list(categories.values())
        self._channels = [Channel(c) for c in channels]
        self._channel_weights = list(channels.values())
        self._priorities = [Priority(p) for p in priorities]
        self._priority_weights = list(priorities.values())
        self._run_tag = run_tag

    def make(self, number: int) -> Ticket:
        rng = self._rng
        category = rng.choices(self._categories, self._category_weights)[0]
        channel = rng.choices(self._channels, self._channel_weights)[0]
        priority = rng.choices(self._priorities, self._priority_weights)[0]
        subjects = (_SUBJECTS_ZH if self._zh else _SUBJECTS_EN).get(category)
        subject = rng.choice(subjects) if subjects else f"{category}"
        customer_id = f"C{rng.randrange(10**8):08d}"
        customer = Customer(
            id=customer_id,
            name=rng.choice(self._names),
            identities={channel: f"{channel.value}-{customer_id}"},
        )
        return Ticket(
            external_id=f"{self._run_tag}-{number:07d}",
            subject=subject,
            description=rng.choice(self._texts),
            channel=channel,
            priority=priority,
            category=category,
            customer=customer,
            custom_fields={"order_no": f"SO{rng.randrange(10**10):010d}"},
        )
