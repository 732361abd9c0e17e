"""Image Builder semantics: resources, versions, state, and one handler per operation.

``assembly`` puts the families together; the service asks it for the handler
table and the wiring of every new registry.

The names below load on first use (PEP 562): importing one small module of the
domain (``progression``, ``arns``) must not load every family, so that importing
the package stays cheap until the first request builds the service.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .assembly import assemble, handler_table
    from .backend import Backend, BackendRegistry, Wiring

__all__ = ["Backend", "BackendRegistry", "Wiring", "assemble", "handler_table"]

_HOMES = {
    "Backend": "backend",
    "BackendRegistry": "backend",
    "Wiring": "backend",
    "assemble": "assembly",
    "handler_table": "assembly",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value  # later uses find it directly
    return value
