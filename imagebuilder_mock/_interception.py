"""The botocore front door: a ``before-send`` hook that answers in-process.

The hook sits in botocore's built-in handlers, so every session and client
made after this module is imported carries it; it does nothing unless a mock
is active. It is registered for ``before-send.imagebuilder``, which botocore
calls before the catch-all ``before-send`` handler of ``moto.mock_aws``: with
both active, this one answers Image Builder and moto keeps the rest.

Two more handlers ride along: ``before-sign.imagebuilder`` gives a client that
found no credentials when it was made (one made at import time on a machine
without any) the mock's fake ones, so its request is signed and served; and a
``before-parameter-build`` handler keeps the waiter bookkeeping of ``_waiters.py`` exact.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

import botocore
from botocore.awsrequest import AWSPreparedRequest, AWSRequest, AWSResponse
from botocore.credentials import Credentials
from botocore.handlers import BUILTIN_HANDLERS

from . import _waiters
from ._domain.progression import answering_waiter
from ._integrations import moto_account_for
from ._model import SERVICE_NAME

if TYPE_CHECKING:
    from ._service import Service

__all__ = ["FAKE_ACCESS_KEY", "FAKE_SECRET_KEY", "activate", "deactivate", "patch_client"]

_EVENT = f"before-send.{SERVICE_NAME}"
_SIGN_EVENT = f"before-sign.{SERVICE_NAME}"
# The keys the mock puts in the environment while active (see _mock.py).
FAKE_ACCESS_KEY = "FOOBARKEY"
FAKE_SECRET_KEY = "FOOBARSECRET"
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/[^/]+/([^/]+)/")
_HOST_REGION = re.compile(r"^[a-z]+://[a-z-]+\.([a-z0-9-]+)\.amazonaws\.com")


class _Active:
    """What the hooks route to; set only by ``activate`` and ``deactivate``."""

    service: Service | None = None
    default_account: str = "123456789012"
    default_region: str = "us-east-1"


def activate(service: Service, *, account_id: str, region: str) -> None:
    """Answer Image Builder requests with ``service`` from now on.

    ``account_id`` and ``region`` are the caller's when the request does not
    say (an access key that names no account, a URL without a Region).
    """
    _Active.service = service
    _Active.default_account = account_id
    _Active.default_region = region


def deactivate() -> None:
    """Let Image Builder requests through to botocore again."""
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
    # The mock's own key never names an account: skip asking moto on every request.
    if access_key == FAKE_ACCESS_KEY:
        return None
    return moto_account_for(access_key)


def _before_send(request: AWSPreparedRequest, event_name: str, **kwargs: Any) -> AWSResponse | None:
    service = _Active.service
    if service is None:
        return None
    operation = event_name.rsplit(".", 1)[-1]
    account, region = _caller(request)
    # rest-json requests carry their JSON body as bytes (or nothing): never a stream.
    request_body = cast("bytes | str | None", request.body)
    polling = _waiters.is_waiter_poll(request.headers.get("User-Agent"))
    with answering_waiter(polling):
        status, headers, body = service.handle(
            operation, request.url, request_body, account, region
        )
    if polling:
        _waiters.answered_poll(service)
    # botocore-stubs types this argument as HTTPHeaders; botocore itself takes any
    # mapping and wraps it in a HeadersDict.
    return AWSResponse(request.url, status, headers, _RawBody(body))  # type: ignore[arg-type]


def _before_sign(
    request: AWSRequest,
    request_signer: Any,
    signing_name: str,
    region_name: str,
    signature_version: Any,
    **kwargs: Any,
) -> None:
    """Sign with the mock's fake credentials when the client has none.

    A client resolves its credentials once, when it is made: one made before
    the mock put fake keys in the environment, on a machine without any, has
    none, and botocore would refuse to sign (NoCredentialsError) before the
    request reaches ``before-send``. Its request is signed with the fake key
    instead, so it is served as the mock's default account in its own region.
    """
    if _Active.service is None or signature_version is botocore.UNSIGNED:
        return
    if request.context.get("signing", {}).get("request_credentials"):
        return
    try:
        auth = request_signer.get_auth_instance(
            signing_name=signing_name,
            region_name=region_name,
            signature_version=signature_version,
        )
    except Exception:
        return  # botocore reports its own problem when it signs
    if hasattr(auth, "credentials") and auth.credentials is None:
        signing = request.context.setdefault("signing", {})
        signing["request_credentials"] = Credentials(FAKE_ACCESS_KEY, FAKE_SECRET_KEY)


_HANDLERS = ((_EVENT, _before_send), (_SIGN_EVENT, _before_sign))
BUILTIN_HANDLERS.extend(_HANDLERS)
# Emitted (to every handler) for every request of every service, before anything
# can answer it: a waiter of another service never inherits this mock's record.
_FORGET_EVENT = "before-parameter-build"
BUILTIN_HANDLERS.append((_FORGET_EVENT, _waiters.forget_poll))
_waiters.install()


def patch_client(client: Any) -> None:
    """Serve a client made before ``imagebuilder_mock`` was imported.

    Clients copy botocore's built-in handlers when they are made; one made
    earlier lacks the hook. Patching twice is harmless.
    """
    events = client.meta.events
    if _before_send not in events._emitter._handlers.prefix_search(f"{_EVENT}.GetImage"):
        for event, handler in _HANDLERS:
            events.register(event, handler)
        events.register(_FORGET_EVENT, _waiters.forget_poll)
