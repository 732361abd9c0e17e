"""The AWS-managed catalog: Amazon components and workflows, derived components, additions."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from imagebuilder_mock._domain.catalog import (
    aws_component,
)
from imagebuilder_mock._domain.components import find_component
from imagebuilder_mock._domain.workflows import Workflow

AWS = "arn:aws:imagebuilder:us-east-1:aws"
MINE = "arn:aws:imagebuilder:us-east-1:123456789012"
CATALOG_NAMES = [
    "aws-cli-version-2-linux",
    "aws-cli-version-2-windows",
    "hello-world-linux",
    "reboot-linux",
    "reboot-windows",
    "simple-boot-test-linux",
    "simple-boot-test-windows",
    "update-linux",
    "update-windows",
]


def listed(client: Any, operation: str, key: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in client.get_paginator(operation).paginate(**params):
        items.extend(page[key])
    return items


def components(client: Any, **params: Any) -> list[dict[str, Any]]:
    return listed(client, "list_components", "componentVersionList", **params)


def test_amazon_components_are_listed_with_owner_amazon(imagebuilder_client: Any) -> None:
    items = components(imagebuilder_client, owner="Amazon", byName=True)
    assert [c["name"] for c in items] == CATALOG_NAMES
    assert {c["owner"] for c in items} == {"Amazon"}
    assert all(c["arn"].startswith(f"{AWS}:component/") for c in items)
    by_name = {c["name"]: c for c in items}
    assert by_name["update-linux"]["version"] == "1.0.2"
    assert by_name["update-windows"]["platform"] == "Windows"
    assert by_name["simple-boot-test-linux"]["type"] == "TEST"
    assert "Amazon Linux 2023" in by_name["update-linux"]["supportedOsVersions"]


def test_amazon_components_have_several_versions(imagebuilder_client: Any) -> None:
    versions = [
        c["version"]
        for c in components(
            imagebuilder_client,
            owner="Amazon",
            filters=[{"name": "name", "values": ["aws-cli-version-2-linux"]}],
        )
    ]
    assert versions == ["1.0.4", "1.0.3", "1.0.0"]


def test_amazon_components_are_not_the_callers(imagebuilder_client: Any) -> None:
    assert components(imagebuilder_client) == []


def test_get_amazon_component_by_wildcard(imagebuilder_client: Any) -> None:
    out = imagebuilder_client.get_component(
        componentBuildVersionArn=f"{AWS}:component/update-linux/x.x.x"
    )
    got = out["component"]
    assert got["arn"] == f"{AWS}:component/update-linux/1.0.2/2"
    assert (got["owner"], got["platform"], got["type"]) == ("Amazon", "Linux", "BUILD")
    assert got["encrypted"] is True
    assert "schemaVersion: 1.0" in got["data"]
    assert out["latestVersionReferences"]["latestVersionArn"] == (
        f"{AWS}:component/update-linux/x.x.x"
    )


def test_amazon_component_parameters(imagebuilder_client: Any) -> None:
    got = imagebuilder_client.get_component(
        componentBuildVersionArn=f"{AWS}:component/hello-world-linux/1.0.0/2"
    )["component"]
    assert got["parameters"] == [
        {
            "name": "greeting",
            "type": "String",
            "defaultValue": ["Hello World"],
            "description": "The text every phase prints.",
        }
    ]


def test_amazon_build_versions_newest_first(imagebuilder_client: Any) -> None:
    out = imagebuilder_client.list_component_build_versions(
        componentVersionArn=f"{AWS}:component/update-linux/1.0.2"
    )
    assert [s["arn"] for s in out["componentSummaryList"]] == [
        f"{AWS}:component/update-linux/1.0.2/2",
        f"{AWS}:component/update-linux/1.0.2/1",
    ]
    assert {s["owner"] for s in out["componentSummaryList"]} == {"Amazon"}


def test_amazon_components_exist_in_every_region() -> None:
    from imagebuilder_mock import mock_imagebuilder

    with mock_imagebuilder():
        client = boto3.client("imagebuilder", region_name="eu-west-2")
        got = client.get_component(
            componentBuildVersionArn="arn:aws:imagebuilder:eu-west-2:aws:component/reboot-windows/1.x.x"
        )["component"]
        assert got["arn"] == "arn:aws:imagebuilder:eu-west-2:aws:component/reboot-windows/1.0.1/1"


def test_amazon_components_cannot_be_deleted_by_customers(imagebuilder_client: Any) -> None:
    arn = f"{AWS}:component/update-linux/1.0.2/1"
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.delete_component(componentBuildVersionArn=arn)
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


# -- components AWS publishes that the catalog lacks ---------------------------------


@pytest.mark.parametrize(
    ("name", "platform", "kind"),
    [
        ("amazon-cloudwatch-agent-windows", "Windows", "BUILD"),
        ("amazon-cloudwatch-agent-linux", "Linux", "BUILD"),
        ("python-3-macos", "macOS", "BUILD"),
        ("inspector-test-linux", "Linux", "TEST"),
    ],
)
def test_unknown_amazon_component_is_derived_from_its_name(
    imagebuilder_client: Any, name: str, platform: str, kind: str
) -> None:
    got = imagebuilder_client.get_component(
        componentBuildVersionArn=f"{AWS}:component/{name}/x.x.x"
    )["component"]
    assert got["arn"] == f"{AWS}:component/{name}/1.0.0/1"
    assert (got["platform"], got["type"], got["owner"]) == (platform, kind, "Amazon")
    # Derived components are not published in the list.
    assert name not in {c["name"] for c in components(imagebuilder_client, owner="Amazon")}


def test_unknown_version_of_a_catalog_component_takes_its_attributes(
    imagebuilder_mock: Any,
) -> None:
    backend = imagebuilder_mock.backend()
    got = aws_component(backend, f"{AWS}:component/update-windows/2.3.x")
    assert got is not None
    assert (got.arn, got.platform, got.owner) == (
        f"{AWS}:component/update-windows/2.3.0/1",
        "Windows",
        "Amazon",
    )
    assert got.supported_os_versions[0].startswith("Microsoft Windows Server")


def test_find_component_resolves_own_and_amazon_components(
    imagebuilder_mock: Any, imagebuilder_client: Any
) -> None:
    backend = imagebuilder_mock.backend()
    mine = imagebuilder_client.create_component(
        name="mine",
        semanticVersion="1.0.0",
        platform="Linux",
        data="schemaVersion: 1.0\nphases:\n  - name: test\n    steps:\n"
        "      - name: Check\n        action: ExecuteBash\n        inputs: {commands: [true]}\n",
    )["componentBuildVersionArn"]
    own = find_component(backend, f"{MINE}:component/mine/x.x.x")
    assert own is not None
    assert (own.arn, own.component_type, own.platform) == (mine, "TEST", "Linux")
    assert own.document["phases"][0]["name"] == "test"
    amazon = find_component(backend, f"{AWS}:component/update-linux/1.0.1")
    assert amazon is not None
    assert amazon.arn == f"{AWS}:component/update-linux/1.0.1/1"
    assert find_component(backend, f"{MINE}:component/missing/x.x.x") is None
    assert find_component(backend, f"{MINE}:image-recipe/r/1.0.0") is None
    with pytest.raises(Exception, match="may only be followed by other wildcards"):
        find_component(backend, f"{AWS}:component/update-linux/1.x.1", "components[0]")


# -- workflows ------------------------------------------------------------------------


def test_amazon_workflows_are_listed(imagebuilder_client: Any) -> None:
    items = listed(
        imagebuilder_client, "list_workflows", "workflowVersionList", owner="Amazon", byName=True
    )
    assert [(w["name"], w["type"], w["version"], w["owner"]) for w in items] == [
        ("build-image", "BUILD", "1.0.3", "Amazon"),
        ("distribute-image", "DISTRIBUTION", "1.0.1", "Amazon"),
        ("test-image", "TEST", "1.0.3", "Amazon"),
    ]
    assert items[0]["arn"] == f"{AWS}:workflow/build/build-image/1.0.3"


@pytest.mark.parametrize(
    ("arn", "steps"),
    [
        (
            f"{AWS}:workflow/build/build-image/1.0.3/1",
            [
                ("LaunchBuildInstance", "LaunchInstance"),
                ("ApplyBuildComponents", "ExecuteComponents"),
                ("InventoryCollection", "CollectImageMetadata"),
                ("RunSanitizeScript", "SanitizeInstance"),
                ("RunSysPrepScript", "RunSysPrep"),
                ("CreateOutputAMI", "CreateImage"),
                ("TerminateBuildInstance", "TerminateInstance"),
            ],
        ),
        (
            f"{AWS}:workflow/test/test-image/1.0.3/1",
            [
                ("LaunchTestInstance", "LaunchInstance"),
                ("CollectImageScanFindings", "CollectImageScanFindings"),
                ("ApplyTestComponents", "ExecuteComponents"),
                ("TerminateTestInstance", "TerminateInstance"),
            ],
        ),
        (
            f"{AWS}:workflow/distribution/distribute-image/1.0.1/1",
            [("DistributeImage", "DistributeImage")],
        ),
    ],
)
def test_default_workflows_have_the_default_steps(
    imagebuilder_mock: Any, imagebuilder_client: Any, arn: str, steps: list[tuple[str, str]]
) -> None:
    got = imagebuilder_client.get_workflow(workflowBuildVersionArn=arn)["workflow"]
    assert (got["arn"], got["owner"]) == (arn, "Amazon")
    record = imagebuilder_mock.backend(account_id="aws").find(arn)
    assert isinstance(record, Workflow)
    assert [(s.name, s.action) for s in record.steps] == steps


def test_default_build_workflow_by_wildcard(imagebuilder_client: Any) -> None:
    got = imagebuilder_client.get_workflow(
        workflowBuildVersionArn=f"{AWS}:workflow/build/build-image/x.x.x"
    )["workflow"]
    assert got["arn"] == f"{AWS}:workflow/build/build-image/1.0.3/1"


def test_amazon_workflow_build_versions(imagebuilder_client: Any) -> None:
    out = imagebuilder_client.list_workflow_build_versions(
        workflowVersionArn=f"{AWS}:workflow/test/test-image/1.0.x"
    )
    assert [s["version"] for s in out["workflowSummaryList"]] == [
        "1.0.3",
        "1.0.2",
        "1.0.1",
        "1.0.0",
    ]


# -- adding entries -------------------------------------------------------------------


def test_add_managed_component(imagebuilder_mock: Any, imagebuilder_client: Any) -> None:
    added = imagebuilder_mock.add_managed_component(
        "corp-hardening-linux",
        "2.0.0",
        supported_os_versions=["Amazon Linux 2023"],
        description="Hardening baseline",
    )
    assert added == f"{AWS}:component/corp-hardening-linux/2.0.0/1"
    got = imagebuilder_client.get_component(
        componentBuildVersionArn=f"{AWS}:component/corp-hardening-linux/x.x.x"
    )["component"]
    assert (got["arn"], got["description"], got["owner"]) == (
        added,
        "Hardening baseline",
        "Amazon",
    )
    again = imagebuilder_mock.add_managed_component("update-linux", "1.0.2")
    assert again == f"{AWS}:component/update-linux/1.0.2/3"
    names = {c["name"] for c in components(imagebuilder_client, owner="Amazon")}
    assert "corp-hardening-linux" in names


def test_add_managed_component_validates_its_document(imagebuilder_mock: Any) -> None:
    from imagebuilder_mock import ImageBuilderError

    with pytest.raises(ImageBuilderError, match="Invalid schema version"):
        imagebuilder_mock.add_managed_component("broken", "1.0.0", data="schemaVersion: 9\n")


def test_add_managed_workflow(imagebuilder_mock: Any, imagebuilder_client: Any) -> None:
    added = imagebuilder_mock.add_managed_workflow("build-image", "1.1.0")
    assert added == f"{AWS}:workflow/build/build-image/1.1.0/1"
    data = imagebuilder_client.get_workflow(workflowBuildVersionArn=added)["workflow"]["data"]
    assert "name: LaunchBuildInstance" in data
    got = imagebuilder_client.get_workflow(
        workflowBuildVersionArn=f"{AWS}:workflow/build/build-image/x.x.x"
    )["workflow"]
    assert got["arn"] == added


def test_additions_end_with_the_mock() -> None:
    from imagebuilder_mock import mock_imagebuilder

    with mock_imagebuilder() as mock:
        mock.add_managed_component("temporary-linux", "1.0.0")
    with mock_imagebuilder():
        client = boto3.client("imagebuilder", region_name="us-east-1")
        names = {c["name"] for c in components(client, owner="Amazon")}
        assert "temporary-linux" not in names
