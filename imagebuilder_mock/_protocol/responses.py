"""rest-json response serialization: results and modeled errors onto the wire."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from .._errors import ImageBuilderError
from .._model import error_status

__all__ = ["WireResponse", "error_response", "success_response"]

WireResponse = tuple[int, dict[str, str], bytes]


def _encode(value: Any) -> Any:
    # The model's only timestamp shape travels as epoch seconds in rest-json bodies.
    if isinstance(value, dt.datetime):
        return value.timestamp()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


_text = json.JSONEncoder(default=_encode, separators=(",", ":"), ensure_ascii=False).encode


def _dumps(value: Any) -> bytes:
    # Requests with lone surrogates are refused, but a response must never fail
    # to encode: a surrogate that still got through becomes the JSON escape
    # ``\udcff`` (surrogates only ever sit inside JSON strings), not an exception.
    return _text(value).encode("utf-8", "backslashreplace")


def success_response(result: dict[str, Any], request_id: str) -> WireResponse:
    headers = {"Content-Type": "application/json", "x-amzn-RequestId": request_id}
    return 200, headers, _dumps(result)


def error_response(error: ImageBuilderError, request_id: str) -> WireResponse:
    headers = {
        "Content-Type": "application/json",
        "x-amzn-RequestId": request_id,
        "x-amzn-ErrorType": error.code,
    }
    return error_status(error.code), headers, _dumps({"message": error.message})
