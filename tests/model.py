"""What the installed botocore model allows, for tests that run on every supported release.

The project supports botocore from 1.43.11 up; newer models add request members
(``dryRun``, ``terminateInstanceOnCompletion``, ...), raise limits and widen
patterns. The mock follows whichever model is installed, so a test either
follows it too (both branches asserting something real) or, when botocore would
refuse the request client-side, is skipped through :func:`requires_member` with
a reason that names the missing member. On the newest model nothing is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import botocore
import botocore.session
import pytest
from botocore.exceptions import ClientError
from botocore.model import Shape, StructureShape

__all__ = [
    "BOTOCORE_VERSION",
    "MODEL",
    "filter_values_allow_wildcards",
    "has_member",
    "if_wildcards_allowed",
    "image_version",
    "known_members",
    "max_results",
    "members",
    "outcome",
    "refused_filter_value",
    "requires_member",
]

BOTOCORE_VERSION: str = botocore.__version__
MODEL = botocore.session.get_session().get_service_model("imagebuilder")


def _structure(shape_or_operation: str) -> StructureShape:
    """An operation's input shape, or the named shape (operation names win)."""
    shape: Shape | None
    if shape_or_operation in MODEL.operation_names:
        shape = MODEL.operation_model(shape_or_operation).input_shape
    else:
        shape = MODEL.shape_for(shape_or_operation)
    assert isinstance(shape, StructureShape), shape_or_operation
    return shape


def members(shape_or_operation: str) -> set[str]:
    """The member names of a shape in the installed model (an operation means its input)."""
    return set(_structure(shape_or_operation).members)


def has_member(shape_or_operation: str, member: str) -> bool:
    """Whether the installed model has this member (an operation means its input)."""
    return member in _structure(shape_or_operation).members


def requires_member(shape_or_operation: str, member: str) -> pytest.MarkDecorator:
    """Skip a test whose request botocore would refuse: the model lacks the member."""
    return pytest.mark.skipif(
        not has_member(shape_or_operation, member),
        reason=f"botocore {BOTOCORE_VERSION}'s model has no {shape_or_operation}.{member}",
    )


def documents_reserved_resource_tags() -> bool:
    """Whether the model's documentation of ``resourceTags`` reserves tag keys (1.44 on)."""
    member = _structure("CreateInfrastructureConfiguration").members["resourceTags"]
    return "reserved keys:" in (member.documentation or "")


# The mock reserves what the installed model documents; older models document nothing.
requires_reserved_resource_tags = pytest.mark.skipif(
    not documents_reserved_resource_tags(),
    reason=f"botocore {BOTOCORE_VERSION}'s model reserves no resourceTags keys",
)


def known_members(shape_or_operation: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of ``values`` that are members of the shape in the installed model.

    For "every member" round trips: older models lack some members, and botocore
    refuses a request that carries one.
    """
    members = _structure(shape_or_operation).members
    return {name: value for name, value in values.items() if name in members}


def max_results(operation: str) -> int:
    """The model's upper bound of an operation's ``maxResults``."""
    member: Shape = _structure(operation).members["maxResults"]
    return int(member.metadata["max"])


def image_version(version: str, build: int) -> str:
    """An image's ``version`` member as the installed model's ``Image.version`` allows.

    Newer models (``VersionNumberWithBuild``) carry the build, ``1.0.0/2``;
    older ones (``VersionNumber``) only ``1.0.0``.
    """
    pattern = _structure("Image").members["version"].metadata["pattern"]
    with_build = f"{version}/{build}"
    return with_build if re.search(pattern, with_build) else version


def _filter_value_pattern() -> str:
    return str(MODEL.shape_for("FilterValue").metadata["pattern"])


def filter_values_allow_wildcards() -> bool:
    """Whether the model's ``FilterValue`` pattern lets a value contain ``*``."""
    return re.search(_filter_value_pattern(), "web*") is not None


def refused_filter_value(parameter: str = "filters[0].values[0]") -> tuple[str, str]:
    """The error code and message the mock answers for a value the pattern refuses."""
    return (
        "InvalidParameterValueException",
        f"The value supplied for parameter '{parameter}' is not valid. "
        f"'{parameter}' must match pattern {_filter_value_pattern()}",
    )


def outcome(call: Callable[[], Any]) -> Any:
    """What a call answers, or its error as ``(code, message)``."""
    try:
        return call()
    except ClientError as error:
        details = error.response["Error"]
        return details["Code"], details["Message"]


def if_wildcards_allowed(expected: Any, parameter: str = "filters[0].values[0]") -> Any:
    """The expected outcome of a filter with a ``*`` value: ``expected``, or its refusal.

    Use as ``assert outcome(lambda: ...) == if_wildcards_allowed(...)``; models
    before botocore 1.44 refuse ``*`` in filter values.
    """
    return expected if filter_values_allow_wildcards() else refused_filter_value(parameter)
