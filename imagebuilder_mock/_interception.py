"""The botocore front door: a ``before-send`` hook that answers in-process.

The hook sits in botocore's built-in handlers, so every session and client
made after this module is imported carries it; it does nothing unless a mock
is active. This module does not import botocore: when botocore is not loaded
yet, the hooks go in the moment ``botocore.handlers`` loads, before any session
can exist, and what answers a request (``_answers``) loads with the first one.
It is registered for ``before-send.imagebuilder``, which botocore calls before
the catch-all ``before-send`` handler of ``moto.mock_aws``: with both active,
this one answers Image Builder and moto keeps the rest.

The same hook serves ``moto.mock_aws`` on its own: while moto's stubber is
enabled and no ``mock_imagebuilder`` is, it answers from the one shared
service, with moto's rules for the account (``MOTO_ACCOUNT_ID``, the
``x-moto-account-id`` header, keys moto's IAM and STS issued). ``serve_wire``
answers the same way for moto's server, which routes Image Builder here (see
``_integrations.bridge``). Both join moto's resets on every request.

Signing is skipped for a request answered in process: SigV4 costs about a
third of botocore's work per call, and nothing in process checks a signature.
``choose-signer.imagebuilder`` chooses no signature while a mock serves, and
``before-sign.imagebuilder`` writes the credential scope the signature would
carry (``Credential=KEY/DATE/REGION/imagebuilder/aws4_request``) and
``X-Amz-Date``, so the caller's account and region read exactly as from a
signed request. A client that found no credentials when it was made (one made
at import time on a machine without any) is given the mock's fake key there.
Requests to the package's own HTTP server are signed in full: it checks the
header as AWS does. A ``before-parameter-build`` handler keeps the waiter
bookkeeping of ``_waiters.py`` exact.

aiobotocore clients copy the same built-in handlers and await what a handler
returns when it is awaitable: the answer (``Answer``) is therefore both a
botocore response and an awaitable of aiobotocore's form, and the sign hook
hands aiobotocore's asynchronous signer a coroutine.
"""

from __future__ import annotations

import inspect
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from . import _waiters
from ._after_import import after_import
from ._integrations import (
    join_moto,
    moto_account_for,
    moto_active,
    moto_caller_account,
    offer_to_moto,
    serving_moto,
)
from ._model import SERVICE_NAME

if TYPE_CHECKING:
    from botocore.awsrequest import AWSPreparedRequest, AWSRequest, AWSResponse
    from botocore.credentials import ReadOnlyCredentials

    from ._service import Service

__all__ = [
    "FAKE_ACCESS_KEY",
    "FAKE_SECRET_KEY",
    "activate",
    "deactivate",
    "patch_client",
    "serve_over_http",
    "serve_wire",
    "share_with_moto",
]

_EVENT = f"before-send.{SERVICE_NAME}"
_SIGN_EVENT = f"before-sign.{SERVICE_NAME}"
_CHOOSE_SIGNER_EVENT = f"choose-signer.{SERVICE_NAME}"
# The keys the mock puts in the environment while active (see _mock.py).
FAKE_ACCESS_KEY = "FOOBARKEY"
FAKE_SECRET_KEY = "FOOBARSECRET"
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/[^/]+/([^/]+)/")
_HOST_REGION = re.compile(r"^[a-z]+://[a-z-]+\.([a-z0-9-]+)\.amazonaws\.com")
# moto's default account and region, for a request that names neither.
_MOTO_ACCOUNT = "123456789012"
_MOTO_REGION = "us-east-1"


class _Active:
    """What the hooks route to; set only by ``activate`` and ``deactivate``."""

    service: Service | None = None
    default_account: str = "123456789012"
    default_region: str = "us-east-1"
    # What moto serves while it is active without a mock (and its server): the
    # same service, so the two share one state. Asked for only when moto serves,
    # because the mock builds it on first need.
    shared: Callable[[], Service] | None = None
    # Where the package's own HTTP server listens (``host:port``): a client
    # pointed there is sent over HTTP, not answered in process (see server.py).
    wire_hosts: frozenset[str] = frozenset()


def serve_over_http(netloc: str, *, serving: bool) -> None:
    """Send clients whose endpoint is ``netloc`` over HTTP (or, ``serving=False``, no more)."""
    hosts = _Active.wire_hosts
    _Active.wire_hosts = hosts | {netloc} if serving else hosts - {netloc}


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


def share_with_moto(service: Callable[[], Service], reset: Callable[[], None]) -> None:
    """Let moto serve Image Builder with ``service()``; moto's resets call ``reset``.

    Nothing of moto is imported here: moto takes the offer once it is loaded.
    """
    _Active.shared = service
    offer_to_moto(serve_wire, reset)


def _text(value: str | bytes | None) -> str:
    return value.decode() if isinstance(value, bytes) else value or ""


def _header(headers: Mapping[str, Any], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return _text(value)
    return ""


def _caller(url: str, headers: Mapping[str, Any], *, moto_rules: bool) -> tuple[str, str]:
    """The (account, region) a request speaks for.

    The region comes from the SigV4 credential scope (right even with a custom
    ``endpoint_url``), else from the host. Under a mock the account comes from
    the access key: a 12-digit key id acts as that account, which is how a test
    plays a second account; a key moto's IAM knows maps to its account; any
    other key is the mock's default account. Served for moto alone, moto's own
    order applies first (``MOTO_ACCOUNT_ID``, then ``x-moto-account-id``, then
    the key), so Image Builder and moto's services agree on the caller.
    """
    match = _CREDENTIAL.search(_header(headers, "authorization"))
    key, region = match.groups() if match else (None, None)
    is_account_id = key is not None and key.isdigit() and len(key) == 12
    if moto_rules:
        plain = {name: _text(value) for name, value in headers.items()}
        named = moto_caller_account(key, plain)
        account = named or (key if is_account_id else None) or _MOTO_ACCOUNT
        default_region = _MOTO_REGION
    else:
        account = _Active.default_account
        if key is not None:
            account = key if is_account_id else _moto_account(key) or account
        default_region = _Active.default_region
    if region is None:
        host = _HOST_REGION.match(url or "")
        region = host.group(1) if host else default_region
    return account or _MOTO_ACCOUNT, region


def _moto_account(access_key: str) -> str | None:
    # The mock's own key never names an account: skip asking moto on every request.
    if access_key == FAKE_ACCESS_KEY:
        return None
    return moto_account_for(access_key)


def _serving() -> tuple[Service | None, bool]:
    """The service that answers now, and whether moto's rules apply (moto alone)."""
    if _Active.service is not None:
        return _Active.service, False
    if _Active.shared is not None and moto_active():
        return _Active.shared(), True
    return None, False


def _answer(
    service: Service,
    operation: str,
    url: str,
    body: bytes | str | None,
    headers: Mapping[str, Any],
    moto_rules: bool,
) -> tuple[int, dict[str, str], bytes]:
    # After each moto reset, Image Builder has to join moto's next one again.
    join_moto()
    # A waiter can only sleep after a request: its pacing goes in with the first.
    _waiters.install()
    account, region = _caller(url, headers, moto_rules=moto_rules)
    polling = _waiters.is_waiter_poll(_header(headers, "user-agent") or None)
    # Loaded with the first request: the package's import stays light.
    from ._domain.progression import answering_waiter

    with answering_waiter(polling):
        answer = service.handle(operation, url, body, account, region)
    if polling:
        _waiters.answered_poll(service)
    return answer


def _before_send(request: AWSPreparedRequest, event_name: str, **kwargs: Any) -> AWSResponse | None:
    # Registered for Image Builder only, so botocore calls it before moto's
    # catch-all ``before-send``: what it answers never reaches moto.
    service, moto_rules = _serving()
    if service is None:
        return None
    if _Active.wire_hosts and urlsplit(request.url).netloc in _Active.wire_hosts:
        return None  # pointed at the package's own server: it answers over HTTP
    operation = event_name.rsplit(".", 1)[-1]
    # rest-json requests carry their JSON body as bytes (or nothing): never a stream.
    request_body = cast("bytes | str | None", request.body)
    sent = request.headers
    # Under a mock only these two headers matter (the caller, a waiter's poll);
    # moto's rules read others too (x-moto-account-id).
    read: Mapping[str, Any] = (
        dict(sent)
        if moto_rules
        else {"authorization": sent.get("Authorization"), "user-agent": sent.get("User-Agent")}
    )
    status, headers, body = _answer(service, operation, request.url, request_body, read, moto_rules)
    from ._answers import Answer

    return Answer(request.url, status, headers, body)


def serve_wire(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    moto: bool = True,
) -> tuple[int, dict[str, str], bytes]:
    """Answer an Image Builder request that arrived over HTTP.

    Every HTTP door calls this: moto's server (``moto=True``, the default),
    and the package's own server and ``requests`` under a mock (``moto=False``).
    Without botocore's event, the operation comes from the method and the path,
    as the service routes it, after the checks AWS's front end makes (``_wire``).
    For moto the account follows moto's rules and moto counts as active; for the
    package's own doors the mock's rules apply, as in process.
    """
    from . import _wire

    refused = _wire.refusal(url, headers, len(body or b""))
    if refused is not None:
        return refused
    service = _Active.service
    if moto and service is None and _Active.shared is not None:
        service = _Active.shared()
    operation = _wire.operation_for(method, url)
    if service is None or operation is None:
        return _wire.unknown_operation(method, url)
    if not moto:
        return _answer(service, operation, url, body or None, headers, moto_rules=False)
    with serving_moto():
        return _answer(service, operation, url, body or None, headers, moto_rules=True)


# Set in the request's context by ``_choose_signer``: this request goes unsigned
# because the mock answers it, not because its client was made unsigned.
_SKIPPED = "imagebuilder_mock.signing_skipped"
# The signature versions whose scope the mock writes instead: a standard SigV4
# request. Presigned URLs (``v4-query``) and a client made ``UNSIGNED`` keep theirs.
_SKIPPABLE = "v4"


def _choose_signer(signature_version: Any, context: dict[str, Any], **kwargs: Any) -> Any:
    """No signature for a request the mock answers in process (see the module's doc).

    The event does not carry the URL, so while the package's own HTTP server
    listens in this process every request is signed: one sent there must be.
    """
    if signature_version != _SKIPPABLE or _Active.wire_hosts or _serving()[0] is None:
        return None
    context[_SKIPPED] = True
    # botocore is calling: it is loaded.
    import botocore

    return botocore.UNSIGNED


def _before_sign(
    request: AWSRequest,
    request_signer: Any,
    signing_name: str,
    region_name: str,
    signature_version: Any,
    **kwargs: Any,
) -> Awaitable[None] | None:
    """Write the credential scope of a skipped signature, or lend fake credentials.

    A client resolves its credentials once, when it is made: one made before
    the mock put fake keys in the environment, on a machine without any, has
    none. Its request names the fake key instead (and, when it is signed in
    full, is signed with it rather than refused with NoCredentialsError), so it
    is served as the mock's default account in its own region.

    aiobotocore's signer is asynchronous: its ``get_auth_instance`` is a
    coroutine, and it awaits what this handler returns, so the same work is
    handed back to it as a coroutine.
    """
    signing = request.context.get("signing", {})
    skipped = request.context.pop(_SKIPPED, False)
    if not skipped:
        if _serving()[0] is None or signing.get("request_credentials"):
            return None
        import botocore

        if signature_version is botocore.UNSIGNED:
            return None
    # As botocore signs: the request's own credentials first, the signing
    # context's region and name over the client's.
    region = signing.get("region") or region_name
    name = signing.get("signing_name") or signing_name
    own = signing.get("request_credentials")
    try:
        found = (
            own.get_frozen_credentials()
            if own is not None
            else request_signer.get_auth_instance(
                signing_name=name, region_name=region, signature_version=_SKIPPABLE
            )
        )
    except Exception:
        return None  # botocore reports its own problem when it signs
    if inspect.isawaitable(found):
        return _before_sign_async(request, found, own is not None, skipped, region, name)
    credentials = found if own is not None else getattr(found, "credentials", None)
    if skipped:
        _write_scope(request, credentials, region, name)
    elif credentials is None:
        from botocore.credentials import Credentials

        _lend(request, Credentials(FAKE_ACCESS_KEY, FAKE_SECRET_KEY))
    return None


async def _before_sign_async(
    request: AWSRequest,
    pending: Awaitable[Any],
    frozen: bool,
    skipped: bool,
    region: str,
    name: str,
) -> None:
    try:
        found = await pending
    except Exception:
        return  # aiobotocore reports its own problem when it signs
    credentials = found if frozen else getattr(found, "credentials", None)
    if skipped:
        _write_scope(request, credentials, region, name)
    elif credentials is None:
        # aiobotocore's signer awaits the credentials it is lent.
        _lend(request, _AsyncFakeCredentials())


def _lend(request: AWSRequest, credentials: object) -> None:
    request.context.setdefault("signing", {})["request_credentials"] = credentials


class _AsyncFakeCredentials:
    """The fake credentials as aiobotocore's signer reads them (it awaits them)."""

    async def get_frozen_credentials(self) -> ReadOnlyCredentials:
        from botocore.credentials import ReadOnlyCredentials

        return ReadOnlyCredentials(FAKE_ACCESS_KEY, FAKE_SECRET_KEY, None)


def _write_scope(request: AWSRequest, credentials: Any, region: str, name: str) -> None:
    """The headers of a SigV4 request, less the signature: what ``_caller`` reads.

    ``credentials`` are frozen ones (or None: the mock's fake key). A session
    token travels as it would, for code that looks at the request.
    """
    key = getattr(credentials, "access_key", None) or FAKE_ACCESS_KEY
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    headers = request.headers
    headers["X-Amz-Date"] = stamp
    token = getattr(credentials, "token", None)
    if token:
        headers["X-Amz-Security-Token"] = token
    headers["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={key}/{stamp[:8]}/{region}/{name}/aws4_request"
    )


_HANDLERS = (
    (_EVENT, _before_send),
    (_CHOOSE_SIGNER_EVENT, _choose_signer),
    (_SIGN_EVENT, _before_sign),
)
# Emitted (to every handler) for every request of every service, before anything
# can answer it: a waiter of another service never inherits this mock's record.
_FORGET_EVENT = "before-parameter-build"


def _register(handlers: ModuleType) -> None:
    """Put the hooks among botocore's built-in handlers, which every new session copies."""
    builtin: list[Any] = handlers.BUILTIN_HANDLERS
    builtin.extend(_HANDLERS)
    builtin.append((_FORGET_EVENT, _waiters.forget_poll))


# At once when botocore is loaded; otherwise as soon as its handlers are, before
# any session can exist: importing the package never imports botocore.
after_import("botocore.handlers", _register)


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
