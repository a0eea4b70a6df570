"""Executors that run sans-IO adapter flows over real clients."""
