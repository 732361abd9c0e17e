"""Image Builder over HTTP, before any operation runs: what AWS's front end checks.

Every HTTP door (moto's server, the package's own server, ``requests`` under a
mock) hands a request to ``_interception.serve_wire``, which asks this module
first. Its answers follow AWS's order: a body over the size limit, then a
request that is not signed or whose signature is incomplete, then a method and
path that name no operation. What remains names exactly one operation, found
from the model's ``requestUri`` and method, as the service routes it.

Nothing here knows a transport: the input is a method, a URL, headers and a
body size; the output is the rest-json error AWS gives, as (status, headers,
body), or nothing.
"""

from __future__ import annotations

import functools
import json
import re
import uuid
from collections.abc import Mapping
from urllib.parse import parse_qs, urlsplit

from ._model import service_model

__all__ = [
    "MAX_BODY_BYTES",
    "WireAnswer",
    "bad_request",
    "failure",
    "operation_for",
    "refusal",
    "unknown_operation",
]

WireAnswer = tuple[int, dict[str, str], bytes]

# AWS's front end refuses a request body larger than its payload quota (10 MB for
# API Gateway-fronted services) with 413 before the service sees it. The largest
# body the model allows is far smaller (a component document is at most 16,000
# characters), so nothing valid comes near it.
MAX_BODY_BYTES = 10 * 1024 * 1024

# ``AWS4-HMAC-SHA256 Credential=KEY/DATE/REGION/SERVICE/aws4_request,
# SignedHeaders=..., Signature=...``: the parts AWS requires before it checks
# the signature itself (which the mock cannot: it knows no secret key).
_ALGORITHM = "AWS4-HMAC-SHA256"
_PART = re.compile(r"(Credential|SignedHeaders|Signature)=([^,\s]*)")
_SCOPE = re.compile(r"^[^/]+/\d{8}/[a-z0-9-]+/[a-z0-9-]+/aws4_request$")


def _error(status: int, code: str, message: str) -> WireAnswer:
    headers = {
        "Content-Type": "application/json",
        "x-amzn-RequestId": str(uuid.uuid4()),
        "x-amzn-ErrorType": code,
    }
    return status, headers, json.dumps({"message": message}).encode()


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _signature_problems(authorization: str) -> list[str]:
    """What an ``Authorization`` header lacks, in AWS's words; empty when complete."""
    algorithm, _, rest = authorization.strip().partition(" ")
    if algorithm != _ALGORITHM:
        return [f"Authorization header requires the '{_ALGORITHM}' algorithm, not '{algorithm}'."]
    parts = dict(_PART.findall(rest))
    problems = [
        f"Authorization header requires '{name}' parameter."
        for name in ("Credential", "Signature", "SignedHeaders")
        if not parts.get(name)
    ]
    credential = parts.get("Credential")
    if credential and not _SCOPE.match(credential):
        problems.append(
            "Authorization header requires 'Credential' parameter in the form "
            "KEY/YYYYMMDD/REGION/SERVICE/aws4_request, not '" + credential + "'."
        )
    return problems


def refusal(url: str, headers: Mapping[str, str], body_size: int) -> WireAnswer | None:
    """The error AWS's front end answers before routing, or None when it lets the request in."""
    if body_size > MAX_BODY_BYTES:
        return _error(
            413,
            "RequestEntityTooLargeException",
            f"Request size {body_size} bytes exceeds the limit of {MAX_BODY_BYTES} bytes.",
        )
    authorization = _header(headers, "authorization")
    if authorization is None:
        # A presigned URL carries its signature in the query string.
        if "X-Amz-Signature" in parse_qs(urlsplit(url).query):
            return None
        return _error(403, "MissingAuthenticationTokenException", "Missing Authentication Token")
    problems = _signature_problems(authorization)
    if problems:
        return _error(403, "IncompleteSignatureException", " ".join(problems))
    return None


@functools.cache
def _routes() -> dict[tuple[str, str], str]:
    """Each operation by its HTTP method and the first segment of its ``requestUri``.

    Image Builder's paths are one fixed segment (``/CreateComponent``) or a
    fixed segment and one label (``/tags/{resourceArn}``), so the pair is unique.
    """
    model = service_model()
    routes: dict[tuple[str, str], str] = {}
    for name in model.operation_names:
        http = model.operation_model(name).http
        routes[(http["method"], _first_segment(http["requestUri"]))] = name
    return routes


def _first_segment(path: str) -> str:
    return path.split("?")[0].strip("/").split("/")[0]


def operation_for(method: str, url: str) -> str | None:
    """The operation a method and URL name, or None."""
    return _routes().get((method.upper(), _first_segment(urlsplit(url).path)))


def unknown_operation(method: str, url: str) -> WireAnswer:
    # A method and path the service has no route for (a GET on a PUT route
    # included): what AWS's rest-json front end answers.
    path = _first_segment(urlsplit(url).path)
    return _error(
        404,
        "UnknownOperationException",
        f"No Image Builder operation answers {method.upper()} /{path}.",
    )


def bad_request(message: str) -> WireAnswer:
    """HTTP the front end cannot read (a Content-Length that is no number)."""
    return _error(400, "BadRequestException", message)


def failure(message: str) -> WireAnswer:
    """A defect of the mock, answered as the service answers one: 500, named."""
    return _error(500, "ServiceException", message)
