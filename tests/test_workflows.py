"""Workflows: create, get (build/version/wildcard), list, build versions, delete."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from errors import error_of

ACCOUNT = "123456789012"
BASE = f"arn:aws:imagebuilder:us-east-1:{ACCOUNT}:workflow"

DOC = """\
name: custom-build
description: Launches, builds and terminates.
schemaVersion: 1.0
parameters:
  - name: keepInstance
    type: boolean
    default: false
    description: Keep the build instance.
steps:
  - name: LaunchBuildInstance
    action: LaunchInstance
    onFailure: Abort
    inputs:
      waitFor: ssmAgent
  - name: ApplyBuildComponents
    action: ExecuteComponents
    inputs:
      instanceId.$: $.stepOutputs.LaunchBuildInstance.instanceId
  - name: CreateOutputAMI
    action: CreateImage
    inputs:
      instanceId.$: $.stepOutputs.LaunchBuildInstance.instanceId
  - name: TerminateBuildInstance
    action: TerminateInstance
    onFailure: Continue
    inputs:
      instanceId.$: $.stepOutputs.LaunchBuildInstance.instanceId
"""


def make(client: Any, name: str = "custom-build", version: str = "1.0.0", **extra: Any) -> str:
    extra.setdefault("type", "BUILD")
    extra.setdefault("data", DOC)
    if extra["data"] is None:
        del extra["data"]
    return str(
        client.create_workflow(name=name, semanticVersion=version, **extra)[
            "workflowBuildVersionArn"
        ]
    )


def listed(client: Any, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in client.get_paginator("list_workflows").paginate(**params):
        items.extend(page["workflowVersionList"])
    return items


@pytest.mark.parametrize(
    ("kind", "segment"), [("BUILD", "build"), ("TEST", "test"), ("DISTRIBUTION", "distribution")]
)
def test_create_returns_typed_build_arn(imagebuilder_client: Any, kind: str, segment: str) -> None:
    out = imagebuilder_client.create_workflow(
        name="My_Workflow", semanticVersion="1.2.3", type=kind, data=DOC
    )
    base = f"{BASE}/{segment}/my-workflow"
    assert out["workflowBuildVersionArn"] == f"{base}/1.2.3/1"
    assert out["latestVersionReferences"] == {
        "latestVersionArn": f"{base}/x.x.x",
        "latestMajorVersionArn": f"{base}/1.x.x",
        "latestMinorVersionArn": f"{base}/1.2.x",
        "latestPatchVersionArn": f"{base}/1.2.3",
    }
    assert "requestId" not in out


def test_get_returns_every_field(imagebuilder_client: Any) -> None:
    arn = make(
        imagebuilder_client,
        description="Custom build",
        changeDescription="first",
        kmsKeyId="alias/workflows",
        tags={"team": "images"},
    )
    out = imagebuilder_client.get_workflow(workflowBuildVersionArn=arn)
    got = out["workflow"]
    assert got.pop("dateCreated").endswith("Z")
    assert got == {
        "arn": arn,
        "name": "custom-build",
        "version": "1.0.0",
        "description": "Custom build",
        "changeDescription": "first",
        "type": "BUILD",
        "owner": ACCOUNT,
        "data": DOC,
        "kmsKeyId": "alias/workflows",
        "tags": {"team": "images"},
        "parameters": [
            {
                "name": "keepInstance",
                "type": "boolean",
                "defaultValue": ["false"],
                "description": "Keep the build instance.",
            }
        ],
    }
    assert "requestId" not in out
    assert out["latestVersionReferences"]["latestVersionArn"] == f"{BASE}/build/custom-build/x.x.x"


def test_same_name_and_version_makes_the_next_build(imagebuilder_client: Any) -> None:
    first = make(imagebuilder_client)
    second = make(imagebuilder_client, changeDescription="second")
    assert (first, second) == (
        f"{BASE}/build/custom-build/1.0.0/1",
        f"{BASE}/build/custom-build/1.0.0/2",
    )
    with pytest.raises(ClientError) as excinfo:
        make(imagebuilder_client, changeDescription="second")
    assert error_of(excinfo) == (
        "ResourceAlreadyExistsException",
        f"The following resource 'Workflow' already exists: '{second}'.",
    )


def test_same_name_in_two_stages_are_two_workflows(imagebuilder_client: Any) -> None:
    build = make(imagebuilder_client)
    test = make(imagebuilder_client, type="TEST")
    assert build.endswith("/build/custom-build/1.0.0/1")
    assert test.endswith("/test/custom-build/1.0.0/1")
    assert [w["type"] for w in listed(imagebuilder_client)] == ["BUILD", "TEST"]


@pytest.mark.parametrize(
    "sources", [{"data": None}, {"uri": "s3://bucket/workflow.yaml"}], ids=["neither", "both"]
)
def test_exactly_one_of_data_and_uri(imagebuilder_client: Any, sources: dict[str, Any]) -> None:
    with pytest.raises(ClientError) as excinfo:
        make(imagebuilder_client, **sources)
    assert error_of(excinfo) == (
        "InvalidParameterCombinationException",
        "You must specify exactly one of data or uri.",
    )


@pytest.mark.parametrize(
    ("kind", "first_step"),
    [("BUILD", "LaunchBuildInstance"), ("TEST", "LaunchTestInstance")],
)
def test_uri_workflow_runs_the_default_steps_of_its_stage(
    imagebuilder_mock: Any, imagebuilder_client: Any, kind: str, first_step: str
) -> None:
    arn = make(imagebuilder_client, type=kind, data=None, uri="s3://my-bucket/wf.yaml")
    record = imagebuilder_mock.backend().find(arn)
    assert record.steps[0].name == first_step


def test_uri_must_be_an_s3_url(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        make(imagebuilder_client, data=None, uri="https://example.com/wf.yaml")
    assert error_of(excinfo)[0] == "InvalidParameterValueException"


def test_dry_run_creates_nothing(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        make(imagebuilder_client, dryRun=True)
    assert error_of(excinfo) == (
        "DryRunOperationException",
        "Request would have succeeded, but the DryRun flag is set.",
    )
    assert listed(imagebuilder_client) == []
    assert make(imagebuilder_client).endswith("/1.0.0/1")


def test_version_node_out_of_range(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        make(imagebuilder_client, version="1.1073741824.0")
    assert error_of(excinfo) == (
        "InvalidVersionNumberException",
        "The semantic version '1.1073741824.0' is not valid. Each node must be between 0 and "
        "1073741823.",
    )


@pytest.fixture
def versions(imagebuilder_client: Any) -> None:
    for version in ("2.2.4", "1.7.8", "1.6.8"):
        make(imagebuilder_client, version=version)
    make(imagebuilder_client, version="1.7.8", changeDescription="rebuild")


@pytest.mark.parametrize(
    ("selector", "expected"),
    [("x.x.x", "2.2.4/1"), ("1.x.x", "1.7.8/2"), ("1.6.x", "1.6.8/1"), ("1.7.8/1", "1.7.8/1")],
)
def test_get_resolves_to_a_build(
    imagebuilder_client: Any, versions: None, selector: str, expected: str
) -> None:
    out = imagebuilder_client.get_workflow(
        workflowBuildVersionArn=f"{BASE}/build/custom-build/{selector}"
    )
    assert out["workflow"]["arn"] == f"{BASE}/build/custom-build/{expected}"
    assert out["workflow"]["version"] == expected.split("/")[0]


def test_get_rejects_misaligned_wildcard(imagebuilder_client: Any, versions: None) -> None:
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.get_workflow(workflowBuildVersionArn=f"{BASE}/build/custom-build/1.x.8")
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'workflowBuildVersionArn' is not valid. The version "
        "'1.x.8' is not valid: a wildcard (x) may only be followed by other wildcards.",
    )


@pytest.mark.parametrize("suffix", ["build/custom-build/3.x.x", "test/custom-build/x.x.x"])
def test_get_of_nothing_matching_is_not_found(
    imagebuilder_client: Any, versions: None, suffix: str
) -> None:
    arn = f"{BASE}/{suffix}"
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.get_workflow(workflowBuildVersionArn=arn)
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        f"The resource ARN '{arn}' does not exist.",
    )


def test_list_and_filters(imagebuilder_client: Any, versions: None) -> None:
    make(imagebuilder_client, name="tester", type="TEST", description="tests")
    items = listed(imagebuilder_client)
    assert [(w["name"], w["version"]) for w in items] == [
        ("custom-build", "2.2.4"),
        ("custom-build", "1.7.8"),
        ("custom-build", "1.6.8"),
        ("tester", "1.0.0"),
    ]
    assert items[0] == {
        "arn": f"{BASE}/build/custom-build/2.2.4",
        "name": "custom-build",
        "version": "2.2.4",
        "type": "BUILD",
        "owner": ACCOUNT,
        "dateCreated": items[0]["dateCreated"],
    }

    def names(name: str, values: list[str]) -> list[tuple[str, str]]:
        found = listed(imagebuilder_client, filters=[{"name": name, "values": values}])
        return [(w["name"], w["version"]) for w in found]

    assert names("type", ["TEST"]) == [("tester", "1.0.0")]
    assert names("name", ["tester"]) == [("tester", "1.0.0")]
    assert names("description", ["tests"]) == [("tester", "1.0.0")]
    assert names("version", ["1.6.x", "1.7.x"]) == [
        ("custom-build", "1.7.8"),
        ("custom-build", "1.6.8"),
    ]
    by_name = listed(imagebuilder_client, byName=True)
    assert [(w["name"], w["version"]) for w in by_name] == [
        ("custom-build", "2.2.4"),
        ("tester", "1.0.0"),
    ]


def test_list_by_name_with_version_filter_is_refused(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.list_workflows(
            byName=True, filters=[{"name": "version", "values": ["1.x.x"]}]
        )
    assert error_of(excinfo) == (
        "InvalidParameterCombinationException",
        "The value supplied for parameter 'filters' is not valid. You cannot list Workflows by "
        "name and filter by version in the same request.",
    )


@pytest.mark.parametrize("owner", ["Shared", "ThirdParty"])
def test_list_rejects_owners_workflows_do_not_have(imagebuilder_client: Any, owner: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.list_workflows(owner=owner)
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        f"The value supplied for parameter 'owner' is not valid. The owner '{owner}' is not "
        "supported for workflows.",
    )


def test_list_marketplace_workflows_is_empty(imagebuilder_client: Any) -> None:
    make(imagebuilder_client)
    assert listed(imagebuilder_client, owner="AWSMarketplace") == []


def test_build_versions_newest_first_with_wildcards(
    imagebuilder_client: Any, versions: None
) -> None:
    def arns(version_arn: str | None = None) -> list[str]:
        params = {"workflowVersionArn": version_arn} if version_arn else {}
        out = imagebuilder_client.list_workflow_build_versions(**params)
        return [
            s["arn"].removeprefix(f"{BASE}/build/custom-build/") for s in out["workflowSummaryList"]
        ]

    assert arns(f"{BASE}/build/custom-build/1.7.8") == ["1.7.8/2", "1.7.8/1"]
    assert arns(f"{BASE}/build/custom-build/1.x.x") == ["1.7.8/2", "1.7.8/1", "1.6.8/1"]
    assert arns() == ["2.2.4/1", "1.7.8/2", "1.7.8/1", "1.6.8/1"]
    assert arns(f"{BASE}/test/custom-build/x.x.x") == []
    summary = imagebuilder_client.list_workflow_build_versions(
        workflowVersionArn=f"{BASE}/build/custom-build/2.2.4"
    )["workflowSummaryList"][0]
    assert summary == {
        "arn": f"{BASE}/build/custom-build/2.2.4/1",
        "name": "custom-build",
        "version": "2.2.4",
        "type": "BUILD",
        "owner": ACCOUNT,
        "dateCreated": summary["dateCreated"],
        "tags": {},
    }


def test_delete(imagebuilder_client: Any) -> None:
    arn = make(imagebuilder_client)
    out = imagebuilder_client.delete_workflow(workflowBuildVersionArn=arn)
    assert out["workflowBuildVersionArn"] == arn
    assert "requestId" not in out
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.delete_workflow(workflowBuildVersionArn=arn)
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        f"The resource ARN '{arn}' does not exist.",
    )


def test_delete_needs_a_build_arn(imagebuilder_client: Any) -> None:
    make(imagebuilder_client)
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.delete_workflow(
            workflowBuildVersionArn=f"{BASE}/build/custom-build/1.0.0"
        )
    code, message = error_of(excinfo)
    assert code == "InvalidParameterValueException"
    assert "'workflowBuildVersionArn'" in message


def test_delete_of_a_workflow_a_pipeline_uses_is_refused(imagebuilder_client: Any) -> None:
    arn = make(imagebuilder_client)
    recipe = imagebuilder_client.create_image_recipe(
        name="recipe",
        semanticVersion="1.0.0",
        parentImage="arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.x.x",
        components=[
            {"componentArn": "arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x"}
        ],
    )["imageRecipeArn"]
    infra = imagebuilder_client.create_infrastructure_configuration(
        name="infra", instanceProfileName="EC2InstanceProfileForImageBuilder"
    )["infrastructureConfigurationArn"]
    imagebuilder_client.create_image_pipeline(
        name="pipeline",
        imageRecipeArn=recipe,
        infrastructureConfigurationArn=infra,
        executionRole="arn:aws:iam::123456789012:role/ImageBuilderExecution",
        workflows=[{"workflowArn": f"{BASE}/build/custom-build/x.x.x"}],
    )
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.delete_workflow(workflowBuildVersionArn=arn)
    assert error_of(excinfo) == (
        "ResourceDependencyException",
        f"Resource dependency error: The resource ARN '{arn}' has other resources depended on it.",
    )
