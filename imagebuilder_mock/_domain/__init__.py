"""Image Builder semantics: resources, versions, state, and one handler per operation.

``assembly`` puts the families together; the service asks it for the handler
table and the wiring of every new registry.
"""

from __future__ import annotations

from .assembly import assemble, handler_table
from .backend import Backend, BackendRegistry, Wiring

__all__ = ["Backend", "BackendRegistry", "Wiring", "assemble", "handler_table"]
