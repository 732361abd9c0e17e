"""The table of operation handlers: one function per Image Builder operation.

A handler takes the backend of the caller's account and region and the
validated parameters, and returns a dict shaped like the operation's output
(``requestId`` and ``clientToken`` are added by the protocol layer).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._errors import DryRunOperation
from .backend import Backend

__all__ = ["HANDLERS", "Handler", "check_dry_run", "handles"]

Handler = Callable[[Backend, dict[str, Any]], dict[str, Any]]

HANDLERS: dict[str, Handler] = {}


def handles(operation: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        HANDLERS[operation] = handler
        return handler

    return register


def check_dry_run(params: dict[str, Any]) -> None:
    """Stop a request that asked for a dry run, once everything has been checked."""
    if params.get("dryRun"):
        raise DryRunOperation()
