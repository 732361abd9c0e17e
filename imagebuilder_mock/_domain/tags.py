"""Tags on any resource, by ARN; and the reserved keys of the tags Image Builder
puts on the instances it launches (``resourceTags``)."""

from __future__ import annotations

import functools
import re
from typing import Any

from .._errors import ResourceNotFound, invalid_value
from .._model import service_model
from .backend import Backend
from .operations import Operations
from .resources import Resource

__all__ = ["check_resource_tags"]

# The operations this family serves; the composition root collects them.
OPERATIONS = Operations()

_CODE = re.compile(r"<code>(.*?)</code>")


@functools.cache
def _reserved_resource_tags() -> tuple[tuple[str, ...], frozenset[str]]:
    """The key prefixes and keys ``resourceTags`` may not use.

    The model's pattern refuses only ``aws:``; its documentation of the member
    adds reserved keys ("Tag keys can't begin with <code>aws:</code> or match one
    of the following reserved keys: <code>CreatedBy</code>, ..."): the service
    sets those on the instances itself. Read from the documentation so the list
    follows the installed model; a model without the sentence reserves nothing more.
    """
    request = service_model().shape_for("CreateInfrastructureConfigurationRequest")
    member = getattr(request, "members", {}).get("resourceTags")
    text = member.documentation if member is not None else ""
    prefixes: tuple[str, ...] = ()
    keys: frozenset[str] = frozenset()
    begin = re.search(r"can't begin with (.*?)(?: or |\.)", text)
    if begin:
        prefixes = tuple(_CODE.findall(begin.group(1)))
    reserved = re.search(r"reserved keys:(.*?)\.(?:\s|<|$)", text)
    if reserved:
        keys = frozenset(_CODE.findall(reserved.group(1)))
    return prefixes, keys


def check_resource_tags(params: dict[str, Any]) -> None:
    """Refuse a reserved key in the request's ``resourceTags``."""
    prefixes, keys = _reserved_resource_tags()
    for key in params.get("resourceTags") or {}:
        if key in keys or key.startswith(prefixes):
            rules = []
            if prefixes:
                rules.append(f"begin with {', '.join(prefixes)}")
            if keys:
                rules.append(f"be one of {', '.join(sorted(keys))}")
            raise invalid_value(
                "resourceTags",
                f"'{key}' is a reserved tag key; tag keys can't {' or '.join(rules)}.",
            )


def _tagged(backend: Backend, arn: str) -> Resource:
    resource = backend.find(arn)
    if resource is None:
        raise ResourceNotFound(f"The resource ARN '{arn}' does not exist.")
    return resource


@OPERATIONS.handles("ListTagsForResource")
def list_tags_for_resource(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    return {"tags": dict(_tagged(backend, params["resourceArn"]).tags)}


@OPERATIONS.handles("TagResource")
def tag_resource(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    _tagged(backend, params["resourceArn"]).tags.update(params["tags"])
    return {}


@OPERATIONS.handles("UntagResource")
def untag_resource(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    resource = _tagged(backend, params["resourceArn"])
    for key in params["tagKeys"]:
        resource.tags.pop(key, None)
    return {}
