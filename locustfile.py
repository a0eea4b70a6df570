"""Plain Locust entry point: ``locust -f locustfile.py --scenario scenarios/smoke.yaml``.

Everything lives in ``harness.load.entry``; see ``locust -f locustfile.py --help`` for the
csm-harness options (--scenario, --vendor, --run-dir, --run-id).
"""

from harness.load.entry import *  # noqa: F403
