"""List entries are cut from the same record as the Get view, and build lists page
through the builds of one version (or wildcard) only."""

from __future__ import annotations

from typing import Any

import pytest
from builders import build, distribution, image_recipe, infrastructure
from model import members

pytestmark = pytest.mark.imagebuilder(progression="immediate")

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/lifecycle"
PREFIX = f"arn:aws:imagebuilder:us-east-1:{ACCOUNT}"
WORKFLOW = """\
name: build-{build}
schemaVersion: 1.0
steps:
  - name: LaunchBuildInstance
    action: LaunchInstance
    onFailure: Abort
    inputs:
      waitFor: ssmAgent
"""


def _fully_set_image(client: Any) -> tuple[str, dict[str, Any]]:
    """A build with tags, a distribution, a deprecation and a lifecycle execution."""
    recipe = image_recipe(client, name="full", tags={"recipe": "tag"})
    arn = build(
        client,
        recipe,
        infrastructure(client),
        distributionConfigurationArn=distribution(client, ("us-east-1", "eu-west-1")),
        tags={"team": "web", "stage": "prod"},
    )
    client.start_resource_state_update(
        resourceArn=arn,
        state={"status": "DEPRECATED"},
        executionRole=ROLE,
        includeResources={"amis": True},
    )
    return arn, client.get_image(imageBuildVersionArn=arn)["image"]


def _same_as_get(entry: dict[str, Any], image: dict[str, Any], shape: str) -> None:
    """The entry shows every member it shares with the Image shape exactly as
    GetImage does (and leaves out those GetImage leaves out)."""
    shared = members(shape) & members("Image") - {"arn", "version"}
    assert {m: v for m, v in entry.items() if m in shared} == {
        m: v for m, v in image.items() if m in shared
    }
    # ``owner`` is a List member only.
    assert entry["owner"] == ACCOUNT


def test_build_summary_shows_what_get_image_shows(imagebuilder_client: Any) -> None:
    arn, image = _fully_set_image(imagebuilder_client)
    for member in ("tags", "deprecationTime", "lifecycleExecutionId", "outputResources"):
        assert member in image, member
    (summary,) = imagebuilder_client.list_image_build_versions(
        imageVersionArn=arn.rsplit("/", 1)[0]
    )["imageSummaryList"]
    assert (summary["arn"], summary["version"]) == (image["arn"], image["version"])
    _same_as_get(summary, image, "ImageSummary")
    assert set(summary) == (members("ImageSummary") & (set(image) | {"owner"}))


def test_version_entry_shows_what_get_image_shows_for_its_version(
    imagebuilder_client: Any,
) -> None:
    arn, image = _fully_set_image(imagebuilder_client)
    (entry,) = imagebuilder_client.list_images(includeDeprecated=True)["imageVersionList"]
    # The entry stands for the version: its ARN and version carry no build number.
    assert entry["arn"] == arn.rsplit("/", 1)[0]
    assert entry["version"] == "1.0.0"
    _same_as_get(entry, image, "ImageVersion")
    assert set(entry) == (members("ImageVersion") & (set(image) | {"owner"}))


def test_build_versions_page_through_the_builds_of_their_version_only(
    imagebuilder_client: Any,
) -> None:
    infra = infrastructure(imagebuilder_client)
    built: dict[str, list[str]] = {}
    # Neighbours on both sides in list order: other names, and versions of the
    # same name above and below the one listed.
    for name, version, count in (
        ("wea", "1.0.0", 1),
        ("web", "1.1.0", 2),
        ("web", "1.0.0", 5),
        ("web", "0.9.0", 1),
        ("wec", "1.0.0", 1),
    ):
        recipe = image_recipe(imagebuilder_client, name=name, version=version)
        built[f"{name}/{version}"] = [
            build(imagebuilder_client, recipe, infra) for _ in range(count)
        ]
    paginator = imagebuilder_client.get_paginator("list_image_build_versions")
    pages = [
        [entry["arn"] for entry in page["imageSummaryList"]]
        for page in paginator.paginate(
            imageVersionArn=f"{PREFIX}:image/web/1.0.0", PaginationConfig={"PageSize": 2}
        )
    ]
    newest_first = built["web/1.0.0"][::-1]
    assert pages == [newest_first[:2], newest_first[2:4], newest_first[4:]]


def test_wildcard_build_versions_page_through_their_builds_only(
    imagebuilder_client: Any,
) -> None:
    built: dict[str, list[str]] = {}
    for name, version, count in (
        ("wea", "1.0.0", 1),
        ("web", "2.0.0", 2),
        ("web", "1.2.0", 2),
        ("web", "1.0.0", 3),
        ("web", "0.9.0", 1),
        ("wec", "1.0.0", 1),
    ):
        built[f"{name}/{version}"] = [
            imagebuilder_client.create_workflow(
                name=name,
                semanticVersion=version,
                type="BUILD",
                data=WORKFLOW.format(build=n),
            )["workflowBuildVersionArn"]
            for n in range(count)
        ]

    def pages(version: str) -> list[list[str]]:
        paginator = imagebuilder_client.get_paginator("list_workflow_build_versions")
        return [
            [entry["arn"] for entry in page["workflowSummaryList"]]
            for page in paginator.paginate(
                workflowVersionArn=f"{PREFIX}:workflow/build/web/{version}",
                PaginationConfig={"PageSize": 2},
            )
        ]

    ones = built["web/1.2.0"][::-1] + built["web/1.0.0"][::-1]
    assert pages("1.x.x") == [ones[:2], ones[2:4], ones[4:]]
    assert pages("1.0.x") == [ones[2:4], ones[4:]]
    assert pages("x.x.x") == [
        built["web/2.0.0"][::-1],
        ones[:2],
        ones[2:4],
        [ones[4], built["web/0.9.0"][0]],
    ]
    assert pages("3.x.x") == [[]]


def test_workflow_entries_show_what_get_workflow_shows(imagebuilder_client: Any) -> None:
    arn = imagebuilder_client.create_workflow(
        name="full",
        semanticVersion="1.0.0",
        type="BUILD",
        data=WORKFLOW.format(build=1),
        description="every member",
        changeDescription="first",
        kmsKeyId=f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        tags={"team": "web"},
    )["workflowBuildVersionArn"]
    workflow = imagebuilder_client.get_workflow(workflowBuildVersionArn=arn)["workflow"]
    for member in ("description", "changeDescription", "kmsKeyId", "tags"):
        assert member in workflow, member
    (summary,) = imagebuilder_client.list_workflow_build_versions(
        workflowVersionArn=arn.rsplit("/", 1)[0]
    )["workflowSummaryList"]
    assert summary == {m: v for m, v in workflow.items() if m in members("WorkflowSummary")}
    (entry,) = imagebuilder_client.list_workflows()["workflowVersionList"]
    assert entry == {
        **{m: v for m, v in workflow.items() if m in members("WorkflowVersion")},
        "arn": arn.rsplit("/", 1)[0],
    }
