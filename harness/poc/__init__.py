"""A whole vendor POC from one plan file: schedule, stages, resumable runner, decision pack."""
