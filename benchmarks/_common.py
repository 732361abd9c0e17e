"""What the benchmark scripts share: timing, canned answers and the documents they create.

Import it before ``imagebuilder_mock`` and ``moto``: ``BARE`` must predate their hooks.

Nothing here reaches into ``imagebuilder_mock``: the benchmarks use its public
API and botocore only, as a user's suite would.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3.session
from botocore.awsrequest import AWSResponse, HeadersDict

__all__ = [
    "BARE",
    "COMPONENT_DOCUMENT_30",
    "Canned",
    "Series",
    "capture",
    "replay",
    "samples",
]

# A component document of 30 lines, as a small real component is: the size the
# memory target and the create_component figure are stated for.
COMPONENT_DOCUMENT_30 = """\
name: BenchComponent
description: Installs and checks a web server, as a small real component does.
schemaVersion: 1.0
phases:
  - name: build
    steps:
      - name: InstallNginx
        action: ExecuteBash
        inputs:
          commands:
            - sudo dnf install -y nginx
      - name: WriteConfig
        action: CreateFile
        inputs:
          - path: /etc/nginx/conf.d/bench.conf
            content: "server { listen 8080; }"
  - name: validate
    steps:
      - name: CheckNginx
        action: ExecuteBash
        inputs:
          commands:
            - nginx -t
  - name: test
    steps:
      - name: CheckPort
        action: ExecuteBash
        inputs:
          commands:
            - curl -fsS http://localhost:8080/ || true
"""


# Made when this module is first imported, which the scripts do before importing
# imagebuilder_mock or moto: its clients carry none of their hooks.
BARE = boto3.session.Session()


def samples(call: Callable[[], Any], n: int) -> list[float]:
    """Seconds taken by each of ``n`` calls."""
    taken = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        taken.append(time.perf_counter() - start)
    return taken


@dataclass
class Series:
    """One figure: a median per round and the fastest single sample, in seconds."""

    rounds: list[float] = field(default_factory=list)
    fastest: float = float("inf")

    def add(self, taken: list[float]) -> None:
        self.rounds.append(statistics.median(taken))
        self.fastest = min(self.fastest, *taken)

    @property
    def median(self) -> float:
        return statistics.median(self.rounds)

    def as_json(self, scale: float = 1e6) -> dict[str, Any]:
        return {
            "median": self.median * scale,
            "min": self.fastest * scale,
            "round_medians": [value * scale for value in self.rounds],
        }


@dataclass(frozen=True)
class Canned:
    """A response exactly as the wire carried it."""

    status: int
    headers: dict[str, str]
    body: bytes


class _RawBody:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        yield self._body


def capture(client: Any, event: str) -> Callable[[], Canned]:
    """Record the raw response of the client's next call; read it with the result.

    ``event`` is the ``after-call`` event of the client's service, for example
    ``after-call.imagebuilder``.
    """
    seen: list[Canned] = []

    def record(http_response: Any, **kwargs: Any) -> None:
        seen.append(
            Canned(http_response.status_code, dict(http_response.headers), http_response.content)
        )

    client.meta.events.register(event, record)

    def last() -> Canned:
        client.meta.events.unregister(event, record)
        return seen[-1]

    return last


def replay(client: Any, event: str, answer: Canned) -> None:
    """Answer every request of ``client`` with ``answer`` from ``event`` (a before-send).

    botocore calls every ``before-send`` handler and takes the first answer, so
    this one is registered first, and ``client`` must come from a session made
    before any mock was imported (``BARE``): a session copies botocore's
    built-in handlers when it is made, and a mock's hook, called too, would add
    its work. What remains is botocore's own: serializing, signing and parsing,
    the floor of any mock that answers at ``before-send``.
    """

    def send(request: Any, **kwargs: Any) -> AWSResponse:
        headers = HeadersDict(answer.headers)
        # botocore-stubs types the raw body as urllib3's; botocore reads any stream().
        return AWSResponse(request.url, answer.status, headers, _RawBody(answer.body))  # type: ignore[arg-type]

    client.meta.events.register_first(event, send)
