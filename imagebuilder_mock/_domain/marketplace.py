"""AWS Marketplace components, and GetMarketplaceResource to download them.

Marketplace components live under the ``aws-marketplace`` account of each
region (ListComponents ``owner=AWSMarketplace`` shows them). Their source is
obfuscated, so GetMarketplaceResource is how an entitled caller reads a
component's document (``COMPONENT_DATA``) or gets a time-limited link to one
of its artifacts (``COMPONENT_ARTIFACT``). Every caller counts as entitled.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import textwrap
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .._errors import InvalidRequest, invalid_value, not_found
from .._model import service_model
from .arns import parse_arn
from .backend import Backend
from .components import Component, component_from_fields
from .documents import parse_component_document
from .operations import Operations
from .versioned import OWNER_ACCOUNTS, resolve
from .versions import parse_version

__all__ = ["MARKETPLACE_ACCOUNT", "MARKETPLACE_COMPONENTS", "MarketplaceComponent"]

# The operations this family serves; the composition root collects them.
OPERATIONS = Operations()

MARKETPLACE_ACCOUNT = OWNER_ACCOUNTS["AWSMarketplace"]

# How long an artifact link stays valid, as a presigned S3 URL states it.
_URL_EXPIRES_SECONDS = 3600


@dataclass(frozen=True)
class MarketplaceComponent:
    """A published Marketplace component: one build of one version."""

    name: str
    version: str
    publisher: str
    product_id: str
    description: str
    data: str
    platform: str = "Linux"


def _document(name: str, description: str, command: str) -> str:
    # Kept short: GetMarketplaceResource returns the whole document in ``data``.
    return textwrap.dedent(
        f"""\
        name: {name}
        description: {description}
        schemaVersion: 1.0
        phases:
          - name: build
            steps:
              - name: Install
                action: ExecuteBash
                inputs:
                  commands:
                    - {command}
        """
    )


MARKETPLACE_COMPONENTS = (
    MarketplaceComponent(
        name="cis-hardening-amazon-linux-2023",
        version="1.2.0",
        publisher="Example Security Partner",
        product_id="4lh2kbkgz7xqc0m1r8vd3t5yw",
        description="CIS Level 1 hardening for Amazon Linux 2023",
        data=_document(
            "cis-hardening-amazon-linux-2023",
            "CIS Level 1 hardening for Amazon Linux 2023",
            "sudo /opt/cis/harden.sh --level 1",
        ),
    ),
    MarketplaceComponent(
        name="endpoint-agent-linux",
        version="3.0.1",
        publisher="Example Monitoring Partner",
        product_id="7tq3mvyd2k5wa9n6p4x1c8e0j",
        description="Installs the monitoring endpoint agent",
        data=_document(
            "endpoint-agent-linux",
            "Installs the monitoring endpoint agent",
            "sudo rpm -i /tmp/endpoint-agent.rpm",
        ),
    ),
)

# When the catalog was published: fixed, so listings don't depend on the clock.
_PUBLISHED = dt.datetime(2025, 6, 2, tzinfo=dt.timezone.utc)


def seed(backend: Backend) -> None:
    """Fill a region's ``aws-marketplace`` backend with the Marketplace components."""
    for entry in MARKETPLACE_COMPONENTS:
        parsed = parse_component_document(entry.data, entry.platform)
        backend.add(
            component_from_fields(
                backend,
                name=entry.name,
                version=parse_version(entry.version),
                build=1,
                account=MARKETPLACE_ACCOUNT,
                date_created=_PUBLISHED,
                platform=entry.platform,
                component_type=parsed.component_type,
                parameters=[dict(p) for p in parsed.parameters],
                data=entry.data,
                description=entry.description,
                extra={
                    "publisher": entry.publisher,
                    "obfuscate": True,
                    "productCodes": [
                        {"productCodeId": entry.product_id, "productCodeType": "marketplace"}
                    ],
                },
            )
        )


def _component(backend: Backend, arn: str) -> Component:
    parsed = parse_arn(arn)
    if parsed is None or parsed.account != MARKETPLACE_ACCOUNT:
        raise InvalidRequest(f"The resource '{arn}' is not an AWS Marketplace resource.")
    if parsed.resource_type != "component":
        raise InvalidRequest(
            f"The resource '{arn}' is not an AWS Marketplace component; only components "
            "can be retrieved."
        )
    # Resolved as the caller: a component of another region is not found.
    component = resolve(backend, arn, Component, "resourceArn")
    if component is None:
        raise not_found(arn)
    return component


def _presigned_url(backend: Backend, component: Component, location: str) -> str:
    """A link shaped like an S3 presigned GET URL for ``s3://bucket/key``."""
    bucket, _, key = location.removeprefix("s3://").partition("/")
    now = backend.now().astimezone(dt.timezone.utc)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    signature = hashlib.sha256(f"{component.arn}|{location}|{stamp}".encode()).hexdigest()
    credential = quote(f"ASIAMARKETPLACEMOCK/{now:%Y%m%d}/{backend.region}/s3/aws4_request", "")
    return (
        f"https://{bucket}.s3.{backend.region}.amazonaws.com/{quote(key)}"
        f"?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={credential}"
        f"&X-Amz-Date={stamp}&X-Amz-Expires={_URL_EXPIRES_SECONDS}"
        f"&X-Amz-SignedHeaders=host&X-Amz-Signature={signature}"
    )


def _fits(parameter: str, value: str, member: str) -> str:
    """Refuse what the response could not carry (the model caps ``url`` and ``data``)."""
    output = service_model().operation_model("GetMarketplaceResource").output_shape
    members: dict[str, Any] = getattr(output, "members", {})
    limit = members[member].metadata.get("max")
    if limit is not None and len(value) > limit:
        raise invalid_value(parameter, f"The {member} for '{parameter}' is too long to return.")
    return value


@OPERATIONS.handles("GetMarketplaceResource")
def get_marketplace_resource(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["resourceArn"]
    component = _component(backend, arn)
    result: dict[str, Any] = {"resourceArn": arn}
    if params["resourceType"] == "COMPONENT_DATA":
        result["data"] = _fits("resourceArn", component.data, "data")
        return result
    location = params.get("resourceLocation")
    if not location:
        raise invalid_value(
            "resourceLocation", "'resourceLocation' is required for COMPONENT_ARTIFACT."
        )
    result["url"] = _fits("resourceLocation", _presigned_url(backend, component, location), "url")
    return result
