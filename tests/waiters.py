"""botocore's ``ImageAvailable`` waiter, for clients whose botocore predates it (1.44.6)."""

from __future__ import annotations

from typing import Any

import botocore.session
from botocore.exceptions import DataNotFoundError


def image_available_definition() -> dict[str, Any]:
    """The waiter as the installed botocore has it, or the same definition where it has none."""
    loader = botocore.session.get_session().get_component("data_loader")
    try:
        installed: dict[str, Any] = loader.load_service_model("imagebuilder", "waiters-2")
    except DataNotFoundError:
        installed = {"waiters": {}}
    if "ImageAvailable" in installed["waiters"]:
        return {"version": 2, "waiters": {"ImageAvailable": installed["waiters"]["ImageAvailable"]}}
    acceptors = [
        {"state": state, "matcher": "path", "argument": "image.state.status", "expected": status}
        for state, status in (
            ("success", "AVAILABLE"),
            ("failure", "FAILED"),
            ("failure", "CANCELLED"),
        )
    ]
    waiter = {"operation": "GetImage", "delay": 60, "maxAttempts": 360, "acceptors": acceptors}
    return {"version": 2, "waiters": {"ImageAvailable": waiter}}
