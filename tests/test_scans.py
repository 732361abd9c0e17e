"""Image scan findings: seeded findings, listed, filtered, paged and aggregated."""

from __future__ import annotations

import datetime as dt
from typing import Any

import builders
import pytest
from botocore.exceptions import ClientError
from errors import error_of

from imagebuilder_mock import ImageBuilderMock

ACCOUNT = "123456789012"
IMAGE = f"arn:aws:imagebuilder:us-east-1:{ACCOUNT}:image/web/1.0.0/1"
OTHER_IMAGE = f"arn:aws:imagebuilder:us-east-1:{ACCOUNT}:image/web/1.0.0/2"
PIPELINE = f"arn:aws:imagebuilder:us-east-1:{ACCOUNT}:image-pipeline/nightly"


@pytest.fixture
def seeded(imagebuilder_mock: ImageBuilderMock) -> ImageBuilderMock:
    imagebuilder_mock.add_scan_finding(
        vulnerabilityId="CVE-2026-0001",
        severity="CRITICAL",
        imageBuildVersionArn=IMAGE,
        imagePipelineArn=PIPELINE,
    )
    imagebuilder_mock.add_scan_finding(
        vulnerabilityId="CVE-2026-0002", severity="HIGH", imageBuildVersionArn=IMAGE
    )
    imagebuilder_mock.add_scan_finding(
        vulnerabilityId="CVE-2026-0001",
        severity="CRITICAL",
        imageBuildVersionArn=OTHER_IMAGE,
        imagePipelineArn=PIPELINE,
    )
    imagebuilder_mock.add_scan_finding(
        vulnerabilityId="CVE-2026-0003", severity="LOW", imageBuildVersionArn=IMAGE
    )
    return imagebuilder_mock


def test_no_findings_without_inspector(imagebuilder_client: Any) -> None:
    assert imagebuilder_client.list_image_scan_findings()["findings"] == []


def test_a_seeded_finding_is_complete(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock
) -> None:
    moment = dt.datetime(2026, 3, 7, 12, 0, tzinfo=dt.timezone.utc)
    imagebuilder_mock.set_time(moment)
    imagebuilder_mock.add_scan_finding(imageBuildVersionArn=IMAGE, vulnerabilityId="CVE-1")
    (finding,) = imagebuilder_client.list_image_scan_findings()["findings"]
    assert finding["awsAccountId"] == ACCOUNT
    assert finding["imageBuildVersionArn"] == IMAGE
    assert finding["type"] == "PACKAGE_VULNERABILITY"
    assert finding["severity"] == "MEDIUM"
    assert finding["packageVulnerabilityDetails"]["vulnerabilityId"] == "CVE-1"
    assert finding["firstObservedAt"] == moment
    assert "imagePipelineArn" not in finding


def test_seeded_members_are_kept(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock
) -> None:
    details = {
        "vulnerabilityId": "CVE-2026-1234",
        "vulnerablePackages": [{"name": "curl", "version": "8.0.1"}],
        "sourceUrl": "https://nvd.nist.gov/vuln/detail/CVE-2026-1234",
    }
    imagebuilder_mock.add_scan_finding(
        packageVulnerabilityDetails=details,
        severity="HIGH",
        title="curl issue",
        inspectorScore=8.1,
        fixAvailable="NO",
    )
    (finding,) = imagebuilder_client.list_image_scan_findings()["findings"]
    assert finding["packageVulnerabilityDetails"]["vulnerablePackages"] == [
        {"name": "curl", "version": "8.0.1"}
    ]
    assert finding["packageVulnerabilityDetails"]["sourceUrl"] == details["sourceUrl"]
    assert (finding["title"], finding["inspectorScore"], finding["fixAvailable"]) == (
        "curl issue",
        8.1,
        "NO",
    )


def test_unknown_members_are_refused(imagebuilder_mock: ImageBuilderMock) -> None:
    with pytest.raises(TypeError, match="not ImageScanFinding members: colour"):
        imagebuilder_mock.add_scan_finding(colour="red")


@pytest.mark.imagebuilder(progression="immediate")
def test_a_finding_on_a_pipeline_image_names_the_pipeline(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock
) -> None:
    pipeline = imagebuilder_client.create_image_pipeline(
        name="scanned",
        imageRecipeArn=builders.image_recipe(imagebuilder_client),
        infrastructureConfigurationArn=builders.infrastructure(imagebuilder_client),
    )["imagePipelineArn"]
    image = imagebuilder_client.start_image_pipeline_execution(imagePipelineArn=pipeline)
    imagebuilder_mock.add_scan_finding(imageBuildVersionArn=image["imageBuildVersionArn"])
    (finding,) = imagebuilder_client.list_image_scan_findings(
        filters=[{"name": "imagePipelineArn", "values": [pipeline]}]
    )["findings"]
    assert finding["imageBuildVersionArn"] == image["imageBuildVersionArn"]


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("imageBuildVersionArn", IMAGE, ["CVE-2026-0001", "CVE-2026-0002", "CVE-2026-0003"]),
        ("imagePipelineArn", PIPELINE, ["CVE-2026-0001", "CVE-2026-0001"]),
        ("vulnerabilityId", "CVE-2026-0002", ["CVE-2026-0002"]),
        ("severity", "LOW", ["CVE-2026-0003"]),
    ],
)
def test_findings_filters(
    imagebuilder_client: Any, seeded: ImageBuilderMock, name: str, value: str, expected: list[str]
) -> None:
    findings = imagebuilder_client.list_image_scan_findings(
        filters=[{"name": name, "values": [value]}]
    )["findings"]
    assert [f["packageVulnerabilityDetails"]["vulnerabilityId"] for f in findings] == expected


def test_findings_pages(imagebuilder_client: Any, seeded: ImageBuilderMock) -> None:
    first = imagebuilder_client.list_image_scan_findings(maxResults=3)
    second = imagebuilder_client.list_image_scan_findings(
        maxResults=3, nextToken=first["nextToken"]
    )
    assert len(first["findings"]) == 3
    assert [f["severity"] for f in second["findings"]] == ["LOW"]
    assert "nextToken" not in second


def test_findings_take_one_filter_with_one_value(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.list_image_scan_findings(
            filters=[{"name": "severity", "values": ["LOW", "HIGH"]}]
        )
    code, message = error_of(caught)
    assert code == "InvalidParameterValueException"
    assert "filters[0].values" in message


def test_findings_reject_unknown_filter_names(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.list_image_scan_findings(filters=[{"name": "title", "values": ["x"]}])
    assert error_of(caught) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'filters[0].name' is not valid. Unknown filter name "
        "'title'. Valid filter names: imageBuildVersionArn, imagePipelineArn, severity, "
        "vulnerabilityId.",
    )


def test_account_aggregation_without_findings(imagebuilder_client: Any) -> None:
    response = imagebuilder_client.list_image_scan_finding_aggregations()
    assert response["aggregationType"] == "accountId"
    assert response["responses"] == [
        {
            "accountAggregation": {
                "accountId": ACCOUNT,
                "severityCounts": {"all": 0, "critical": 0, "high": 0, "medium": 0},
            }
        }
    ]


def test_account_aggregation_counts_the_findings(
    imagebuilder_client: Any, seeded: ImageBuilderMock
) -> None:
    response = imagebuilder_client.list_image_scan_finding_aggregations(
        filter={"name": "accountId", "values": [ACCOUNT]}
    )
    assert response["aggregationType"] == "accountId"
    assert response["responses"] == [
        {
            "accountAggregation": {
                "accountId": ACCOUNT,
                "severityCounts": {"all": 4, "critical": 2, "high": 1, "medium": 0},
            }
        }
    ]


@pytest.mark.parametrize(
    ("name", "value", "member", "counts"),
    [
        ("imageBuildVersionArn", IMAGE, "imageAggregation", (3, 1, 1, 0)),
        ("imagePipelineArn", PIPELINE, "imagePipelineAggregation", (2, 2, 0, 0)),
        ("vulnerabilityId", "CVE-2026-0001", "vulnerabilityIdAggregation", (2, 2, 0, 0)),
        ("vulnerabilityId", "CVE-2099-0000", "vulnerabilityIdAggregation", (0, 0, 0, 0)),
    ],
)
def test_aggregations_by_filter(
    imagebuilder_client: Any,
    seeded: ImageBuilderMock,
    name: str,
    value: str,
    member: str,
    counts: tuple[int, int, int, int],
) -> None:
    response = imagebuilder_client.list_image_scan_finding_aggregations(
        filter={"name": name, "values": [value]}
    )
    assert response["aggregationType"] == name
    severity = dict(zip(("all", "critical", "high", "medium"), counts, strict=True))
    assert response["responses"] == [{member: {name: value, "severityCounts": severity}}]


def test_aggregation_filter_names_are_checked(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.list_image_scan_finding_aggregations(
            filter={"name": "severity", "values": ["HIGH"]}
        )
    assert error_of(caught) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'filter.name' is not valid. Unknown filter name "
        "'severity'. Valid filter names: accountId, imageBuildVersionArn, imagePipelineArn, "
        "vulnerabilityId.",
    )


def test_aggregation_filter_needs_values(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.list_image_scan_finding_aggregations(filter={"name": "accountId"})
    assert error_of(caught) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'filter.values' is not valid. "
        "The filter needs at least one value.",
    )


def test_aggregations_page(imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock) -> None:
    for n in range(30):
        imagebuilder_mock.add_scan_finding(vulnerabilityId=f"CVE-2026-{n:04d}")
    values = [f"CVE-2026-{n:04d}" for n in range(10)]
    response = imagebuilder_client.list_image_scan_finding_aggregations(
        filter={"name": "vulnerabilityId", "values": values}
    )
    assert len(response["responses"]) == 10
    assert "nextToken" not in response
    bad = "not-a-token"
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.list_image_scan_finding_aggregations(nextToken=bad)
    assert error_of(caught)[0] == "InvalidPaginationTokenException"
