"""The routing engine: skill-based agents with capacity, FIFO queues and a decision pool.

With ``simulated_agents`` the sandbox's own agents take every item and finish it after an
exponential handle time. Without, only agents signed in by API (the harness's agent users) are
routed to, and only their ``close`` frees capacity.

Every decision (placing a new item, or handing a parked item to an agent who just freed
capacity) is a job on one intake queue, taken by one of ``routing_workers`` tasks that each
spend ``decision_time_s`` on it. Throughput limits therefore emerge from the pool (decisions per
second) and from the agents (``agents * agent_capacity / handle_time_s``); nothing counts load.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from harness.sandbox.defects import Defects
from harness.sandbox.longpoll import Inbox
from harness.sandbox.profiles import Profile
from harness.sandbox.stall import Stall
from harness.sandbox.store import Routable

__all__ = ["GENERAL_QUEUE", "Agent", "RoutingEngine", "build_agents"]

GENERAL_QUEUE = "general"


@dataclass(eq=False, slots=True)
class Agent:
    id: str
    name: str
    skills: tuple[str, ...]
    capacity: int
    load: int = 0
    queues: list[_Queue] = field(default_factory=list)  # the queues this agent serves
    signed_in: bool = False
    inbox: Inbox = field(default_factory=Inbox)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "skills": list(self.skills),
            "capacity": self.capacity,
            "load": self.load,
            "signed_in": self.signed_in,
        }


@dataclass(eq=False, slots=True)
class _Queue:
    """FIFO of parked items; cancelled items are dropped lazily when they reach the head."""

    name: str
    agents: list[Agent] = field(default_factory=list)  # the agents serving it, by id
    items: deque[Routable] = field(default_factory=deque)
    depth: int = 0  # live (not cancelled) items

    def head(self) -> Routable | None:
        items = self.items
        while items and items[0].cancelled:
            items.popleft()
        return items[0] if items else None

    def pop(self) -> Routable:
        self.depth -= 1
        return self.items.popleft()  # call after head() returned an item


def build_agents(profile: Profile, seed: int) -> list[Agent]:
    """Agents with a seeded skill subset each; every category is served by min(agents, 2)."""
    rng = random.Random(seed)
    categories = profile.categories
    skills: list[set[str]] = []
    for _ in range(profile.agents):
        size = rng.randint(1, min(3, len(categories)))
        skills.append(set(rng.sample(categories, size)))
    need = min(profile.agents, 2)
    for category in categories:
        holders = sum(category in s for s in skills)
        # top up with the agents that have the fewest skills (then lowest index)
        for index in sorted(range(len(skills)), key=lambda i: (len(skills[i]), i)):
            if holders >= need:
                break
            if category not in skills[index]:
                skills[index].add(category)
                holders += 1
    width = max(3, len(str(profile.agents)))
    return [
        Agent(
            id=f"A{n + 1:0{width}d}",
            name=f"Agent {n + 1}",
            skills=tuple(c for c in categories if c in s),
            capacity=profile.agent_capacity,
        )
        for n, s in enumerate(skills)
    ]


class RoutingEngine:
    """Assigns tickets and sessions to agents; ``on_assign`` is called after each assignment."""

    def __init__(
        self,
        profile: Profile,
        seed: int,
        on_assign: Callable[[Routable], None],
        on_finish: Callable[[Routable], None] = lambda item: None,
        stall: Stall | None = None,
    ) -> None:
        self._profile = profile
        self._stall = stall or Stall()
        self._misroute = Defects(profile.defects).queue_for
        self._on_assign = on_assign
        self._on_finish = on_finish  # a simulated agent finished (closed) the item
        self._rng = random.Random(seed + 1)
        self.agents = build_agents(profile, seed)
        self.agents_by_id = {agent.id: agent for agent in self.agents}
        self._simulated = profile.simulated_agents
        names = (*profile.categories, GENERAL_QUEUE)
        self._queues = {name: _Queue(name) for name in names}
        for agent in self.agents:
            agent.queues = [self._queues[s] for s in agent.skills]
            agent.queues.append(self._queues[GENERAL_QUEUE])
            for queue in agent.queues:
                queue.agents.append(agent)
        self._intake: asyncio.Queue[Routable | Agent] = asyncio.Queue()
        self._workers: list[asyncio.Task[None]] = []
        self._handling: dict[Routable, asyncio.TimerHandle] = {}
        self._revealing: dict[Routable, tuple[asyncio.TimerHandle, Agent]] = {}
        self._order = 0
        self._table = profile.session_capacity  # 0: no session table
        self._admitted: set[Routable] = set()
        self._waiting: deque[Routable] = deque()  # sessions waiting for a table slot

    # lifecycle -----------------------------------------------------------------------------
    def start(self) -> None:
        self._workers = [
            asyncio.create_task(self._work(), name=f"routing-{n}")
            for n in range(self._profile.routing_workers)
        ]

    async def stop(self) -> None:
        for handle in self._handling.values():
            handle.cancel()
        self._handling.clear()
        for handle, _agent in self._revealing.values():
            handle.cancel()
        self._revealing.clear()
        for task in self._workers:
            task.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []

    # public operations ---------------------------------------------------------------------
    def submit(self, item: Routable) -> None:
        """A new ticket or session enters the intake queue."""
        self._order += 1
        item.order = self._order
        if self._table and item.kind == "session":
            if len(self._admitted) >= self._table:
                self._waiting.append(item)
                return
            self._admitted.add(item)
        self._intake.put_nowait(item)

    def _admit_waiting(self) -> None:
        while self._waiting and len(self._admitted) < self._table:
            item = self._waiting.popleft()
            if not item.cancelled:
                self._admitted.add(item)
                self._intake.put_nowait(item)

    def release(self, item: Routable) -> None:
        """``item`` is finished (resolved or closed): free its agent or drop it from its queue."""
        if item in self._admitted:
            self._admitted.discard(item)
            self._admit_waiting()
        handle = self._handling.pop(item, None)
        if handle is not None:
            handle.cancel()
        revealing = self._revealing.pop(item, None)
        if revealing is not None:  # closed while its assignment was still on its way
            revealing[0].cancel()
            item.holding = False
            revealing[1].load -= 1
            item.cancelled = True
            return
        if item.holding:
            item.holding = False
            agent = self.agents_by_id[item.assignee or ""]
            agent.load -= 1
            if any(q.depth for q in agent.queues):
                self._intake.put_nowait(agent)  # handing over a parked item is a decision too
        elif item.assigned_at is None and not item.cancelled:
            item.cancelled = True
            if item.queue is not None:
                self._queues[item.queue].depth -= 1

    def sign_in(self, agent: Agent) -> None:
        """``agent`` takes work: it may now be routed to (parked items first)."""
        if agent.signed_in:
            return
        agent.signed_in = True
        for _ in range(max(0, agent.capacity - agent.load)):
            self._intake.put_nowait(agent)  # each hand-over is one decision

    def sign_out(self, agent: Agent) -> None:
        """No new work for ``agent``; what it holds stays with it until closed."""
        agent.signed_in = False

    def queue_depths(self) -> list[dict[str, object]]:
        return [{"name": q.name, "depth": q.depth} for q in self._queues.values()]

    def queue_for(self, category: str) -> str:
        category = self._misroute(category)
        return category if category in self._queues else GENERAL_QUEUE

    # internals -----------------------------------------------------------------------------
    async def _work(self) -> None:
        delay = self._profile.decision_time_s
        intake = self._intake
        while True:
            job = await intake.get()
            await self._stall.wait()  # a paused sandbox decides nothing
            await asyncio.sleep(delay)
            if isinstance(job, Agent):
                self._hand_over(job)
            elif not job.cancelled:
                self._place(job)

    def _place(self, item: Routable) -> None:
        queue = self._queues[self.queue_for(item.category)]
        agent = _least_loaded(queue.agents, self._simulated)
        item.queue = queue.name
        if agent is not None and queue.head() is None:
            self._assign(item, agent)
            return
        queue.items.append(item)
        queue.depth += 1
        if agent is not None:  # keep FIFO: the free agent takes the oldest parked item
            queue.head()
            self._assign(queue.pop(), agent)

    def _hand_over(self, agent: Agent) -> None:
        if agent.load >= agent.capacity or not (self._simulated or agent.signed_in):
            return
        oldest: _Queue | None = None
        oldest_order = 0
        for queue in agent.queues:
            head = queue.head()
            if head is not None and (oldest is None or head.order < oldest_order):
                oldest, oldest_order = queue, head.order
        if oldest is not None:
            self._assign(oldest.pop(), agent)

    def _assign(self, item: Routable, agent: Agent) -> None:
        agent.load += 1
        item.holding = True
        profile = self._profile
        if profile.assign_delay_max_s > 0:
            delay = self._rng.uniform(profile.assign_delay_min_s, profile.assign_delay_max_s)
            tail_mean = profile.assign_delay_tail_mean_s
            if tail_mean > 0 and self._rng.random() < profile.assign_delay_tail_share:
                delay = profile.assign_delay_max_s + self._rng.expovariate(1.0 / tail_mean)
            loop = asyncio.get_running_loop()
            handle = loop.call_later(delay, self._reveal, item, agent)
            self._revealing[item] = (handle, agent)
            return
        self._reveal(item, agent)

    def _reveal(self, item: Routable, agent: Agent) -> None:
        self._revealing.pop(item, None)
        item.mark_assigned(agent.id, item.queue or GENERAL_QUEUE, time.time())
        self._on_assign(item)
        if self._profile.simulated_agents:
            mean = self._profile.handle_time_s
            delay = self._rng.expovariate(1.0 / mean) if mean > 0 else 0.0
            loop = asyncio.get_running_loop()
            self._handling[item] = loop.call_later(delay, self._finish, item)

    def _finish(self, item: Routable) -> None:
        self._handling.pop(item, None)
        if item.holding:
            item.mark_resolved(time.time())
            self._on_finish(item)
            self.release(item)


def _least_loaded(agents: list[Agent], simulated: bool) -> Agent | None:
    """The available agent with the lowest load and free capacity; ties go to the lowest id
    (list order). Without simulated agents only signed-in agents are available."""
    best: Agent | None = None
    for agent in agents:
        if (
            agent.load < agent.capacity
            and (simulated or agent.signed_in)
            and (best is None or agent.load < best.load)
        ):
            best = agent
            if not agent.load:
                break
    return best
