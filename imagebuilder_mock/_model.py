"""The botocore service model: the contract for every operation, shape and error status.

A leaf: it imports nothing of the package, so the protocol layer and the domain
both read the model through it without depending on each other. The model is
read on first use, not when the package is imported.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from botocore.model import OperationModel, ServiceModel

__all__ = [
    "declared_errors",
    "error_status",
    "member_enum",
    "member_pattern",
    "operation",
    "service_model",
    "shape_members",
]

SERVICE_NAME = "imagebuilder"


@functools.cache
def service_model() -> ServiceModel:
    # Loaded once per process: the model is read-only and loading it costs milliseconds.
    # botocore too is imported here, not with the package (the pytest plugin imports
    # the package in runs that may never use botocore).
    import botocore.session

    return botocore.session.get_session().get_service_model(SERVICE_NAME)


@functools.cache
def operation(name: str) -> OperationModel:
    return service_model().operation_model(name)


@functools.cache
def declared_errors(name: str) -> frozenset[str]:
    """The error codes an operation declares in the model."""
    return frozenset(shape.name for shape in operation(name).error_shapes)


@functools.cache
def _error_statuses() -> dict[str, int]:
    model = service_model()
    statuses: dict[str, int] = {}
    for shape_name in model.shape_names:
        shape = model.shape_for(shape_name)
        if shape.metadata.get("exception"):
            statuses[shape_name] = int(shape.metadata.get("error", {}).get("httpStatusCode", 400))
    return statuses


def error_status(code: str) -> int:
    """The HTTP status the model gives an error shape (400 for codes the model lacks)."""
    return _error_statuses().get(code, 400)


@functools.cache
def shape_members(shape_name: str) -> frozenset[str]:
    """Member names of a structure shape (empty if the model has no such shape)."""
    model = service_model()
    if shape_name not in model.shape_names:
        return frozenset()
    return frozenset(getattr(model.shape_for(shape_name), "members", {}))


@functools.cache
def member_pattern(shape_name: str, member: str = "version") -> str | None:
    """The ``pattern`` of a structure member's shape, if the model sets one."""
    shape = service_model().shape_for(shape_name)
    target = getattr(shape, "members", {}).get(member)
    return None if target is None else target.metadata.get("pattern")


@functools.cache
def member_enum(shape_name: str, member: str) -> tuple[str, ...]:
    """The ``enum`` of a structure member's shape, in model order (empty if none)."""
    shape = service_model().shape_for(shape_name)
    target = getattr(shape, "members", {}).get(member)
    return () if target is None else tuple(target.metadata.get("enum", ()))
