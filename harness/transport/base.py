"""The one driver every executor uses to run an adapter :data:`~harness.vendors.base.Flow`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from harness.vendors.base import ApiRequest, ApiResponse, Flow

T = TypeVar("T")

Send = Callable[[ApiRequest], ApiResponse]


def run_flow(flow: Flow[T], send: Send) -> T:
    """Feed each request the flow yields to ``send`` and return the flow's result."""
    try:
        request = next(flow)
        while True:
            request = flow.send(send(request))
    except StopIteration as done:
        result: T = done.value
        return result
