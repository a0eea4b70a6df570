"""Seeded synthetic tickets for the load path, in the scenario's category mix.

Names come from Faker (zh_CN by default); subjects and descriptions from the category templates
in ``fixtures/templates`` (:mod:`harness.data.templates`; a category without a file gets the
generic templates). For traffic that matches a real export, use :mod:`harness.data.generate`.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Mapping
from importlib.metadata import version
from itertools import accumulate
from pathlib import Path

from harness.atomic import write_json
from harness.data.identities import channel_identity
from harness.data.templates import templates_for_locale
from harness.data.tickets import external_id
from harness.model import Channel, Customer, Priority, Ticket

_POOL_SIZE = 512  # Faker is slow (~100 us a name): draw names from a seeded pool
_TEXTS = 64  # rendered subjects and descriptions per category


def _cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "csm-harness"


def name_pool(locale: str, seed: int) -> list[str]:
    """The seeded pool of Faker names, cached per Faker version, locale and seed: importing
    Faker (it imports every locale it has) and drawing the pool cost a load process a third
    of a CPU-second at every start. The names are Faker's inventions, never anyone's data."""
    path = _cache_dir() / f"names-{version('faker')}-{locale}-{seed}-{_POOL_SIZE}.json"
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cached = None
    if isinstance(cached, list) and len(cached) == _POOL_SIZE:
        return [str(name) for name in cached]
    from faker import Faker

    faker = Faker(locale)
    faker.seed_instance(seed)
    names = [faker.name() for _ in range(_POOL_SIZE)]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_json(path, names)
    except OSError:
        pass  # a read-only home: Faker again next time
    return names


class TicketFactory:
    """Makes the n-th synthetic ticket of one load process, reproducibly for a given seed.

    Names come from a pool Faker fills once and texts from pools rendered once per category,
    so the per-ticket cost on the load path is a few random choices.
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
        self._names = name_pool(locale, seed)
        self._rng = random.Random(seed)
        templates = templates_for_locale(locale)
        render = random.Random(seed)
        self._subjects = {
            c: [templates.render_subject(c, render) for _ in range(_TEXTS)] for c in categories
        }
        self._bodies = {
            c: [templates.render_body(c, render, render.randrange(3)) for _ in range(_TEXTS)]
            for c in categories
        }
        self._categories = list(categories)
        # cumulative once, not per ticket: choices(cum_weights=) draws exactly as weights= does
        self._category_weights = list(accumulate(categories.values()))
        self._channels = [Channel(c) for c in channels]
        self._channel_weights = list(accumulate(channels.values()))
        self._priorities = [Priority(p) for p in priorities]
        self._priority_weights = list(accumulate(priorities.values()))
        self._run_tag = run_tag

    def make(self, number: int) -> Ticket:
        rng = self._rng
        category = rng.choices(self._categories, cum_weights=self._category_weights)[0]
        channel = rng.choices(self._channels, cum_weights=self._channel_weights)[0]
        priority = rng.choices(self._priorities, cum_weights=self._priority_weights)[0]
        subject = rng.choice(self._subjects[category])
        customer_id = f"C{rng.randrange(10**8):08d}"
        customer = Customer(
            id=customer_id,
            name=rng.choice(self._names),
            identities={channel: channel_identity(channel, customer_id)},
        )
        return Ticket(
            external_id=external_id(self._run_tag, number),
            subject=subject,
            description=rng.choice(self._bodies[category]),
            channel=channel,
            priority=priority,
            category=category,
            customer=customer,
            custom_fields={"order_no": f"SO{rng.randrange(10**10):010d}"},
        )
