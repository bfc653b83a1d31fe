"""Named defaults, one comment each, so that no magic number hides in the code."""

from __future__ import annotations

__all__ = [
    "DEFAULT_SEED",
    "DEFAULT_TICK",
]

# The lecture sleeps one second per step of its generator demos; --tick replaces it.
DEFAULT_TICK = 1.0

# Seed for demos whose output depends on random choices, so a run can be repeated exactly.
DEFAULT_SEED = 0
