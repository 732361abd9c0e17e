"""Image scan findings: what Amazon Inspector found in scanned images.

There is no Inspector here, so findings exist only when a test seeds them with
``add_finding`` (the controller's verb). Each backend keeps its own; the List
operations filter, count and page what was seeded.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .._errors import invalid_value
from .._model import shape_members
from .backend import Backend
from .filters import Matcher, apply_filters, field_equals
from .image_records import Image
from .operations import Operations
from .pagination import paginate
from .resources import Bag, Resource

__all__ = ["ScanFinding", "add_finding"]

# The operations this family serves; the composition root collects them.
OPERATIONS = Operations()

# The counts an aggregation reports: every finding, and medium severity and above.
_COUNTED = ("critical", "high", "medium")


@dataclass(eq=False)
class ScanFinding(Resource):
    """One seeded finding; ``arn`` is its Inspector finding ARN (not an Image Builder one)."""

    kind = "ImageScanFinding"

    values: dict[str, Any] = field(default_factory=dict)
    # Seeding order, so pages are stable.
    sequence: int = 0

    def get(self, member: str) -> Any:
        if member == "vulnerabilityId":
            return (self.values.get("packageVulnerabilityDetails") or {}).get("vulnerabilityId")
        return self.values.get(member)

    # A finding shows what it was seeded with, nothing of a resource's own.
    layers = (Bag("values"),)


def _defaults(backend: Backend, vulnerability_id: str) -> dict[str, Any]:
    now = backend.now()
    return {
        "awsAccountId": backend.account_id,
        "type": "PACKAGE_VULNERABILITY",
        "severity": "MEDIUM",
        "title": f"{vulnerability_id} - openssl",
        "description": f"A vulnerability ({vulnerability_id}) in a package of the image.",
        "firstObservedAt": now,
        "updatedAt": now,
        "inspectorScore": 5.5,
        "fixAvailable": "YES",
        "remediation": {"recommendation": {"text": "Update the affected package."}},
        "packageVulnerabilityDetails": {
            "vulnerabilityId": vulnerability_id,
            "source": "NVD",
            "vulnerablePackages": [
                {"name": "openssl", "version": "3.0.8", "fixedInVersion": "3.0.9"}
            ],
        },
    }


def add_finding(backend: Backend, **fields: Any) -> dict[str, Any]:
    """Seed an image scan finding in ``backend``; returns it as ListImageScanFindings shows it.

    Keyword arguments are ``ImageScanFinding`` members (``severity``,
    ``imageBuildVersionArn``, ``packageVulnerabilityDetails``, ...); the
    shortcut ``vulnerabilityId`` sets ``packageVulnerabilityDetails.vulnerabilityId``.
    Unset members get plausible values (a MEDIUM ``PACKAGE_VULNERABILITY`` in
    the backend's account, observed now). Without ``imagePipelineArn``, a
    finding on an image a pipeline built names that pipeline.
    """
    vulnerability_id = fields.pop("vulnerabilityId", None)
    unknown = set(fields) - set(shape_members("ImageScanFinding"))
    if unknown:
        raise TypeError(f"not ImageScanFinding members: {', '.join(sorted(unknown))}")
    details = dict(fields.get("packageVulnerabilityDetails") or {})
    vulnerability_id = vulnerability_id or details.get("vulnerabilityId") or _new_cve()
    values = _defaults(backend, vulnerability_id)
    values.update(fields)
    values["packageVulnerabilityDetails"] = {
        **values["packageVulnerabilityDetails"],
        **details,
        "vulnerabilityId": vulnerability_id,
    }
    image = backend.find(str(values.get("imageBuildVersionArn")))
    if "imagePipelineArn" not in values and isinstance(image, Image) and image.pipeline_arn:
        values["imagePipelineArn"] = image.pipeline_arn
    finding = ScanFinding(
        arn=f"arn:{backend.partition}:inspector2:{backend.region}:{values['awsAccountId']}"
        f":finding/{secrets.token_hex(16)}",
        name=vulnerability_id,
        owner=str(values["awsAccountId"]),
        date_created=backend.now(),
        values=values,
        sequence=backend.next_number("scan-finding"),
    )
    backend.add(finding)
    return finding.view("ImageScanFinding")


def _new_cve() -> str:
    return f"CVE-2026-{secrets.randbelow(90000) + 10000}"


def _findings(backend: Backend) -> list[ScanFinding]:
    return sorted(backend.of_kind(ScanFinding), key=lambda f: f.sequence)


def _member(name: str) -> Callable[[ScanFinding], Any]:
    return lambda finding: finding.get(name)


_FINDING_FILTERS = ("imageBuildVersionArn", "imagePipelineArn", "vulnerabilityId", "severity")
_MATCHERS: dict[str, Matcher[ScanFinding]] = {
    name: field_equals(_member(name)) for name in _FINDING_FILTERS
}


@OPERATIONS.handles("ListImageScanFindings")
def list_image_scan_findings(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    # The model allows one filter with one value; the protocol layer enforces it.
    chosen = apply_filters(_findings(backend), params.get("filters"), _MATCHERS)
    page, token = paginate(
        backend, "ListImageScanFindings", chosen, lambda f: (f.sequence,), params
    )
    result: dict[str, Any] = {"findings": [f.view("ImageScanFinding") for f in page]}
    if token is not None:
        result["nextToken"] = token
    return result


# -- aggregations ---------------------------------------------------------------------------

# Aggregation type → (member of ImageScanFindingAggregation, key member, finding getter).
_AGGREGATIONS: dict[str, tuple[str, str, Callable[[ScanFinding], Any]]] = {
    "accountId": ("accountAggregation", "accountId", _member("awsAccountId")),
    "imageBuildVersionArn": (
        "imageAggregation",
        "imageBuildVersionArn",
        _member("imageBuildVersionArn"),
    ),
    "imagePipelineArn": (
        "imagePipelineAggregation",
        "imagePipelineArn",
        _member("imagePipelineArn"),
    ),
    "vulnerabilityId": (
        "vulnerabilityIdAggregation",
        "vulnerabilityId",
        _member("vulnerabilityId"),
    ),
}


def _severity_counts(findings: Iterable[ScanFinding]) -> dict[str, int]:
    counts = dict.fromkeys(("all", *_COUNTED), 0)
    for finding in findings:
        counts["all"] += 1
        severity = str(finding.get("severity") or "").lower()
        if severity in _COUNTED:
            counts[severity] += 1
    return counts


def _aggregation_keys(
    backend: Backend, aggregation_type: str, values: list[str] | None, findings: list[ScanFinding]
) -> list[str]:
    """The keys to report: the filter's values, or every key the findings have."""
    if values:
        return list(dict.fromkeys(values))
    getter = _AGGREGATIONS[aggregation_type][2]
    keys = [str(getter(f)) for f in findings if getter(f) is not None]
    # The account aggregation is there even when nothing was found.
    if aggregation_type == "accountId" and backend.account_id not in keys:
        keys.insert(0, backend.account_id)
    return list(dict.fromkeys(keys))


def _aggregation_type(filter_: dict[str, Any] | None) -> tuple[str, list[str] | None]:
    if not filter_:
        return "accountId", None
    name = filter_.get("name")
    if name not in _AGGREGATIONS:
        raise invalid_value(
            "filter.name",
            f"Unknown filter name '{name}'. Valid filter names: {', '.join(_AGGREGATIONS)}.",
        )
    values = list(filter_.get("values") or [])
    if not values:
        raise invalid_value("filter.values", "The filter needs at least one value.")
    return str(name), values


@OPERATIONS.handles("ListImageScanFindingAggregations")
def list_image_scan_finding_aggregations(
    backend: Backend, params: dict[str, Any]
) -> dict[str, Any]:
    aggregation_type, values = _aggregation_type(params.get("filter"))
    member, key_member, getter = _AGGREGATIONS[aggregation_type]
    findings = _findings(backend)
    keys = _aggregation_keys(backend, aggregation_type, values, findings)
    responses = [
        {
            member: {
                key_member: key,
                "severityCounts": _severity_counts(f for f in findings if str(getter(f)) == key),
            }
        }
        for key in keys
    ]
    page, token = paginate(
        backend,
        "ListImageScanFindingAggregations",
        list(enumerate(responses)),
        lambda item: (item[0],),
        params,
    )
    result: dict[str, Any] = {
        "aggregationType": aggregation_type,
        "responses": [response for _, response in page],
    }
    if token is not None:
        result["nextToken"] = token
    return result
