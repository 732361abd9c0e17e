"""Resource policies: sharing components, images and recipes with other accounts.

A policy is stored on the resource it governs (``Resource.policy``), checked
by :mod:`.iam` when it is put. Whom it lets read the resource is decided in
one place, :meth:`Backend.may_read`. Component and image policies attach to
build versions, recipe policies to recipe versions; only the owner can put or
get them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._errors import ResourceNotFound, invalid_value, not_found
from .arns import parse_arn
from .backend import Backend
from .iam import validate_policy
from .operations import Operations
from .resources import Resource

__all__ = ["PolicyTarget"]

# The operations this family serves; the composition root collects them.
OPERATIONS = Operations()


@dataclass(frozen=True)
class PolicyTarget:
    """What a Put/Get policy operation addresses: the ARN member and the resource kind."""

    parameter: str
    kind: str


# The kind is compared by name, so a family that defines its record later
# (images) is served as soon as it exists.
_TARGETS = {
    "ComponentPolicy": PolicyTarget("componentArn", "Component"),
    "ImagePolicy": PolicyTarget("imageArn", "Image"),
    "ImageRecipePolicy": PolicyTarget("imageRecipeArn", "ImageRecipe"),
    "ContainerRecipePolicy": PolicyTarget("containerRecipeArn", "ContainerRecipe"),
}


def _target(backend: Backend, params: dict[str, Any], target: PolicyTarget) -> Resource:
    """The resource an ARN names exactly; wildcards address no single resource."""
    arn = params[target.parameter]
    parsed = parse_arn(arn)
    if parsed is not None and parsed.version is not None and "x" in parsed.version:
        raise invalid_value(
            target.parameter,
            f"'{arn}' contains a version wildcard. A policy applies to one version; "
            "specify it as major.minor.patch.",
        )
    resource = backend.find(arn)
    if resource is None or resource.kind != target.kind:
        raise not_found(arn)
    return resource


def _register(family: str, target: PolicyTarget) -> None:
    """Put<family> and Get<family> for one kind of shareable resource."""

    @OPERATIONS.handles(f"Put{family}")
    def put_policy(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
        resource = _target(backend, params, target)
        validate_policy(params["policy"])
        resource.policy = params["policy"]
        return {target.parameter: resource.arn}

    @OPERATIONS.handles(f"Get{family}")
    def get_policy(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
        resource = _target(backend, params, target)
        if resource.policy is None:
            raise ResourceNotFound(
                f"The resource ARN '{resource.arn}' does not have a resource policy."
            )
        return {"policy": resource.policy}


for _family, _target_of in _TARGETS.items():
    _register(_family, _target_of)
