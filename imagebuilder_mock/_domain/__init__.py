"""Image Builder semantics: resources, versions, state, and one handler per operation.

Importing this package registers every resource family's handlers.
"""

from __future__ import annotations

from . import (
    builds,
    catalog,
    catalog_images,
    components,
    distribution,
    executions,
    images,
    infrastructure,
    lifecycle,
    marketplace,
    pipelines,
    policies,
    recipes,
    scans,
    tags,
    workflows,
)
from .backend import Backend, BackendRegistry
from .operations import HANDLERS

__all__ = [
    "HANDLERS",
    "Backend",
    "BackendRegistry",
    "builds",
    "catalog",
    "catalog_images",
    "components",
    "distribution",
    "executions",
    "images",
    "infrastructure",
    "lifecycle",
    "marketplace",
    "pipelines",
    "policies",
    "recipes",
    "scans",
    "tags",
    "workflows",
]
