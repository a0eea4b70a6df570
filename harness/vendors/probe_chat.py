"""The chat part of ``vendors --probe``: one session opened, one message sent, the session read
until a reply comes or the watch window ends (bounded), read once more from the last cursor,
then closed.

What looks wrong becomes a :class:`~harness.vendors.probe.Finding`: the customer's own
messages not read back (the items or message paths), read back as the agent's (``senders``),
with another text or without the harness's message id (``client_id``); a read from the last
cursor that repeats messages (a session would count them as duplicated); a session that reads
as closed while open. Which agent answered, and how soon, is reported as information.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.model import Channel, Customer, Sender
from harness.vendors.base import ApiFailure, Flow
from harness.vendors.chat import ChatAdapter, ChatMessage, NewSession, SessionRef
from harness.vendors.probe import Finding, ProbeBudget, ProbeResult

__all__ = ["probe_chat"]

Call = Callable[[Flow[Any]], Any]


def probe_chat(
    call: Call,
    adapter: ChatAdapter,
    prefix: str,
    budget: ProbeBudget,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    result: ProbeResult,
) -> None:
    external = f"{prefix}-chat"
    first, second = f"{external}:c1", f"{external}:c2"
    new = NewSession(
        external, Customer(f"{prefix}-cc", "Probe Customer"), Channel.CHAT, "billing",
        f"csm-harness {prefix}: 你好，我想查询退款。", first,
    )  # fmt: skip
    try:
        ref: SessionRef = call(adapter.open_session(new))
    except ApiFailure as failure:
        _failed(result, "open_session", failure)
        return
    result.created.append(f"session {ref.id}")
    try:
        call(adapter.send_message(ref, Sender.CUSTOMER, "还在吗？", second))
        read, cursor, agent, closed = _read_until_reply(call, adapter, ref, budget, clock, sleep)
        again = call(adapter.fetch_messages(ref, cursor, 0.0))  # nothing new is due
    except ApiFailure as failure:
        _failed(result, failure.request.name, failure)
        _close(call, adapter, ref, result)
        return
    _judge(adapter, new, read, agent, closed, budget, result)
    repeated = [m.key for m in again.messages if m.key in {x.key for x in read}]
    if repeated:
        result.findings.append(Finding("chat_repeat", "warn", {"value": repeated[0][:60]}))
    _close(call, adapter, ref, result)


def _read_until_reply(
    call: Call,
    adapter: ChatAdapter,
    ref: SessionRef,
    budget: ProbeBudget,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
) -> tuple[list[ChatMessage], str | None, str | None, bool]:
    read: list[ChatMessage] = []
    cursor: str | None = None
    agent = ref.assignment.agent_id if ref.assignment else None
    closed = False
    deadline = clock() + budget.watch_s
    while True:
        wait = adapter.chat.wait_for(max(0.0, min(2.0, deadline - clock())))
        page = call(adapter.fetch_messages(ref, cursor, wait))
        read += page.messages
        cursor = page.cursor if page.cursor is not None else cursor
        agent = agent or page.agent_id
        closed = closed or page.closed
        replied = any(m.sender is Sender.AGENT for m in read)
        if replied or closed or clock() >= deadline:
            return read, cursor, agent, closed
        if wait <= 0:
            sleep(min(adapter.chat.poll_interval_s, max(0.0, deadline - clock())))


def _judge(
    adapter: ChatAdapter,
    new: NewSession,
    read: list[ChatMessage],
    agent: str | None,
    closed: bool,
    budget: ProbeBudget,
    result: ProbeResult,
) -> None:
    add = result.findings.append
    sent = {new.client_message_id: new.first_message}
    mine = [m for m in read if m.text == new.first_message or m.client_id in sent]
    if not mine:
        add(Finding("chat_unread", "warn", {"count": str(len(read))}))
    else:
        message = mine[0]
        if message.sender is not Sender.CUSTOMER:
            add(Finding("chat_sender", "warn", {"value": message.sender.value}))
        if message.text != new.first_message:
            add(Finding("chat_text", "warn", {"sent": new.first_message[:60],
                                              "read": message.text[:60]}))  # fmt: skip
        if adapter.chat.client_message_ids and message.client_id != new.client_message_id:
            add(Finding("chat_client_id", "warn", {"sent": new.client_message_id,
                                                   "read": str(message.client_id)}))  # fmt: skip
    keys = [m.key for m in read]
    if len(keys) != len(set(keys)):
        repeated = next(k for k in keys if keys.count(k) > 1)
        add(Finding("chat_repeat", "warn", {"value": repeated[:60]}))
    if closed:
        add(Finding("chat_closed", "warn"))
    replies = [m for m in read if m.sender is Sender.AGENT]
    if replies:
        add(Finding("chat_reply", "info", {"agent": agent or "?", "count": str(len(replies))}))
    else:
        add(Finding("chat_no_reply", "info", {"seconds": f"{budget.watch_s:g}"}))


def _close(call: Call, adapter: ChatAdapter, ref: SessionRef, result: ProbeResult) -> None:
    try:
        call(adapter.close_session(ref))
    except ApiFailure as failure:
        _failed(result, "close_session", failure)


def _failed(result: ProbeResult, step: str, failure: ApiFailure) -> None:
    result.findings.append(Finding("chat_failed", "warn", {"step": step, "detail": failure.detail}))
