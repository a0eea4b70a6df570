"""What ``vendors --probe`` prints, in English and zh-CN: each finding and what to fix."""

from __future__ import annotations

from typing import Final

from harness.i18n import Lang
from harness.vendors.probe import Finding

__all__ = ["PROBE_TEXT", "finding_text", "probe_line"]

PROBE_TEXT: Final[dict[str, dict[Lang, str]]] = {
    "start": {
        "en": "Probing {vendor} at {url}: {tickets} tickets, assignee watched for {watch}s, "
        "at most {requests} requests.",
        "zh-CN": "正在探测 {vendor}（{url}）：{tickets} 个工单，观察处理人 {watch} 秒，"
        "最多 {requests} 个请求。",
    },
    "done_ok": {
        "en": "{path}: probe PASSED ({requests} requests, tickets {created}): every mapped "
        "field read back as sent.",
        "zh-CN": "{path}：探测通过（{requests} 个请求，工单 {created}）："
        "所有映射字段读回与发送一致。",
    },
    "done_warn": {
        "en": "{path}: probe found {count} problem(s) ({requests} requests, tickets {created}). "
        "The file validates but reads this vendor wrongly; fix the lines above.",
        "zh-CN": "{path}：探测发现 {count} 个问题（{requests} 个请求，工单 {created}）。"
        "文件能通过校验，但读取该厂商的方式有误；请按上面的提示修改。",
    },
    "placeholder": {
        "en": "ticket.assignee: {count} of {of} tickets read as assigned to '{value}' at once "
        "and {changed} changed owner seconds later: '{value}' looks like a placeholder user, "
        "not an assignment. Fix: write 'assignee: {{path: <path>, unassigned: [{value}]}}'.",
        "zh-CN": "ticket.assignee：{of} 个工单中有 {count} 个一创建就显示分配给 '{value}'，"
        "其中 {changed} 个几秒后换了处理人：'{value}' 像是占位用户，并非真正分配。修改："
        "写成 'assignee: {{path: <路径>, unassigned: [{value}]}}'。",
    },
    "unassigned": {
        "en": "ticket.assignee: no ticket was assigned within {seconds}s (fine if the vendor "
        "routes slowly or by hand; otherwise check the assignee path).",
        "zh-CN": "ticket.assignee：{seconds} 秒内没有工单被分配（厂商分配慢或人工分配时属正常；"
        "否则请检查 assignee 路径）。",
    },
    "empty": {
        "en": "{field}: reads back empty for every ticket. Fix the field path (look at one "
        "answer of the vendor), or remove the field if the vendor does not have it.",
        "zh-CN": "{field}：所有工单读回都是空值。请修正字段路径（对照厂商的一次实际响应），"
        "若厂商没有该字段请删除。",
    },
    "constant": {
        "en": "{field}: reads back '{value}' for every ticket although each was sent a "
        "different value. The path points at something else (a default, a type name).",
        "zh-CN": "{field}：每个工单发送的值都不同，读回却都是 '{value}'。"
        "该路径指向了别的内容（默认值或类型名）。",
    },
    "enum": {
        "en": "enums.{field}: sent '{sent}' but read back '{read}'. Check the write table "
        "against the vendor's values (and 'read' for extra ones).",
        "zh-CN": "enums.{field}：发送 '{sent}'，读回 '{read}'。请对照厂商的取值检查 write 映射"
        "（额外取值写在 read 中）。",
    },
    "differs": {
        "en": "{field}: sent '{sent}' but read back '{read}'. Check the request body and the "
        "field path.",
        "zh-CN": "{field}：发送 '{sent}'，读回 '{read}'。请检查请求体模板和字段路径。",
    },
    "unreadable": {
        "en": "get_ticket: the answer could not be read: {detail}. Fix the field it names "
        "(an enumeration value missing from enums, a wrong result path).",
        "zh-CN": "get_ticket：无法解析响应：{detail}。请修正其中提到的字段"
        "（enums 缺少某个取值，或 result 路径错误）。",
    },
    "pagination": {
        "en": "list_tickets: pagination never ends (the next page repeats '{value}'). Fix "
        "pagination: the next/end/more paths, or the style.",
        "zh-CN": "list_tickets：分页永不结束（下一页重复了 '{value}'）。请修正 pagination："
        "next/end/more 路径或 style。",
    },
    "list_failed": {
        "en": "list_tickets: failed: {detail}. Check the request and items path.",
        "zh-CN": "list_tickets：失败：{detail}。请检查请求和 items 路径。",
    },
    "pages": {
        "en": "list_tickets: stopped after {pages} pages without an end (no page repeated).",
        "zh-CN": "list_tickets：读了 {pages} 页仍未结束（没有重复页），已停止。",
    },
    "no_read": {
        "en": "get_ticket is not described: fields were not compared.",
        "zh-CN": "未描述 get_ticket：未比较字段。",
    },
    "no_list": {
        "en": "list_tickets is not described: pagination was not walked.",
        "zh-CN": "未描述 list_tickets：未检查分页。",
    },
    "chat_failed": {
        "en": "chat: {step} failed: {detail}. Check that request in rest.chat.operations and "
        "its result path.",
        "zh-CN": "会话：{step} 失败：{detail}。请检查 rest.chat.operations 中该请求"
        "及其 result 路径。",
    },
    "chat_unread": {
        "en": "chat: the customer's first message was not read back ({count} message(s) read). "
        "Fix fetch_messages.items and the message id/sender/text paths.",
        "zh-CN": "会话：未读回客户的第一条消息（读到 {count} 条）。请修正 fetch_messages.items "
        "以及 message 的 id/sender/text 路径。",
    },
    "chat_sender": {
        "en": "chat.message.senders: the customer's message reads as sent by '{value}'. Put the "
        "vendor's value for customers under senders.customer.",
        "zh-CN": "chat.message.senders：客户的消息被读成由 '{value}' 发送。请把厂商表示客户的取值"
        "写到 senders.customer 下。",
    },
    "chat_text": {
        "en": "chat.message.text: sent '{sent}' but read back '{read}'. Check the send body and "
        "the text path.",
        "zh-CN": "chat.message.text：发送 '{sent}'，读回 '{read}'。请检查发送请求体和 text 路径。",
    },
    "chat_client_id": {
        "en": "chat.message.client_id: sent '{sent}' but read back '{read}'. Point it at where "
        "the vendor echoes the harness's id (e.g. metadata), or remove it.",
        "zh-CN": "chat.message.client_id：发送 '{sent}'，读回 '{read}'。请指向厂商回显压测消息 id "
        "的位置（如 metadata），或删除该项。",
    },
    "chat_repeat": {
        "en": "chat.operations.fetch_messages: a read from the last cursor repeats '{value}': a "
        "load would count every message twice. Fix 'cursor' (or remove it to read by ids).",
        "zh-CN": "chat.operations.fetch_messages：从上次游标再读又出现 '{value}'：压测会把每条消息"
        "计为重复。请修正 cursor（或删除它，按消息 id 去重）。",
    },
    "chat_closed": {
        "en": "chat.session: the open session reads as closed. Check status and closed values.",
        "zh-CN": "chat.session：未关闭的会话被读成已关闭。请检查 status 与 closed 取值。",
    },
    "chat_reply": {
        "en": "chat: session answered by agent {agent} ({count} reply/replies).",
        "zh-CN": "会话：坐席 {agent} 已回复（{count} 条）。",
    },
    "chat_no_reply": {
        "en": "chat: no agent replied within {seconds}s (fine if the vendor's agents are not at "
        "the desk; otherwise check message.senders.agent).",
        "zh-CN": "会话：{seconds} 秒内没有坐席回复（厂商坐席不在线时属正常；否则请检查 "
        "message.senders.agent）。",
    },
    "budget": {
        "en": "stopped at the request budget ({requests}); later checks were skipped.",
        "zh-CN": "已达请求上限（{requests}），其余检查已跳过。",
    },
}


def probe_line(key: str, lang: Lang, **values: object) -> str:
    return PROBE_TEXT[key][lang].format(**values)


def finding_text(finding: Finding, lang: Lang) -> str:
    mark = "!" if finding.severity == "warn" else "-"
    return f"  {mark} {probe_line(finding.key, lang, **finding.values)}"
