"""Rules every family applies the same way: exactly one of two members, and
where a document comes from.

CreateComponent, ImportComponent and CreateWorkflow take the document either
inline (``data``) or from S3 (``uri``), never both and never neither, and the
``uri`` must be an S3 object URI; recipes, images and pipelines name exactly
one recipe; a lifecycle policy selects by exactly one criterion. They share
one check and one message; the code is InvalidParameterCombinationException,
or InvalidRequestException for the operations that declare only that one
(CreateImage, the pipeline operations, CreateContainerRecipe).
"""

from __future__ import annotations

from typing import Any

from .. import _integrations
from .._errors import ImageBuilderError, InvalidParameterCombination, invalid_value
from .identifiers import is_s3_uri

__all__ = ["check_exactly_one_source", "check_s3_uri", "exactly_one_of", "read_s3_document"]


def _given(value: Any) -> bool:
    return value not in (None, "", [], {})


def exactly_one_of(
    values: dict[str, Any],
    first: str,
    second: str,
    *,
    within: str | None = None,
    error: type[ImageBuilderError] = InvalidParameterCombination,
) -> str:
    """The one of ``first`` and ``second`` that is given; refuses both or neither.

    ``within`` names the structure the two members belong to, for the message.
    """
    has_first, has_second = _given(values.get(first)), _given(values.get(second))
    if has_first == has_second:
        if within is None:
            message = f"You must specify exactly one of {first} or {second}."
        else:
            message = (
                f"The value supplied for parameter '{within}' is not valid. Specify exactly "
                f"one of {first} or {second}, not both or neither."
            )
        raise error(message)
    return first if has_first else second


def check_exactly_one_source(params: dict[str, Any]) -> None:
    """Refuse a request that gives both ``data`` and ``uri``, or neither."""
    exactly_one_of(params, "data", "uri")


def check_s3_uri(uri: str) -> None:
    """Refuse a ``uri`` that is not ``s3://bucket/key``."""
    if not is_s3_uri(uri):
        raise invalid_value("uri", "The uri must be an Amazon S3 URL of the form s3://bucket/key.")


def read_s3_document(account_id: str, uri: str, parameter: str) -> str | None:
    """The text of the S3 object a ``uri`` member names, read from moto's S3.

    None while moto is inactive: the caller keeps its placeholder document. An
    object moto does not hold is the caller's bad parameter, with S3's reason.
    """
    try:
        return _integrations.read_s3_text(account_id, uri)
    except _integrations.S3ReadError as error:
        raise invalid_value(
            parameter, f"Could not read the S3 object '{uri}'. {error.code}: {error.message}"
        ) from error
