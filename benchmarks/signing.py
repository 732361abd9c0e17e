"""What SigV4 signing costs a call answered in process, and whether the mock needs it.

Run: ``python benchmarks/signing.py [--rounds R] [--calls N]``

The mock reads the caller's account (the access key) and region (the credential
scope) from the ``Authorization`` header that signing writes. This measures,
on ``get_infrastructure_configuration`` with the mock's own response bytes
replayed at ``before-send`` (the floor), in alternating rounds:

* ``signed``: a client as users make it (SigV4);
* ``unsigned``: the same with ``signature_version=UNSIGNED``;
* ``scope only``: signing skipped by a ``choose-signer`` handler, and a
  ``before-sign`` handler that writes an ``Authorization`` header carrying only
  the credential scope (access key and region, no signature) from what botocore
  hands that event: the request signer's credentials (or the request's own)
  and the signing region. That keeps what the mock reads and drops the rest;

and the mock itself, signed and unsigned. Then it checks what each way tells
the mock: the account of a 12-digit access key, and the region of a client
with a custom ``endpoint_url``.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import Any

os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
os.environ.pop("IMAGEBUILDER_MOCK_CHECK_RESPONSES", None)

import botocore
from _common import BARE, Series, capture, replay, samples
from botocore.config import Config

from imagebuilder_mock import mock_imagebuilder, patch_client

REGION = "us-east-1"
UNSIGNED = Config(signature_version=botocore.UNSIGNED)


def skip_signing_keep_scope(client: Any) -> None:
    """Skip SigV4 on ``client`` but keep the credential scope the mock reads."""

    def choose(signature_version: Any, **kwargs: Any) -> Any:
        # Only a standard request: a presigned URL still needs its signature.
        return botocore.UNSIGNED if signature_version == "v4" else None

    def scope(
        request: Any, request_signer: Any, region_name: str, signing_name: str, **kwargs: Any
    ) -> None:
        signing = request.context.get("signing", {})
        credentials = signing.get("request_credentials")
        if credentials is None:
            # The signer resolves the client's credentials as signing would.
            credentials = request_signer.get_auth_instance(
                signing_name=signing_name, region_name=region_name, signature_version="v4"
            ).credentials
        region = signing.get("region") or region_name
        request.headers["Authorization"] = (
            f"AWS4-HMAC-SHA256 Credential={credentials.access_key}/-/{region}/"
            f"{signing_name}/aws4_request"
        )

    client.meta.events.register("choose-signer.imagebuilder", choose)
    client.meta.events.register("before-sign.imagebuilder", scope)


def _infrastructure(client: Any, name: str = "bench-infrastructure") -> str:
    arn: str = client.create_infrastructure_configuration(
        name=name, instanceProfileName="bench-profile"
    )["infrastructureConfigurationArn"]
    return arn


def _where(arn: str) -> str:
    parts = arn.split(":")
    return f"account {parts[4]}, region {parts[3]}"


def _callers() -> list[tuple[str, str]]:
    """What the mock makes of the caller, each way."""
    rows: list[tuple[str, str]] = []
    ways: dict[str, Callable[[Any], None]] = {
        "signed": lambda client: None,
        "unsigned": lambda client: None,
        "scope only": skip_signing_keep_scope,
    }
    clients: dict[str, dict[str, Any]] = {
        "12-digit key 111122223333, eu-west-1": {
            "region_name": "eu-west-1",
            "aws_access_key_id": "111122223333",
            "aws_secret_access_key": "secret",
        },
        "eu-west-1 at endpoint_url http://localhost:4566": {
            "region_name": "eu-west-1",
            "endpoint_url": "http://localhost:4566",
        },
    }
    with mock_imagebuilder():
        for label, options in clients.items():
            for way, prepare in ways.items():
                config = UNSIGNED if way == "unsigned" else None
                client = BARE.client("imagebuilder", config=config, **options)
                patch_client(client)  # BARE predates the mock's hook
                prepare(client)
                arn = _infrastructure(client, f"who-{len(rows)}")
                rows.append((f"{label}, {way}", _where(arn)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()

    with mock_imagebuilder():
        mock = BARE.client("imagebuilder", region_name=REGION)
        patch_client(mock)
        arn = _infrastructure(mock)
        recorder = BARE.client("imagebuilder", region_name=REGION)
        patch_client(recorder)
        last = capture(recorder, "after-call.imagebuilder")
        recorder.get_infrastructure_configuration(infrastructureConfigurationArn=arn)
        answer = last()

        floors = {
            "floor, signed": BARE.client("imagebuilder", region_name=REGION),
            "floor, unsigned": BARE.client("imagebuilder", region_name=REGION, config=UNSIGNED),
            "floor, scope only": BARE.client("imagebuilder", region_name=REGION),
        }
        skip_signing_keep_scope(floors["floor, scope only"])
        for client in floors.values():
            replay(client, "before-send.imagebuilder", answer)
        unsigned_mock = BARE.client("imagebuilder", region_name=REGION, config=UNSIGNED)
        patch_client(unsigned_mock)
        clients = {**floors, "mock, signed": mock, "mock, unsigned": unsigned_mock}
        calls = {
            name: (
                lambda client=client: client.get_infrastructure_configuration(
                    infrastructureConfigurationArn=arn
                )
            )
            for name, client in clients.items()
        }
        series = {name: Series() for name in calls}
        for call in calls.values():
            samples(call, 50)
        # Blocks of 20 calls take turns, so bursts of load fall on all alike.
        for _ in range(args.rounds):
            taken: dict[str, list[float]] = {name: [] for name in calls}
            for _ in range(max(1, args.calls // 20)):
                for name, call in calls.items():
                    taken[name] += samples(call, 20)
            for name, values in taken.items():
                series[name].add(values)

    signed = series["floor, signed"].median
    print(f"get_infrastructure_configuration, {args.rounds} rounds x {args.calls} calls")
    fastest = series["floor, signed"].fastest
    print(
        f"{'client':<24}{'median µs':>11}{'min µs':>9}"
        f"{'median - signed floor':>23}{'min - signed':>14}"
    )
    for name, figure in series.items():
        print(
            f"{name:<24}{figure.median * 1e6:>11.1f}{figure.fastest * 1e6:>9.1f}"
            f"{(figure.median - signed) * 1e6:>+23.1f}{(figure.fastest - fastest) * 1e6:>+14.1f}"
        )
    print()
    print(f"{'client, way':<62}what the mock made of it")
    for label, where in _callers():
        print(f"{label:<62}{where}")


if __name__ == "__main__":
    main()
