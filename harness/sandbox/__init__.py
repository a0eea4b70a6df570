"""The embedded sandbox CSM vendor: a real aiohttp server, always run as its own process.

Import :class:`SandboxProcess` to start one. Importing this package loads the standard library
only; aiohttp loads in the child process (``python -m harness.sandbox``).
"""

from __future__ import annotations

from harness.sandbox.profiles import PRESETS, Profile, ProfileError, get_profile
from harness.sandbox.server import SandboxProcess

__all__ = ["PRESETS", "Profile", "ProfileError", "SandboxProcess", "get_profile"]
