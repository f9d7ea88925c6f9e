"""Shared pytest set-up: hypothesis profiles sized for a 2-core CI machine, and user-defined rows."""

from __future__ import annotations

import os

import support.user_ops  # noqa: F401  # rows added with define_op, before collection: table-driven tests include them
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("thorough", max_examples=500, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
