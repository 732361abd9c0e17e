"""The botocore front door: a ``before-send`` hook that answers in-process.

The hook sits in botocore's built-in handlers, so every session and client
made after this module is imported carries it; it does nothing unless a mock
is active. It is registered for ``before-send.imagebuilder``, which botocore
calls before the catch-all ``before-send`` handler of ``moto.mock_aws``: with
both active, this one answers Image Builder and moto keeps the rest.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.handlers import BUILTIN_HANDLERS

from ._integrations import moto_active
from ._protocol.model import SERVICE_NAME

if TYPE_CHECKING:
    from ._service import Service

__all__ = ["activate", "deactivate", "patch_client"]

_EVENT = f"before-send.{SERVICE_NAME}"
# The key the mock puts in the environment while active (see _mock.py).
_FAKE_ACCESS_KEY = "FOOBARKEY"
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/[^/]+/([^/]+)/")
_HOST_REGION = re.compile(r"^[a-z]+://[a-z-]+\.([a-z0-9-]+)\.amazonaws\.com")


class _Active:
    service: Service | None = None
    default_account: str = "123456789012"
    default_region: str = "us-east-1"


def activate(service: Service, account_id: str) -> None:
    _Active.service = service
    _Active.default_account = account_id


def deactivate() -> None:
    _Active.service = None


class _RawBody:
    """What ``AWSResponse`` reads a body from."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **kwargs: Any) -> Any:
        yield self._body


def _caller(request: AWSPreparedRequest) -> tuple[str, str]:
    """The (account, region) a request speaks for.

    The region comes from the SigV4 credential scope (right even with a custom
    ``endpoint_url``), else from the host. The account comes from the access
    key: a 12-digit key id acts as that account, which is how a test plays a
    second account; a key moto's IAM knows maps to its account; any other key
    is the mock's default account.
    """
    account = _Active.default_account
    auth = request.headers.get("Authorization")
    if auth:
        text = auth.decode() if isinstance(auth, bytes) else auth
        match = _CREDENTIAL.search(text)
        if match:
            key, region = match.groups()
            is_account_id = key.isdigit() and len(key) == 12
            account = key if is_account_id else _moto_account(key) or account
            return account, region
    host = _HOST_REGION.match(request.url or "")
    return account, host.group(1) if host else _Active.default_region


def _moto_account(access_key: str) -> str | None:
    # Cheap checks first: this runs on every request.
    if access_key == _FAKE_ACCESS_KEY or not moto_active():
        return None
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.iam.models import get_account_id_from

    account = get_account_id_from(access_key)
    return account if account != DEFAULT_ACCOUNT_ID else None


def _before_send(request: AWSPreparedRequest, event_name: str, **kwargs: Any) -> AWSResponse | None:
    service = _Active.service
    if service is None:
        return None
    operation = event_name.rsplit(".", 1)[-1]
    account, region = _caller(request)
    # rest-json requests carry their JSON body as bytes (or nothing): never a stream.
    request_body = cast("bytes | str | None", request.body)
    status, headers, body = service.handle(operation, request.url, request_body, account, region)
    # botocore-stubs types this argument as HTTPHeaders; botocore itself takes any
    # mapping and wraps it in a HeadersDict.
    return AWSResponse(request.url, status, headers, _RawBody(body))  # type: ignore[arg-type]


BUILTIN_HANDLERS.append((_EVENT, _before_send))


def patch_client(client: Any) -> None:
    """Serve a client made before ``imagebuilder_mock`` was imported.

    Clients copy botocore's built-in handlers when they are made; one made
    earlier lacks the hook. Patching twice is harmless.
    """
    events = client.meta.events
    if _before_send not in events._emitter._handlers.prefix_search(f"{_EVENT}.GetImage"):
        events.register(_EVENT, _before_send)
