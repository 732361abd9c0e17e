"""``requests`` under a mock: Image Builder's endpoints are answered in process.

While a mock is active, a ``requests`` call to an Image Builder endpoint
(``https://imagebuilder.<region>.amazonaws.com/...``, its FIPS and China
spellings, or the dual-stack ``api.aws`` one) is answered by
``_interception.serve_wire``, the path every HTTP door takes: the caller signs
the request, and the account and Region come from its signature as in process.
The answer is made into a ``requests`` response by ``responses``.

Every other URL is left alone. Rather than patching the adapter's ``send``
(which ``responses`` and ``mock_aws`` patch, each without chaining to an earlier
patch), a session hands Image Builder's URLs to an adapter of the mock's own:
so a test's ``responses`` mocks keep answering their URLs, entered before or
inside the mock, and Image Builder is answered inside them too.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from . import _interception

if TYPE_CHECKING:
    from unittest import mock

__all__ = ["ENDPOINT", "start", "stop"]

ENDPOINT = re.compile(
    r"^https?://imagebuilder(-fips)?\.[a-z0-9-]+\.(amazonaws\.com(\.cn)?|api\.aws)(:\d+)?(/|$)"
)


class _Interception:
    """The patch of ``Session.get_adapter``; set only by ``start`` and ``stop``."""

    patch: mock._patch[Any] | None = None


def _text(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _answer(request: Any) -> tuple[int, dict[str, str], bytes]:
    body = request.body
    if hasattr(body, "read"):
        body = body.read()
    if isinstance(body, str):
        body = body.encode()
    headers = {_text(name): _text(value) for name, value in request.headers.items()}
    return _interception.serve_wire(
        str(request.method), str(request.url), headers, body or b"", moto=False
    )


def _adapter() -> Any:
    # Imported here: importing the package must not import requests.
    import responses
    from requests.adapters import HTTPAdapter

    class ImageBuilderAdapter(HTTPAdapter):
        """Answers every request it is given from the mock; opens no connection."""

        def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
            answer = responses.CallbackResponse(
                str(request.method), ENDPOINT, callback=_answer, content_type=None
            )
            return self.build_response(request, answer.get_response(request))

    return ImageBuilderAdapter()


def start() -> None:
    """Answer Image Builder's endpoints for ``requests`` from now on."""
    if _Interception.patch is not None:
        return
    from unittest import mock

    from requests.sessions import Session

    adapter = _adapter()
    previous = Session.get_adapter

    def get_adapter(session: Session, url: str) -> Any:
        if ENDPOINT.match(url):
            return adapter
        return previous(session, url)

    patch = mock.patch.object(Session, "get_adapter", get_adapter)
    patch.start()
    _Interception.patch = patch


def stop() -> None:
    """Give ``requests`` back the adapters it had before ``start``."""
    patch, _Interception.patch = _Interception.patch, None
    if patch is not None:
        patch.stop()
