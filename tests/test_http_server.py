"""The package's own HTTP server: clients outside botocore's in-process hook, over loopback."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from builders import component
from signing import signed_headers

from imagebuilder_mock import mock_imagebuilder
from imagebuilder_mock.server import ImageBuilderServer

LIMIT = 10 * 1024 * 1024


@pytest.fixture
def server() -> Iterator[ImageBuilderServer]:
    with ImageBuilderServer(port=0) as running:
        yield running


def _client(url: str, region: str = "eu-west-1", key: str = "AKIDEXAMPLE") -> Any:
    return boto3.client(
        "imagebuilder",
        region_name=region,
        endpoint_url=url,
        aws_access_key_id=key,
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1}),
    )


def _send(
    method: str,
    url: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    *,
    sign: bool = True,
) -> tuple[int, dict[str, str], dict[str, Any]]:
    """One raw request; the status, headers and JSON body of the answer."""
    all_headers = dict(signed_headers(method, url, body)) if sign else {}
    all_headers.update(headers or {})
    request = urllib.request.Request(url, data=body or None, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, dict(answer.headers), json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


# -- lifecycle -------------------------------------------------------------------------


def test_the_server_starts_and_stops_well_under_a_second() -> None:
    began = time.perf_counter()
    server = ImageBuilderServer(host="127.0.0.1", port=0)
    server.start()
    assert server.url == f"http://127.0.0.1:{server.port}"
    assert server.running
    url = server.url
    assert _send("GET", f"{url}/_health", sign=False)[0] == 200
    server.stop()
    assert time.perf_counter() - began < 1.0
    assert not server.running
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{url}/_health", timeout=2)


def test_stop_is_harmless_twice_and_start_refuses_twice(server: ImageBuilderServer) -> None:
    with pytest.raises(RuntimeError, match="already running"):
        server.start()
    server.stop()
    server.stop()
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.url


def test_the_health_path_answers_while_serving(server: ImageBuilderServer) -> None:
    status, _, body = _send("GET", f"{server.url}/_health", sign=False)
    assert (status, body) == (200, {"status": "ok"})
    status, headers, body = _send("POST", f"{server.url}/_health", sign=False)
    assert (status, headers["Allow"]) == (405, "GET")
    assert body == {"message": "/_health answers GET only, not POST."}


# -- serving ---------------------------------------------------------------------------


def test_a_boto3_client_pointed_at_the_server_is_served_over_http(
    server: ImageBuilderServer,
) -> None:
    client = _client(server.url)
    arn = component(client, "over-http")
    client.tag_resource(resourceArn=arn, tags={"team": "web"})
    assert client.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "web"}
    got = client.get_component(componentBuildVersionArn=arn)["component"]
    assert got["name"] == "over-http"
    answer = client.list_components()["ResponseMetadata"]["HTTPHeaders"]
    assert answer["server"].startswith("Werkzeug")
    assert [c.operation for c in server.controller.calls] == [
        "CreateComponent",
        "TagResource",
        "ListTagsForResource",
        "GetComponent",
        "ListComponents",
    ]


def test_region_and_account_come_from_the_signature(server: ImageBuilderServer) -> None:
    arn = component(_client(server.url, region="ap-south-1", key="444455556666"), "scoped")
    assert arn.split(":")[3:5] == ["ap-south-1", "444455556666"]
    # Any other key is the server's default account.
    assert component(_client(server.url), "default").split(":")[3:5] == [
        "eu-west-1",
        "123456789012",
    ]


def test_modeled_errors_travel_as_the_service_answers_them(server: ImageBuilderServer) -> None:
    client = _client(server.url)
    missing = "arn:aws:imagebuilder:eu-west-1:123456789012:component/none/1.0.0/1"
    with pytest.raises(ClientError) as err:
        client.get_component(componentBuildVersionArn=missing)
    assert err.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert err.value.response["Error"]["Message"] == f"The resource ARN '{missing}' does not exist."
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_the_server_shares_the_state_of_an_active_mock() -> None:
    with mock_imagebuilder() as ib, ImageBuilderServer(port=0) as server:
        arn = component(_client(server.url, region="us-east-1"), "shared")
        in_process = boto3.client("imagebuilder", region_name="us-east-1")
        assert [c["arn"] for c in in_process.list_components()["componentVersionList"]] == [
            arn.rsplit("/", 1)[0]
        ]
        assert ib.calls[0].operation == "CreateComponent"
        assert server.controller.service is ib.service


def test_the_reset_path_forgets_resources_and_keeps_settings(server: ImageBuilderServer) -> None:
    client = _client(server.url)
    server.controller.set_progression("manual")
    component(client, "before-reset")
    status, _, body = _send("POST", f"{server.url}/_reset", sign=False)
    assert (status, body) == (200, {"status": "reset"})
    assert client.list_components()["componentVersionList"] == []
    assert server.controller.progression == "manual"
    status, headers, body = _send("GET", f"{server.url}/_reset", sign=False)
    assert (status, headers["Allow"], body) == (
        405,
        "POST",
        {"message": "/_reset answers POST only, not GET."},
    )


def test_a_stopped_server_leaves_no_mock_active() -> None:
    with ImageBuilderServer(port=0) as server:
        assert server.mock.active
    assert not server.mock.active
    with pytest.raises(RuntimeError, match="not active"):
        server.mock.stop()


# -- bad HTTP input --------------------------------------------------------------------


def _works(server: ImageBuilderServer) -> None:
    """The server still serves: a good request after a bad one succeeds."""
    status, _, body = _send("POST", f"{server.url}/ListComponents", b"{}")
    assert (status, body["componentVersionList"]) == (200, [])


@pytest.mark.parametrize(
    ("method", "path", "message"),
    [
        ("GET", "/CreateComponent", "No Image Builder operation answers GET /CreateComponent."),
        ("POST", "/NoSuchOperation", "No Image Builder operation answers POST /NoSuchOperation."),
        ("DELETE", "/", "No Image Builder operation answers DELETE /."),
    ],
)
def test_a_method_and_path_that_name_no_operation_are_unknown(
    server: ImageBuilderServer, method: str, path: str, message: str
) -> None:
    status, headers, body = _send(method, f"{server.url}{path}")
    assert (status, headers["x-amzn-ErrorType"], body) == (
        404,
        "UnknownOperationException",
        {"message": message},
    )
    _works(server)


def test_a_body_that_is_not_json_is_refused_with_the_operations_code(
    server: ImageBuilderServer,
) -> None:
    status, headers, body = _send("PUT", f"{server.url}/CreateComponent", b'{"name": ')
    assert (status, headers["x-amzn-ErrorType"]) == (400, "InvalidRequestException")
    assert body["message"].startswith("The request body cannot be read: The text is not valid JSON")
    _works(server)


def test_a_body_over_the_limit_is_refused_with_413(server: ImageBuilderServer) -> None:
    big = b'{"name": "' + b"x" * LIMIT + b'"}'
    status, headers, body = _send("PUT", f"{server.url}/CreateComponent", big)
    assert (status, headers["x-amzn-ErrorType"]) == (413, "RequestEntityTooLargeException")
    assert body == {"message": f"Request size {len(big)} bytes exceeds the limit of {LIMIT} bytes."}
    assert server.controller.calls == []
    _works(server)


def test_an_unsigned_request_is_missing_its_authentication_token(
    server: ImageBuilderServer,
) -> None:
    status, headers, body = _send("POST", f"{server.url}/ListComponents", b"{}", sign=False)
    assert (status, headers["x-amzn-ErrorType"], body) == (
        403,
        "MissingAuthenticationTokenException",
        {"message": "Missing Authentication Token"},
    )
    _works(server)


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        (
            "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=abc",
            "Authorization header requires 'Credential' parameter.",
        ),
        (
            "AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/imagebuilder/aws4_request, "
            "SignedHeaders=host",
            "Authorization header requires 'Signature' parameter.",
        ),
        (
            "AWS4-HMAC-SHA256 Credential=AKID/eu-west-1/imagebuilder/aws4_request, "
            "SignedHeaders=host, Signature=abc",
            "Authorization header requires 'Credential' parameter in the form "
            "KEY/YYYYMMDD/REGION/SERVICE/aws4_request, not "
            "'AKID/eu-west-1/imagebuilder/aws4_request'.",
        ),
        (
            "Basic dXNlcjpwYXNz",
            "Authorization header requires the 'AWS4-HMAC-SHA256' algorithm, not 'Basic'.",
        ),
    ],
)
def test_an_incomplete_signature_is_refused(
    server: ImageBuilderServer, authorization: str, message: str
) -> None:
    status, headers, body = _send(
        "POST",
        f"{server.url}/ListComponents",
        b"{}",
        {"Authorization": authorization},
        sign=False,
    )
    assert (status, headers["x-amzn-ErrorType"], body) == (
        403,
        "IncompleteSignatureException",
        {"message": message},
    )
    assert server.controller.calls == []
    _works(server)


def _raw(server: ImageBuilderServer, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def test_a_content_length_that_is_no_number_is_a_bad_request(server: ImageBuilderServer) -> None:
    answer = _raw(
        server, b"POST /ListComponents HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n{}"
    )
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert b"x-amzn-ErrorType: BadRequestException" in head
    assert json.loads(body) == {
        "message": "The Content-Length header 'ten' is not a number of bytes."
    }
    _works(server)


def test_a_request_line_that_is_no_http_is_refused_and_serving_goes_on(
    server: ImageBuilderServer,
) -> None:
    # No HTTP version: answered as HTTP/0.9 does, a bare error page.
    assert b"Error code: 400" in _raw(server, b"GARBAGE\r\n\r\n")
    answer = _raw(server, b"GET /a b HTTP/1.1\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400 ") or answer.startswith(b"HTTP/1.0 400 ")
    _works(server)


def test_a_chunked_body_is_read_to_its_last_chunk(server: ImageBuilderServer) -> None:
    url = f"{server.url}/ListComponents"
    headers = signed_headers("POST", url, b"{}")
    lines = "".join(f"{k}: {v}\r\n" for k, v in headers.items() if k != "Content-Length")
    answer = _raw(
        server,
        f"POST /ListComponents HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n{lines}\r\n"
        "2\r\n{}\r\n0\r\n\r\n".encode(),
    )
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ")
    assert json.loads(body)["componentVersionList"] == []


# -- load ------------------------------------------------------------------------------


def test_eight_threads_of_mixed_calls_lose_nothing(server: ImageBuilderServer) -> None:
    threads, calls = 8, 60
    errors: list[BaseException] = []
    made: dict[int, list[str]] = {}

    def work(worker: int) -> None:
        try:
            client = _client(server.url)
            arns = made.setdefault(worker, [])
            for i in range(calls // 4):
                arn = component(client, f"load-{worker}-{i}")
                arns.append(arn)
                assert client.get_component(componentBuildVersionArn=arn)["component"]["arn"] == arn
                client.tag_resource(resourceArn=arn, tags={"worker": str(worker)})
                client.list_components(filters=[{"name": "name", "values": [f"load-{worker}-{i}"]}])
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    assert errors == []
    answered = server.controller.calls
    assert len(answered) == threads * calls
    assert all(call.status == 200 for call in answered)
    pages = _client(server.url).get_paginator("list_components").paginate()
    listed = {c["arn"] for page in pages for c in page["componentVersionList"]}
    assert listed == {arn.rsplit("/", 1)[0] for arns in made.values() for arn in arns}
    assert len(listed) == threads * calls // 4


# -- the command -----------------------------------------------------------------------


def test_the_command_serves_on_a_free_port_and_stops_on_sigterm() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "imagebuilder_mock", "--port", "0", "--region", "eu-west-2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        prefix = "imagebuilder-mock-server listening on "
        assert line.startswith(prefix), line
        url = line[len(prefix) :]
        arn = component(_client(url, region="eu-west-2"), "from-the-command")
        assert arn.startswith("arn:aws:imagebuilder:eu-west-2:123456789012:component/")
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0, stderr
