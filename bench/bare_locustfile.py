"""A bare Locust FastHttpUser posting tickets to the same endpoint: the baseline for
bench_load.py. No probes, no harness metrics, one pre-built body."""

import json
import os

from locust import constant_throughput, task
from locust.contrib.fasthttp import FastHttpUser

_BODY = json.dumps(
    {
        "external_id": "bench-bare",
        "subject": "退款还没到账",
        "description": "我上周申请的退款还没有到账。",
        "channel": "web",
        "priority": "normal",
        "category": "billing",
        "customer": {"id": "C1", "name": "张伟", "identities": {"web": "web-C1"}},
        "custom_fields": {"order_no": "SO0000000001"},
    },
    ensure_ascii=False,
)
_HEADERS = {
    "Authorization": f"Bearer {os.environ.get('CSM_SANDBOX_TOKEN', '')}",
    "Content-Type": "application/json",
}


class BareTicketUser(FastHttpUser):
    wait_time = constant_throughput(1.5)

    @task
    def create(self) -> None:
        self.client.post("/api/v1/tickets", data=_BODY, headers=_HEADERS, name="POST /tickets")
