"""rest-json response serialization: results and modeled errors onto the wire."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from .._errors import ImageBuilderError
from .model import error_status

__all__ = ["WireResponse", "error_response", "success_response"]

WireResponse = tuple[int, dict[str, str], bytes]


def _encode(value: Any) -> Any:
    # The model's only timestamp shape travels as epoch seconds in rest-json bodies.
    if isinstance(value, dt.datetime):
        return value.timestamp()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


_dumps = json.JSONEncoder(default=_encode, separators=(",", ":"), ensure_ascii=False).encode


def success_response(result: dict[str, Any], request_id: str) -> WireResponse:
    headers = {"Content-Type": "application/json", "x-amzn-RequestId": request_id}
    return 200, headers, _dumps(result).encode()


def error_response(error: ImageBuilderError, request_id: str) -> WireResponse:
    headers = {
        "Content-Type": "application/json",
        "x-amzn-RequestId": request_id,
        "x-amzn-ErrorType": error.code,
    }
    return error_status(error.code), headers, _dumps({"message": error.message}).encode()
