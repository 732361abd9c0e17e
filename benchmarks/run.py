"""Per-call cost of imagebuilder-mock against the floor of any wire-level mock.

Run: ``python benchmarks/run.py [--calls N] [--rounds R]``

Measured side by side in one process, same client configuration:

* ``canned before-send``: a handler that returns a fixed, prebuilt response:
  what botocore itself costs (serialize, sign, parse) with no mock work at all;
* ``botocore Stubber``: botocore's own stubbing, a queue of canned answers;
* ``imagebuilder-mock``: the full path (parse, validate, look up, serialize);
* ``moto (sts get_caller_identity)``: moto on a comparable single-resource read.

Rounds alternate between the contenders so machine noise hits all alike; the
table shows the median of the per-round medians and the ratio to the floor.
How the cost grows with the number of stored resources: ``benchmarks/scale.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")

import boto3
from botocore.awsrequest import AWSResponse, HeadersDict
from botocore.stub import Stubber

from imagebuilder_mock import _interception, mock_imagebuilder

REGION = "us-east-1"


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **kwargs: Any) -> Any:
        yield self.body


def _time_calls(call: Callable[[], Any], n: int) -> float:
    """Median seconds per call over ``n`` calls."""
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300, help="calls per round")
    parser.add_argument("--rounds", type=int, default=7, help="alternating rounds")
    args = parser.parse_args()

    with mock_imagebuilder():
        client = boto3.client("imagebuilder", region_name=REGION)
        arn = client.create_infrastructure_configuration(
            name="bench-infrastructure",
            instanceProfileName="bench-profile",
            instanceTypes=["m5.large", "m5.xlarge"],
            securityGroupIds=["sg-0123456789abcdef0"],
            subnetId="subnet-0123456789abcdef0",
            logging={"s3Logs": {"s3BucketName": "logs", "s3KeyPrefix": "ib"}},
            tags={"team": "platform"},
        )["infrastructureConfigurationArn"]
        answer = client.get_infrastructure_configuration(infrastructureConfigurationArn=arn)
        answer.pop("ResponseMetadata")
        body = json.dumps(answer).encode()

        def mock_call() -> Any:
            return client.get_infrastructure_configuration(infrastructureConfigurationArn=arn)

        # The floor: a client whose before-send handler hands back prebuilt bytes.
        canned = boto3.client("imagebuilder", region_name=REGION)

        def canned_send(request: Any, **kwargs: Any) -> AWSResponse:
            headers = HeadersDict({"Content-Type": "application/json"})
            return AWSResponse(request.url, 200, headers, _Raw(body))

        # botocore calls every before-send handler, so the mock's own hook is
        # taken off this client: the floor must not include the mock's work.
        canned.meta.events.unregister("before-send.imagebuilder", _interception._before_send)
        canned.meta.events.register_first("before-send.imagebuilder", canned_send)

        def canned_call() -> Any:
            return canned.get_infrastructure_configuration(infrastructureConfigurationArn=arn)

        stubbed = boto3.client("imagebuilder", region_name=REGION)
        stubber = Stubber(stubbed)
        stubber.activate()

        def stub_call() -> Any:
            stubber.add_response(
                "get_infrastructure_configuration",
                answer,
                {"infrastructureConfigurationArn": arn},
            )
            return stubbed.get_infrastructure_configuration(infrastructureConfigurationArn=arn)

        contenders: dict[str, Callable[[], Any]] = {
            "canned before-send": canned_call,
            "botocore Stubber": stub_call,
            "imagebuilder-mock": mock_call,
        }
        moto_ctx: Any = None
        try:
            from moto import mock_aws
            from moto.core import patch_client as moto_patch_client

            moto_ctx = mock_aws()
            sts = boto3.client("sts", region_name=REGION)
            # The default session predates moto's import; its clients need patching.
            moto_patch_client(sts)
            contenders["moto (sts get_caller_identity)"] = sts.get_caller_identity
        except ImportError:  # pragma: no cover
            pass

        def timed(name: str, call: Callable[[], Any], n: int) -> float:
            # moto's catch-all before-send hook would tax every other contender,
            # so it is on only while moto itself is measured.
            if not name.startswith("moto"):
                return _time_calls(call, n)
            moto_ctx.start()
            try:
                return _time_calls(call, n)
            finally:
                moto_ctx.stop()

        for name, call in contenders.items():  # warm-up: caches, lazy imports
            timed(name, call, 50)
        rounds: dict[str, list[float]] = {name: [] for name in contenders}
        for _ in range(args.rounds):
            for name, call in contenders.items():
                rounds[name].append(timed(name, call, args.calls))

    floor = statistics.median(rounds["canned before-send"])
    print(f"get_infrastructure_configuration, {args.rounds} rounds x {args.calls} calls")
    print(f"{'contender':<34}{'median µs/call':>16}{'ratio':>9}")
    for name, medians in rounds.items():
        median = statistics.median(medians)
        print(f"{name:<34}{median * 1e6:>16.1f}{median / floor:>8.2f}x")


if __name__ == "__main__":
    main()
