"""Image Builder as one of moto's services: its registry, its resets and its server.

This is the one module that reaches into moto's internals, and it is imported
only once moto itself is (see ``watch``): importing ``imagebuilder_mock`` never
imports moto. Joining moto takes three registrations, made once:

- a ``BackendDict`` of its own, holding one backend whose ``reset`` drops the
  mock's state. moto resets every ``BackendDict`` it finds in
  ``BackendDict._instances`` (a ``mock_aws`` start and stop, ``/moto-api/reset``),
  and empties that list each time, so ``join`` is called again on every request
  and controller call: a dict that holds an account is listed again;
- Image Builder's host in ``moto.backend_index.backend_url_patterns``, the
  list moto's server (``DomainDispatcherApplication``) routes by. The pattern
  matches only what the server asks about (``http://`` and a bare host), never
  a request URL: botocore calls every ``before-send`` handler and keeps the
  first answer, so moto's stubber sees each Image Builder request after the
  mock has answered it, and must not find a backend to run it a second time;
- a module ``moto.imagebuilder`` in ``sys.modules``, where moto's
  ``backends.get_backend("imagebuilder")`` looks for ``imagebuilder_backends``.

The version is checked first, so that a moto outside the tested range fails
here, with the range named, instead of somewhere inside its internals.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import sys
import threading
import types
from collections.abc import Callable, Mapping
from typing import Any

__all__ = [
    "LOWEST",
    "NEWEST",
    "SUPPORTED",
    "UnsupportedMoto",
    "caller_account",
    "check_version",
    "join",
]

# The moto releases the package is tested with (tox -e moto-lowest,moto-newest):
# the lowest, and the newest minor series (every 5.2.x). The lowest is set by
# what the integrations read of moto's other services (EC2's ``disable_image``
# arrived in 5.2.4); this module's own registrations work from 5.0.0. A new
# minor release may move the internals below, so it is refused until tested.
LOWEST = (5, 2, 4)
NEWEST = (5, 2)
SUPPORTED = "moto 5.2.4 to 5.2.x"

Serve = Callable[[str, str, Mapping[str, str], bytes], tuple[int, dict[str, str], bytes]]


class UnsupportedMoto(ImportError):
    """The installed moto is outside the range this package was tested with."""


def _release(version: str) -> tuple[int, ...]:
    numbers = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", version)
    if numbers is None:
        return ()
    return tuple(int(part) for part in numbers.groups("0"))


def check_version(found: str) -> None:
    """Refuse a moto outside ``SUPPORTED``, naming the range and what was found."""
    release = _release(found)
    if not release or release < LOWEST or release[:2] > NEWEST:
        raise UnsupportedMoto(f"imagebuilder-mock supports {SUPPORTED}; found moto {found}")


check_version(importlib.metadata.version("moto"))

try:
    from moto import backend_index
    from moto.core.base_backend import BackendDict, BaseBackend
    from moto.core.models import DEFAULT_ACCOUNT_ID

    # What moto's reset walks: checked here so a change fails at import, not at a reset.
    if not isinstance(BackendDict.__dict__.get("_instances"), list):
        raise AttributeError("BackendDict._instances")
    if not isinstance(getattr(backend_index, "backend_url_patterns", None), list):
        raise AttributeError("moto.backend_index.backend_url_patterns")
except (ImportError, AttributeError) as missing:
    raise UnsupportedMoto(
        f"imagebuilder-mock supports {SUPPORTED}; this moto lacks {missing}"
    ) from missing

SERVICE = "imagebuilder"
# The real endpoints, for moto's view of the backend's URLs.
URL_BASE = r"https?://imagebuilder\.(.+)\.amazonaws\.com"
# What moto's server matches to choose a backend: ``http://`` and the host it
# derives from a request signed for ``imagebuilder`` (see the module's docstring).
HOST_PATTERN = r"http://imagebuilder\.[^/]+\.amazonaws\.com$"
_REGION = "us-east-1"


class _Hooks:
    """What the front doors gave: how to answer a request, how to drop the state."""

    serve: Serve | None = None
    reset: Callable[[], None] | None = None
    lock = threading.Lock()
    registered = False


def _request_parts(request: Any, full_url: str) -> tuple[str, str, dict[str, str], bytes]:
    """Method, URL, headers and body of what moto hands a backend.

    Its own request type (a werkzeug request, in the server and since 5.1 in
    process too) carries the body as ``get_data()``; moto 5.0 in process hands
    botocore's prepared request, with ``body``.
    """
    if hasattr(request, "get_data"):
        body: Any = request.get_data()
    else:
        body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    headers = {str(key): str(value) for key, value in dict(request.headers).items()}
    return str(request.method), full_url, headers, bytes(body)


class ImageBuilderBackend(BaseBackend):
    """Image Builder's place among moto's backends.

    It holds no state of its own: requests go to the mock's service, and a
    reset drops that service's state.
    """

    def reset(self) -> None:
        if _Hooks.reset is not None:
            _Hooks.reset()

    def serve(self, request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], bytes]:
        if _Hooks.serve is None:
            return 404, {}, b'{"message": "imagebuilder-mock is not loaded"}'
        return _Hooks.serve(*_request_parts(request, full_url))

    @property
    def url_bases(self) -> list[str]:
        return [URL_BASE]

    @property
    def url_paths(self) -> dict[str, Callable[[Any, str, Any], Any]]:
        return {"/.*": self.serve}

    @property
    def flask_paths(self) -> dict[str, Callable[[Any, str, Any], Any]]:
        # Every path, in Flask's spelling (moto 5.0 does not translate ``/.*``).
        return {"/<path:route>": self.serve}

    @property
    def urls(self) -> dict[str, Callable[[Any, str, Any], Any]]:
        return {f"{URL_BASE}/.*": self.serve}


imagebuilder_backends: Any = BackendDict(
    ImageBuilderBackend, SERVICE, use_boto3_regions=False, additional_regions=[_REGION]
)


def _register() -> None:
    """Tell moto where Image Builder is: its routing table and its backends' module."""
    backend_index.backend_url_patterns.append((SERVICE, re.compile(HOST_PATTERN)))
    module = types.ModuleType(f"moto.{SERVICE}", "Image Builder, served by imagebuilder-mock.")
    module.imagebuilder_backends = imagebuilder_backends  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module


def join(serve: Serve, reset: Callable[[], None]) -> None:
    """Be one of moto's services; call again after every moto reset (it is cheap).

    Touching an account of the dict puts it back in ``BackendDict._instances``,
    where moto's next reset finds it; the one region backend made is the one
    whose ``reset`` moto calls.
    """
    with _Hooks.lock:
        _Hooks.serve, _Hooks.reset = serve, reset
        if not _Hooks.registered:
            _register()
            _Hooks.registered = True
    _listed = imagebuilder_backends[DEFAULT_ACCOUNT_ID][_REGION]
    del _listed


def caller_account(access_key: str | None, headers: Mapping[str, str]) -> str | None:
    """The account moto acts as for a request, by moto's rules; None for its default.

    ``MOTO_ACCOUNT_ID`` first, then the ``x-moto-account-id`` header, then the
    account moto's IAM (or STS) issued the access key in.
    """
    if os.environ.get("MOTO_ACCOUNT_ID"):
        return os.environ["MOTO_ACCOUNT_ID"]
    for name, value in headers.items():
        if name.lower() == "x-moto-account-id" and value:
            return str(value)
    if not access_key:
        return None
    from moto.iam.models import get_account_id_from

    account = str(get_account_id_from(access_key))
    return account if account != DEFAULT_ACCOUNT_ID else None


def run_server(argv: list[str]) -> None:
    """moto's ``moto_server`` command, with Image Builder among its services."""
    from moto import server

    server.main(argv)
