"""Agent routes, the other side of the desk: list agents, sign in and out, read the inbox
(long-poll), reply in an assigned session and close it (which frees the agent's capacity).

``GET /api/v1/agents/{id}/inbox?after=N&wait=S`` returns the agent's events from position
``N`` (``session.assigned``, ``message`` from the customer, ``session.closed`` by the
customer) and acknowledges those before it; with nothing new it holds the request up to ``S``
seconds and answers as soon as an event arrives. Only a signed-in agent gets events, and with
``simulated_agents: false`` only signed-in agents are routed to.
"""

from __future__ import annotations

from aiohttp import web

from harness.sandbox.responses import ApiError, json_response, read_json
from harness.sandbox.routing import Agent
from harness.sandbox.sessions import client_id_of, query_numbers
from harness.sandbox.state import SandboxState
from harness.sandbox.store import SessionRecord
from harness.sandbox.tickets import REPLAY_HEADERS, invalid

__all__ = ["AgentRoutes"]


class AgentRoutes:
    def __init__(self, state: SandboxState) -> None:
        self._state = state
        self._engine = state.engine
        self._chat = state.chat
        self._max_body = state.profile.max_body_bytes

    def add_to(self, router: web.UrlDispatcher) -> None:
        router.add_get("/api/v1/agents", self.list)
        router.add_post("/api/v1/agents/{id}/sign-in", self.sign_in)
        router.add_post("/api/v1/agents/{id}/sign-out", self.sign_out)
        router.add_get("/api/v1/agents/{id}/inbox", self.inbox)
        router.add_post("/api/v1/agents/{id}/sessions/{sid}/messages", self.reply)
        router.add_post("/api/v1/agents/{id}/sessions/{sid}/close", self.close)

    async def list(self, request: web.Request) -> web.Response:
        return json_response({"agents": [a.to_json() for a in self._engine.agents]})

    async def sign_in(self, request: web.Request) -> web.Response:
        agent = self._agent(request)
        self._engine.sign_in(agent)
        return json_response({"agent": agent.to_json()})

    async def sign_out(self, request: web.Request) -> web.Response:
        agent = self._agent(request)
        self._engine.sign_out(agent)
        agent.inbox.waiters.wake()
        return json_response({"agent": agent.to_json()})

    async def inbox(self, request: web.Request) -> web.Response:
        agent = self._agent(request)
        after, wait = query_numbers(request)
        inbox = agent.inbox
        events = inbox.after(after)
        if not events and wait > 0 and agent.signed_in:
            await inbox.waiters.wait(wait)
            events = inbox.after(after)
        return json_response({"events": events, "cursor": str(inbox.end)})

    async def reply(self, request: web.Request) -> web.Response:
        agent = self._agent(request)
        session = self._assigned_session(request, agent)
        body = await read_json(request, self._max_body)
        problems: dict[str, str] = {}
        text = body.get("text") if isinstance(body, dict) else None
        if not isinstance(body, dict):
            problems["body"] = "must be a JSON object"
        elif not isinstance(text, str) or not text.strip():
            problems["text"] = "required, a non-empty string"
        client_id = client_id_of(body, problems)
        if problems:
            raise invalid(problems)
        if session.done:
            raise ApiError(409, "session_closed", f"session {session.id} is closed")
        message, replayed = self._chat.post(session, "agent", str(text), client_id)
        headers = REPLAY_HEADERS if replayed else None
        return json_response({"message": message.to_json()}, 200 if replayed else 201, headers)

    async def close(self, request: web.Request) -> web.Response:
        agent = self._agent(request)
        session = self._assigned_session(request, agent)
        self._chat.close(session, "agent")
        return json_response({"session": session.to_json()})

    def _agent(self, request: web.Request) -> Agent:
        agent_id = request.match_info["id"]
        agent = self._engine.agents_by_id.get(agent_id)
        if agent is None:
            raise ApiError(404, "not_found", f"no agent {agent_id}")
        return agent

    def _assigned_session(self, request: web.Request, agent: Agent) -> SessionRecord:
        session_id = request.match_info["sid"]
        session = self._state.store.sessions_by_id.get(session_id)
        if session is None:
            raise ApiError(404, "not_found", f"no session {session_id}")
        if session.assignee != agent.id:
            raise ApiError(
                409, "not_assigned", f"session {session_id} is not assigned to agent {agent.id}"
            )
        return session
