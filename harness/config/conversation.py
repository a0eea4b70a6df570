"""How a chat session goes: the conversation each session holds, on both sides of the desk.

A customer opens a session with a first message, waits for the agent's reply, thinks for
``think_time`` (mean, exponential) and writes again, ``messages`` times in all, then closes.
With ``agents`` > 0 the harness also plays the agents: agent users log in, take what is routed
to them, reply after ``agent_think_time`` and close when the customer is done. With 0, the
vendor's own (or the sandbox's simulated) agents answer.

Sessions are what saturate a vendor. By Little's law concurrency = arrival rate x session
length, so :meth:`Conversation.expected_length` is what turns a rate into concurrency (and a
concurrency into the rate of new sessions) in ``csm-harness run --explain``.
"""

from __future__ import annotations

from pydantic import Field

from harness.config.loader import StrictModel
from harness.config.units import Duration

__all__ = ["Conversation"]


class Conversation(StrictModel):
    """One chat session's script: messages, think times, reply timeout, who answers."""

    messages: int = Field(default=3, ge=1, le=1000, description="Customer messages per session.")
    think_time: Duration = Field(
        default="15s", validate_default=True, description="Mean customer pause after a reply."
    )
    agent_think_time: Duration = Field(
        default="5s", validate_default=True, description="Mean agent pause before replying."
    )
    reply_timeout: Duration = Field(
        default="60s",
        validate_default=True,
        description="A customer message unanswered this long counts as unanswered.",
    )
    agents: int = Field(
        default=0,
        ge=0,
        le=100_000,
        description="Agent users the harness runs; 0: the vendor's own agents answer.",
    )

    def expected_length(self) -> float:
        """Mean seconds a session stays open, routing wait excluded: every message waits for an
        agent's think time, and the customer thinks between replies."""
        return self.messages * self.agent_think_time + (self.messages - 1) * self.think_time
