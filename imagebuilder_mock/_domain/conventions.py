"""Where a component's or a workflow's document comes from: one rule for both.

CreateComponent, ImportComponent and CreateWorkflow take the document either
inline (``data``) or from S3 (``uri``), never both and never neither, and the
``uri`` must be an S3 object URI. The families check their requests here, so
that the two agree on every message.
"""

from __future__ import annotations

from typing import Any

from .._errors import InvalidParameterCombination, invalid_value
from .identifiers import is_s3_uri

__all__ = ["check_exactly_one_source", "check_s3_uri"]


def check_exactly_one_source(params: dict[str, Any]) -> None:
    """Refuse a request that gives both ``data`` and ``uri``, or neither."""
    if ("data" in params) == ("uri" in params):
        raise InvalidParameterCombination("You must specify exactly one of data or uri.")


def check_s3_uri(uri: str) -> None:
    """Refuse a ``uri`` that is not ``s3://bucket/key``."""
    if not is_s3_uri(uri):
        raise invalid_value("uri", "The uri must be an Amazon S3 URL of the form s3://bucket/key.")
