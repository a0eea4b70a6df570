"""The locustfile ``csm-harness run`` hands to Locust (the repository root has the same one)."""

from harness.load.entry import *  # noqa: F403
