"""What the botocore hook hands back: a response botocore reads and aiobotocore awaits.

Its own module because it subclasses botocore's ``AWSResponse``: the hook
imports it with the first answer, so importing the package never imports
botocore (see ``_interception``).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, Generic, TypeVar

from botocore.awsrequest import AWSResponse

from . import _waiters

__all__ = ["Answer"]

_T = TypeVar("_T")


class _RawBody:
    """What ``AWSResponse`` reads a body from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **kwargs: Any) -> Any:
        yield self._body


class _Ready(Generic[_T]):
    """An awaitable that is done already: awaiting it gives its value at once.

    Unlike a coroutine, one that is never awaited leaves no warning behind.
    """

    def __init__(self, value: _T) -> None:
        self._value = value

    def __await__(self) -> Generator[Any, None, _T]:
        yield from ()
        return self._value


class _AsyncAnswer(AWSResponse):
    """The answer as aiobotocore reads it: ``content`` and ``text`` are awaited."""

    # aiobotocore's own responses (``AioAWSResponse``) turn these two properties
    # into awaitables the same way; nothing else of ``AWSResponse`` changes.
    @property
    def content(self) -> _Ready[bytes]:  # type: ignore[override]
        return _Ready(AWSResponse.content.__get__(self))

    @property
    def text(self) -> _Ready[str]:  # type: ignore[override]
        return _Ready(AWSResponse.text.__get__(self))


class Answer(AWSResponse):
    """An answer that botocore reads as it is and aiobotocore awaits first.

    A ``before-send`` handler cannot tell which client sent the request:
    botocore uses what the handler returns, aiobotocore awaits it when it is
    awaitable and then awaits its ``content``. Both forms carry the same
    bytes, which the service answered once, so the service runs once per
    request whichever client sent it. The awaited form is made only when
    awaited: a botocore client never needs it.
    """

    def __init__(self, url: str, status: int, headers: dict[str, str], body: bytes) -> None:
        # botocore-stubs types the headers as HTTPHeaders; botocore itself takes
        # any mapping and wraps it in a HeadersDict.
        super().__init__(url, status, headers, _RawBody(body))  # type: ignore[arg-type]
        self._parts = (url, status, headers, body)

    def __await__(self) -> Generator[Any, None, AWSResponse]:
        # Only an async client awaits: its waiters sleep in aiobotocore's module.
        _waiters.install_async()
        url, status, headers, body = self._parts
        answer = _AsyncAnswer(url, status, headers, _RawBody(body))  # type: ignore[arg-type]
        return _Ready[AWSResponse](answer).__await__()
