"""Controller verbs that seed the catalog, run schedules and seed scan findings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from builders import image_recipe, infrastructure

from imagebuilder_mock import ImageBuilderMock

REGION = "us-east-1"


def test_managed_component_workflow_and_image(
    imagebuilder_mock: ImageBuilderMock, imagebuilder_client: Any
) -> None:
    component = imagebuilder_mock.add_managed_component(
        "corp-hardening-linux", "2.0.0", description="CIS level 1"
    )
    assert component == f"arn:aws:imagebuilder:{REGION}:aws:component/corp-hardening-linux/2.0.0/1"
    listed = imagebuilder_client.list_components(
        owner="Amazon", filters=[{"name": "name", "values": ["corp-hardening-linux"]}]
    )["componentVersionList"]
    assert [(c["name"], c["version"], c["owner"]) for c in listed] == [
        ("corp-hardening-linux", "2.0.0", "Amazon")
    ]
    workflow = imagebuilder_mock.add_managed_workflow("corp-build", "1.0.0")
    got = imagebuilder_client.get_workflow(workflowBuildVersionArn=workflow)["workflow"]
    assert (got["type"], got["arn"]) == ("BUILD", workflow)

    image = imagebuilder_mock.add_managed_image(
        "Rocky Linux 9 x86", "2026.1.0", os_version="Rocky Linux 9"
    )
    assert image.endswith(":aws:image/rocky-linux-9-x86/2026.1.0/1")
    second = imagebuilder_mock.add_managed_image("Rocky Linux 9 x86", "2026.1.0")
    assert second.endswith("/2026.1.0/2")
    wildcard = f"arn:aws:imagebuilder:{REGION}:aws:image/rocky-linux-9-x86/x.x.x"
    fetched = imagebuilder_client.get_image(imageBuildVersionArn=wildcard)["image"]
    assert fetched["arn"] == second
    assert fetched["osVersion"] == "Rocky Linux 9"
    recipe = imagebuilder_client.create_image_recipe(
        name="rocky",
        semanticVersion="1.0.0",
        components=[{"componentArn": component}],
        parentImage=wildcard,
    )["imageRecipeArn"]
    assert recipe.endswith(":image-recipe/rocky/1.0.0")


def test_run_schedules_follows_the_frozen_clock(
    imagebuilder_mock: ImageBuilderMock, imagebuilder_client: Any
) -> None:
    imagebuilder_mock.set_time(dt.datetime(2026, 6, 1, 5, 0))  # a Monday
    pipeline = imagebuilder_client.create_image_pipeline(
        name="nightly",
        imageRecipeArn=image_recipe(imagebuilder_client),
        infrastructureConfigurationArn=infrastructure(imagebuilder_client),
        schedule={
            "scheduleExpression": "cron(0 6 * * ? *)",
            "pipelineExecutionStartCondition": "EXPRESSION_MATCH_ONLY",
        },
    )["imagePipelineArn"]
    got = imagebuilder_client.get_image_pipeline(imagePipelineArn=pipeline)["imagePipeline"]
    assert got["dateNextRun"] == "2026-06-01T06:00:00.000Z"
    assert imagebuilder_mock.run_schedules() == []
    imagebuilder_mock.tick(3600)
    (started,) = imagebuilder_mock.run_schedules()
    image = imagebuilder_client.get_image(imageBuildVersionArn=started)["image"]
    assert image["buildType"] == "SCHEDULED"
    assert image["sourcePipelineArn"] == pipeline
    assert imagebuilder_mock.run_schedules() == []


def test_seeded_scan_findings(
    imagebuilder_mock: ImageBuilderMock, imagebuilder_client: Any
) -> None:
    image = "arn:aws:imagebuilder:us-east-1:123456789012:image/web/1.0.0/1"
    finding = imagebuilder_mock.add_scan_finding(
        severity="HIGH", imageBuildVersionArn=image, vulnerabilityId="CVE-2026-0001"
    )
    assert finding["severity"] == "HIGH"
    listed = imagebuilder_client.list_image_scan_findings(
        filters=[{"name": "vulnerabilityId", "values": ["CVE-2026-0001"]}]
    )["findings"]
    assert [f["imageBuildVersionArn"] for f in listed] == [image]


def test_run_lifecycle_policies_needs_a_known_policy(imagebuilder_mock: ImageBuilderMock) -> None:
    missing = f"arn:aws:imagebuilder:{REGION}:123456789012:lifecycle-policy/none"
    with pytest.raises(KeyError, match="no lifecycle policy"):
        imagebuilder_mock.run_lifecycle_policies(missing)
    assert imagebuilder_mock.run_lifecycle_policies() == []
