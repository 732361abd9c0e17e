"""The HTTP server under load on loopback, against the same calls in process.

Run: ``python benchmarks/http_load.py [--threads 8] [--calls 500] [--json PATH]``

``--threads`` client threads each make ``--calls`` mixed calls (a quarter each
of ``create_component``, ``get_component``, ``tag_resource`` and
``list_components`` filtered to the name just made) with a boto3 client of
their own, pointed at an ``ImageBuilderServer`` on 127.0.0.1. The same calls
then run through ``mock_imagebuilder`` without HTTP (the in-process hook).

Both runs check every response against its operation's output shape (the
service's ``check_responses``) and every answer's content here; a run fails
unless each call was answered 200, the server logged exactly the calls made,
and a full listing finds every component created. It reports throughput
(calls/s over the whole run) and the per-call ratio of the HTTP path to the
in-process path.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from typing import Any

os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")

import boto3
from botocore.config import Config

from imagebuilder_mock import ImageBuilderMock
from imagebuilder_mock.server import ImageBuilderServer

REGION = "us-east-1"
DOCUMENT = """\
schemaVersion: 1.0
phases:
  - name: build
    steps:
      - name: Noop
        action: ExecuteBash
        inputs:
          commands:
            - echo hello
"""


def _client(endpoint_url: str | None) -> Any:
    # Each thread its own client: clients are thread-safe, but one per thread is
    # how a load test spreads work, and it keeps connection pools apart.
    return boto3.client(
        "imagebuilder",
        region_name=REGION,
        endpoint_url=endpoint_url,
        config=Config(retries={"max_attempts": 1}, max_pool_connections=2),
    )


def _work(client: Any, worker: int, calls: int, problems: list[str]) -> None:
    for i in range(calls // 4):
        name = f"load-{worker}-{i}"
        created = client.create_component(
            name=name, semanticVersion="1.0.0", platform="Linux", data=DOCUMENT
        )
        arn = created["componentBuildVersionArn"]
        got = client.get_component(componentBuildVersionArn=arn)["component"]
        if got["arn"] != arn or got["name"] != name:
            problems.append(f"get_component({arn}) answered {got['arn']}")
        client.tag_resource(resourceArn=arn, tags={"worker": str(worker)})
        listed = client.list_components(filters=[{"name": "name", "values": [name]}])
        names = [c["name"] for c in listed["componentVersionList"]]
        if names != [name]:
            problems.append(f"list_components for {name} answered {names}")


def run(endpoint_url: str | None, threads: int, calls: int) -> tuple[float, list[str]]:
    """Wall-clock seconds for ``threads`` x ``calls``, and every problem seen."""
    problems: list[str] = []
    clients = [_client(endpoint_url) for _ in range(threads)]

    def worker(n: int) -> None:
        try:
            _work(clients[n], n, calls, problems)
        except Exception as error:  # reported, not raised: the run must finish
            problems.append(f"thread {n}: {type(error).__name__}: {error}")

    workers = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    began = time.perf_counter()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return time.perf_counter() - began, problems


def _audit(mock: ImageBuilderMock, endpoint_url: str | None, expected: int) -> list[str]:
    """Nothing lost: every call logged and answered 200, every component listed."""
    problems = []
    calls = mock.calls
    if len(calls) != expected:
        problems.append(f"{len(calls)} calls logged, {expected} made")
    failed = [c for c in calls if c.status != 200]
    if failed:
        problems.append(f"{len(failed)} calls failed, first: {failed[0]}")
    pages = _client(endpoint_url).get_paginator("list_components").paginate()
    stored = sum(len(page["componentVersionList"]) for page in pages)
    if stored != expected // 4:
        problems.append(f"{stored} components listed, {expected // 4} created")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--calls", type=int, default=500, help="calls per thread")
    parser.add_argument("--json", help="write the figures to this file")
    options = parser.parse_args(argv)
    threads, calls = options.threads, options.calls - options.calls % 4
    total = threads * calls

    figures: dict[str, Any] = {"threads": threads, "calls_per_thread": calls}
    all_problems: list[str] = []
    for path in ("http", "in-process"):
        mock = ImageBuilderMock(check_responses=True, region=REGION)
        if path == "http":
            with ImageBuilderServer(port=0, mock=mock) as server:
                seconds, problems = run(server.url, threads, calls)
                problems += _audit(mock, server.url, total)
        else:
            with mock:
                seconds, problems = run(None, threads, calls)
                problems += _audit(mock, None, total)
        all_problems += [f"{path}: {p}" for p in problems]
        figures[path] = {
            "seconds": round(seconds, 3),
            "calls_per_second": round(total / seconds, 1),
            "ms_per_call": round(1000 * seconds / total, 3),
        }
        print(
            f"{path:>10}: {total} calls in {seconds:.2f} s = {total / seconds:,.0f} calls/s "
            f"({1000 * seconds / total:.2f} ms per call over {threads} threads)"
        )
    ratio = figures["http"]["seconds"] / figures["in-process"]["seconds"]
    figures["http_to_in_process_per_call"] = round(ratio, 2)
    figures["problems"] = all_problems
    print(f"per-call ratio, HTTP to in-process: {ratio:.2f}x")
    print("every answer valid, nothing lost" if not all_problems else "\n".join(all_problems))
    if options.json:
        with open(options.json, "w", encoding="utf-8") as out:
            json.dump(figures, out, indent=2)
    return 1 if all_problems else 0


if __name__ == "__main__":
    sys.exit(main())
