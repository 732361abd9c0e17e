"""Resource policies: sharing components, images and recipes with other accounts.

A policy is stored on the resource it governs (``Resource.policy``); the List
operations' ``owner=Shared`` then shows the resource to every account an
``Allow`` statement names. Component and image policies attach to build
versions, recipe policies to recipe versions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .._errors import ResourceNotFound, invalid_value, not_found
from .arns import parse_arn
from .backend import Backend
from .operations import handles
from .resources import Resource

__all__ = ["PolicyTarget", "validate_policy"]

_VERSIONS = ("2012-10-17", "2008-10-17")
_TOP_LEVEL = frozenset({"Version", "Id", "Statement"})
_STATEMENT_KEYS = frozenset(
    {
        "Sid",
        "Effect",
        "Principal",
        "NotPrincipal",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
    }
)
# ``service:Action`` with IAM's ``*`` and ``?`` wildcards, or ``*`` alone.
_ACTION = re.compile(r"^(?:\*|[a-zA-Z0-9-]+:[a-zA-Z0-9*?]+)$")


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


def _policy_error(rule: str) -> Exception:
    return invalid_value("policy", rule)


def _strings(value: Any) -> list[str] | None:
    """A policy element that is a string or a non-empty list of strings, as a list."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _check_statement(index: int, statement: Any) -> None:
    where = f"Statement[{index}]"
    if not isinstance(statement, dict):
        raise _policy_error(f"{where} must be a JSON object.")
    unknown = sorted(set(statement) - _STATEMENT_KEYS)
    if unknown:
        raise _policy_error(f"{where} has unknown elements: {', '.join(unknown)}.")
    if statement.get("Effect") not in ("Allow", "Deny"):
        raise _policy_error(f"{where}.Effect must be Allow or Deny.")
    actions_key = "Action" if "Action" in statement else "NotAction"
    actions = _strings(statement.get(actions_key))
    if actions is None:
        raise _policy_error(f"{where} must have an Action (a string or a list of strings).")
    for action in actions:
        if not _ACTION.match(action):
            raise _policy_error(f"{where} has an invalid action '{action}'; use service:Action.")
    # A resource policy says whom it lets in: a principal is mandatory.
    if "Principal" not in statement and "NotPrincipal" not in statement:
        raise _policy_error(f"{where} must have a Principal.")
    principal = statement.get("Principal", statement.get("NotPrincipal"))
    if principal != "*" and not (isinstance(principal, dict) and principal):
        raise _policy_error(f'{where}.Principal must be "*" or an object such as {{"AWS": ...}}.')


def validate_policy(text: str) -> None:
    """Refuse what is not an IAM policy document: JSON with Version and Statement(s)."""
    try:
        document = json.loads(text)
    except ValueError:
        raise _policy_error("The policy is not valid JSON.") from None
    if not isinstance(document, dict):
        raise _policy_error("The policy must be a JSON object.")
    unknown = sorted(set(document) - _TOP_LEVEL)
    if unknown:
        raise _policy_error(f"The policy has unknown elements: {', '.join(unknown)}.")
    if "Version" in document and document["Version"] not in _VERSIONS:
        version = document["Version"]
        raise _policy_error(
            f"The policy Version must be one of {', '.join(_VERSIONS)}; got {version!r}."
        )
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise _policy_error("The policy must have a Statement (an object or a non-empty list).")
    for index, statement in enumerate(statements):
        _check_statement(index, statement)


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

    @handles(f"Put{family}")
    def put_policy(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
        resource = _target(backend, params, target)
        validate_policy(params["policy"])
        resource.policy = params["policy"]
        return {target.parameter: resource.arn}

    @handles(f"Get{family}")
    def get_policy(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
        resource = _target(backend, params, target)
        if resource.policy is None:
            raise ResourceNotFound(
                f"The resource ARN '{resource.arn}' does not have a resource policy."
            )
        return {"policy": resource.policy}


for _family, _target_of in _TARGETS.items():
    _register(_family, _target_of)
