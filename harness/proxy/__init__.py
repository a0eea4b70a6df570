"""A loopback reverse proxy that injects integration defects by kind (``csm-harness proxy``).

A QA team puts it between the harness and their own vendor to prove the acceptance suite
catches each defect: see :mod:`harness.proxy.defects` for the kinds and where each acts.
"""

from harness.proxy.defects import KINDS, Defects, ProxyPlan, parse_defects, plan_for
from harness.proxy.server import WEBHOOK_PREFIX, build_app

__all__ = ["KINDS", "WEBHOOK_PREFIX", "Defects", "ProxyPlan", "build_app", "parse_defects",
           "plan_for"]  # fmt: skip
