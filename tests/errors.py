"""What a refused call answered, for asserting the error code and message together."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

__all__ = ["error_of", "raised_error"]


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    """The ``(Code, Message)`` of the error a ``pytest.raises(ClientError)`` block caught."""
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


def raised_error(call: Any, **kwargs: Any) -> dict[str, str]:
    """The whole ``Error`` member a call answers; the call must fail."""
    with pytest.raises(ClientError) as excinfo:
        call(**kwargs)
    error = excinfo.value.response["Error"]
    return {key: str(value) for key, value in error.items()}
