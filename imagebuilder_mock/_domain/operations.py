"""What an operation handler is, and the table each family module fills with its own.

A handler takes the backend of the caller's account and region and the
validated parameters, and returns a dict shaped like the operation's output
(``requestId`` and ``clientToken`` are added by the protocol layer).

Each family module keeps its handlers in its own ``OPERATIONS`` table; the
composition root (``assembly``) joins the tables. No module writes another's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .._errors import DryRunOperation
from .backend import Backend
from .resources import Resource

__all__ = ["Handler", "Operations", "check_dry_run", "create"]

Handler = Callable[[Backend, dict[str, Any]], dict[str, Any]]


class Operations(Mapping[str, Handler]):
    """The handlers of one resource family, by operation name."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def handles(self, operation: str) -> Callable[[Handler], Handler]:
        """Decorate the handler of ``operation``; an operation has one handler."""

        def register(handler: Handler) -> Handler:
            if operation in self._handlers:
                raise ValueError(f"{operation} already has a handler")
            self._handlers[operation] = handler
            return handler

        return register

    def __getitem__(self, operation: str) -> Handler:
        return self._handlers[operation]

    def __iter__(self) -> Iterator[str]:
        return iter(self._handlers)

    def __len__(self) -> int:
        return len(self._handlers)


def check_dry_run(params: dict[str, Any]) -> None:
    """Stop a request that asked for a dry run, once everything has been checked."""
    if params.get("dryRun"):
        raise DryRunOperation()


def create(backend: Backend, resource: Resource, params: dict[str, Any]) -> None:
    """The end of a Create: the ARN must be free, a dry run stops there, and
    only then is the resource stored. Every family's checks come before."""
    if params.get("dryRun"):
        backend.ensure_free(resource)
        raise DryRunOperation()
    # Refuses a taken ARN itself.
    backend.add(resource)
