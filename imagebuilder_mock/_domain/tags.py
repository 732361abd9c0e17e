"""Tags on any resource, by ARN."""

from __future__ import annotations

from typing import Any

from .._errors import ResourceNotFound
from .backend import Backend
from .operations import handles
from .resources import Resource

__all__: list[str] = []


def _tagged(backend: Backend, arn: str) -> Resource:
    resource = backend.find(arn)
    if resource is None:
        raise ResourceNotFound(f"The resource ARN '{arn}' does not exist.")
    return resource


@handles("ListTagsForResource")
def list_tags_for_resource(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    return {"tags": dict(_tagged(backend, params["resourceArn"]).tags)}


@handles("TagResource")
def tag_resource(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    _tagged(backend, params["resourceArn"]).tags.update(params["tags"])
    return {}


@handles("UntagResource")
def untag_resource(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    resource = _tagged(backend, params["resourceArn"])
    for key in params["tagKeys"]:
        resource.tags.pop(key, None)
    return {}
