"""Image Builder over HTTP: a threaded WSGI server for clients outside the process.

``ImageBuilderServer`` serves the rest-json API on a loopback port for any
client that takes an endpoint URL (the AWS CLI, other SDKs, Terraform)::

    with ImageBuilderServer(port=0) as server:
        client = boto3.client("imagebuilder", endpoint_url=server.url, ...)

While it runs, its mock is active in the process (it enters a
``mock_imagebuilder`` scope), so it serves the same process-wide state as every
other ``mock_imagebuilder``, and in-process clients see what HTTP clients made.
Each request goes through ``_interception.serve_wire``, the path moto's server
uses: the same checks, routing, account and Region rules.

Two paths of its own, which no Image Builder operation uses:

- ``GET /_health``: 200 ``{"status": "ok"}`` while serving;
- ``POST /_reset``: forgets every resource, call and pending fault, as the
  controller's ``reset`` does (settings stay), and answers 200.
"""

from __future__ import annotations

import argparse
import contextlib
import http
import json
import signal
import socket
import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from . import _interception, _wire
from ._controller import MockController
from ._domain.progression import MODES
from ._mock import ImageBuilderMock

__all__ = ["HEALTH_PATH", "RESET_PATH", "ImageBuilderServer", "main"]

HEALTH_PATH = "/_health"
RESET_PATH = "/_reset"
# How often the serving loop looks for a shutdown request: stop() waits at most this.
_POLL_SECONDS = 0.02

# Hosts under which a server bound there is reached on loopback too.
_LOOPBACK_OR_ANY = frozenset({"127.0.0.1", "localhost", "0.0.0.0", "::", "::1"})

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class _Handler(WSGIRequestHandler):
    """werkzeug's handler, quiet, and known to its server so that stop() can close it."""

    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def log(self, type: str, message: str, *args: Any) -> None:
        # A test suite's output is no place for an access log; every failure
        # is answered to the client that caused it.
        pass


class _Server(ThreadedWSGIServer):
    """werkzeug's threaded server, which knows its open connections."""

    def __init__(self, host: str, port: int, app: Any) -> None:
        super().__init__(host, port, app, handler=_Handler)
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def track(self, connection: socket.socket) -> None:
        with self.connections_lock:
            self.connections.add(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self.connections_lock:
            self.connections.discard(connection)

    def close_connections(self) -> None:
        # Keep-alive connections would otherwise hold their threads (and be
        # answered after the mock has stopped): close them under the clients.
        with self.connections_lock:
            open_connections = list(self.connections)
        for connection in open_connections:
            # OSError: the client closed it already.
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


def _status_line(status: int) -> str:
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def _headers(environ: dict[str, Any]) -> dict[str, str]:
    headers = {
        key[5:].replace("_", "-").title(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key, name in (("CONTENT_TYPE", "Content-Type"), ("CONTENT_LENGTH", "Content-Length")):
        if environ.get(key):
            headers[name] = str(environ[key])
    return headers


def _content_length(environ: dict[str, Any]) -> int | None:
    """The declared body size; None when there is none (no header, or chunks)."""
    length = str(environ.get("CONTENT_LENGTH") or "")
    if not length:
        return None
    if not length.isdigit():
        raise ValueError(f"The Content-Length header '{length}' is not a number of bytes.")
    return int(length)


def _read_body(environ: dict[str, Any]) -> tuple[bytes, int]:
    """The body, and its size; a body over the limit is not read past it."""
    stream = environ["wsgi.input"]
    size = _content_length(environ)
    if size is not None:
        return (b"" if size > _wire.MAX_BODY_BYTES else stream.read(size)), size
    if not environ.get("wsgi.input_terminated"):
        return b"", 0  # neither a length nor chunks: no body (a GET)
    # Chunked: werkzeug ends the stream at the last chunk; read one byte past the limit.
    body: bytes = stream.read(_wire.MAX_BODY_BYTES + 1)
    return body, len(body)


class ImageBuilderServer:
    """A threaded HTTP server for Image Builder on ``host``:``port`` (0: a free port).

    ``start()`` activates ``mock`` (a fresh ``ImageBuilderMock`` with default
    options unless given) and serves until ``stop()``, which closes every
    connection and deactivates the mock. Also a context manager.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        mock: ImageBuilderMock | None = None,
    ) -> None:
        self.host = host
        self._requested_port = port
        self.mock = mock if mock is not None else ImageBuilderMock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the server is not running")
        return int(self._server.server_port)

    @property
    def url(self) -> str:
        """``http://host:port``: the endpoint URL for clients."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def controller(self) -> MockController:
        """The controller of the server's mock: seed, inspect, fail, advance builds."""
        return self.mock.controller

    def _netlocs(self) -> set[str]:
        """The ``host:port`` spellings a client in this process may point at the server with."""
        hosts = {self.host if ":" not in self.host else f"[{self.host}]"}
        if self.host in _LOOPBACK_OR_ANY:
            hosts |= {"127.0.0.1", "localhost", "[::1]"}
        return {f"{host}:{self.port}" for host in hosts}

    def start(self) -> ImageBuilderServer:
        if self._server is not None:
            raise RuntimeError("the server is already running")
        self.mock.start()
        try:
            server = _Server(self.host, self._requested_port, self._app)
        except BaseException:
            self.mock.stop()
            raise
        self._server = server
        for netloc in self._netlocs():
            _interception.serve_over_http(netloc, serving=True)
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": _POLL_SECONDS},
            name=f"imagebuilder-mock-server:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        for netloc in self._netlocs():
            _interception.serve_over_http(netloc, serving=False)
        server.shutdown()
        server.server_close()
        server.close_connections()
        if thread is not None:
            thread.join()
        self._server = self._thread = None
        self.mock.stop()

    def __enter__(self) -> ImageBuilderServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self.running else "stopped"
        return f"<ImageBuilderServer {where}>"

    # -- WSGI ---------------------------------------------------------------------------

    def _app(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            status, headers, body = self._respond(environ)
        except Exception as error:
            # A defect answers as the service's do: a 500 naming the Python error,
            # never werkzeug's HTML page and a traceback.
            status, headers, body = _wire.failure(f"{type(error).__name__}: {error}")
        response_headers = [(name, value) for name, value in headers.items()]
        response_headers.append(("Content-Length", str(len(body))))
        start_response(_status_line(status), response_headers)
        return [body]

    def _respond(self, environ: dict[str, Any]) -> _wire.WireAnswer:
        method = str(environ["REQUEST_METHOD"])
        # The raw target keeps a label's escapes (``/tags/arn%3Aaws%3A...``) as sent.
        target = str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or "/")
        path = target.split("?", 1)[0]
        if path in (HEALTH_PATH, RESET_PATH):
            return self._own_path(method, path)
        request_headers = _headers(environ)
        host = request_headers.get("Host") or f"{self.host}:{self.port}"
        url = f"http://{host}{target}"
        try:
            data, size = _read_body(environ)
        except ValueError as error:
            status, headers, body = _wire.bad_request(str(error))
            return status, {**headers, "Connection": "close"}, body
        if size > _wire.MAX_BODY_BYTES:
            status, headers, body = _wire.refusal(url, request_headers, size) or _wire.failure(
                "the size limit refused nothing"
            )
            # The rest of the body was not read: the connection cannot be reused.
            return status, {**headers, "Connection": "close"}, body
        return _interception.serve_wire(method, url, request_headers, data, moto=False)

    def _own_path(self, method: str, path: str) -> tuple[int, dict[str, str], bytes]:
        expected = "GET" if path == HEALTH_PATH else "POST"
        headers = {"Content-Type": "application/json"}
        if method.upper() != expected:
            message = f"{path} answers {expected} only, not {method.upper()}."
            return 405, {**headers, "Allow": expected}, json.dumps({"message": message}).encode()
        if path == RESET_PATH:
            self.controller.reset()
            return 200, headers, json.dumps({"status": "reset"}).encode()
        return 200, headers, json.dumps({"status": "ok"}).encode()


# -- the command ---------------------------------------------------------------------------


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="imagebuilder-mock-server",
        description="Serve the EC2 Image Builder API (rest-json) from imagebuilder-mock.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--port", type=int, default=5000, help="port to listen on; 0 picks a free one"
    )
    parser.add_argument(
        "--region", default="us-east-1", help="Region of a request whose signature names none"
    )
    parser.add_argument(
        "--account-id",
        default=None,
        help="account of callers whose access key names none (default: MOTO_ACCOUNT_ID "
        "or 123456789012)",
    )
    parser.add_argument(
        "--progression",
        choices=MODES,
        default="observe",
        help="how builds progress (as mock_imagebuilder(progression=...))",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM), then shut down cleanly."""
    options = _arguments(argv)
    mock = ImageBuilderMock(
        account_id=options.account_id, region=options.region, progression=options.progression
    )
    stopping = threading.Event()

    def request_stop(signum: int, frame: Any) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    with ImageBuilderServer(options.host, options.port, mock=mock) as server:
        # One machine-readable line: a script that asked for port 0 reads the port here.
        print(f"imagebuilder-mock-server listening on {server.url}", flush=True)
        stopping.wait()
