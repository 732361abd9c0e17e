"""The composition root: the one place where the domain is put together.

Family modules define handlers, observers, settlers and seeders; none of them
knows the others are there. This module lists them, in the order they run:

* the handler table, joined from each family's own ``OPERATIONS``;
* the observers of image transitions, told in this order: workflow
  executions first (they follow the build's stages), then the pipeline's
  record of its runs, then the outputs the build leaves (in the mock and, when
  moto is active, in moto's services);
* the settlers the service runs once per request, before the handler;
* the seeders that fill a new backend of a publishing account;
* the kinds whose version and wildcard ARNs stand for a resource when a
  delete asks whether anything still depends on it.

Adding an operation is one decorated function in its family module; adding a
family, an observer or a settler is one line here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from . import (
    builds,
    catalog,
    catalog_images,
    components,
    distribution,
    executions,
    image_records,
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
from .backend import Wiring
from .operations import Handler, Operations
from .versioned import reference_resolver

__all__ = ["FAMILIES", "assemble", "handler_table"]

# Every family that serves operations, in the order the service documents them.
FAMILIES: tuple[Operations, ...] = (
    components.OPERATIONS,
    workflows.OPERATIONS,
    recipes.OPERATIONS,
    infrastructure.OPERATIONS,
    distribution.OPERATIONS,
    pipelines.OPERATIONS,
    images.OPERATIONS,
    executions.OPERATIONS,
    lifecycle.OPERATIONS,
    scans.OPERATIONS,
    marketplace.OPERATIONS,
    policies.OPERATIONS,
    tags.OPERATIONS,
)


def handler_table(families: tuple[Operations, ...] = FAMILIES) -> Mapping[str, Handler]:
    """One handler per operation; two families claiming one operation is a defect."""
    table: dict[str, Handler] = {}
    for family in families:
        for operation, handler in family.items():
            if operation in table:
                raise ValueError(f"{operation} is handled by two families")
            table[operation] = handler
    return MappingProxyType(table)


def assemble() -> Wiring:
    """The wiring every backend of a new registry shares."""
    return Wiring(
        seeders={
            catalog.AWS_ACCOUNT: (catalog.seed, catalog_images.seed_base_images),
            marketplace.MARKETPLACE_ACCOUNT: (marketplace.seed,),
        },
        settlers=(lifecycle.apply_due_updates,),
        resolvers=(
            reference_resolver(
                (
                    components.Component,
                    workflows.Workflow,
                    image_records.Image,
                    recipes.ImageRecipe,
                    recipes.ContainerRecipe,
                )
            ),
        ),
        observers=(
            executions.on_transition,
            pipelines.on_transition,
            builds.deliver_outputs,
        ),
    )
