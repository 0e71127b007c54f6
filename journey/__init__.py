"""The journey domain: schema models and pure functions. Imports nothing of ours, does no I/O."""
