"""``python -m harness`` is ``csm-harness``."""

from harness.cli import main

main()
