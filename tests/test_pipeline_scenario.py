"""A release pipeline's life, end to end, the way an Image Builder team tests it.

Three runs (one fails in testing, one is cancelled, one succeeds), a retry of
the failed build, the pipeline's image list, the workflow executions and AMIs
of the builds, then a lifecycle policy that deprecates and later deletes the
old images.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from builders import aws_image, component, distribution, infrastructure, status

from imagebuilder_mock import ImageBuilderMock

REGION = "us-east-1"
TERMINAL = ("AVAILABLE", "FAILED", "CANCELLED")
# Far more looks than any build here takes: a build that stops moving fails the test.
MAX_POLLS = 100


def poll(client: Any, arn: str) -> dict[str, Any]:
    for _ in range(MAX_POLLS):
        image: dict[str, Any] = client.get_image(imageBuildVersionArn=arn)["image"]
        if image["state"]["status"] in TERMINAL:
            return image
    pytest.fail(f"{arn} is still {image['state']['status']} after {MAX_POLLS} polls")


@pytest.mark.imagebuilder(progression="manual")
def test_pipeline_runs_retries_and_lifecycle(
    imagebuilder_mock: ImageBuilderMock, imagebuilder_client: Any
) -> None:
    client = imagebuilder_client
    imagebuilder_mock.set_time(dt.datetime(2026, 3, 2, 9, 0))
    recipe = client.create_image_recipe(
        name="web-server",
        semanticVersion="1.0.0",
        components=[
            {"componentArn": f"arn:aws:imagebuilder:{REGION}:aws:component/update-linux/x.x.x"},
            {"componentArn": component(client, "nginx")},
        ],
        parentImage=aws_image(REGION),
    )["imageRecipeArn"]
    pipeline = client.create_image_pipeline(
        name="web-server-pipeline",
        imageRecipeArn=recipe,
        infrastructureConfigurationArn=infrastructure(client),
        distributionConfigurationArn=distribution(
            client,
            (REGION, "eu-west-1"),
            ami={"name": "web-server {{imagebuilder:buildDate}}"},
        ),
        imageTags={"app": "web"},
        schedule={"scheduleExpression": "cron(0 6 ? * MON *)"},
    )["imagePipelineArn"]

    # Run 1 fails in testing; run 2 is cancelled while building; run 3 succeeds.
    imagebuilder_mock.fail_build(at="TESTING", reason="Test component failed: nginx-health.")
    failed = client.start_image_pipeline_execution(imagePipelineArn=pipeline)[
        "imageBuildVersionArn"
    ]
    cancelled = client.start_image_pipeline_execution(imagePipelineArn=pipeline)[
        "imageBuildVersionArn"
    ]
    good = client.start_image_pipeline_execution(imagePipelineArn=pipeline)["imageBuildVersionArn"]
    assert [arn.rsplit("/", 1)[1] for arn in (failed, cancelled, good)] == ["1", "2", "3"]

    imagebuilder_mock.set_progression("observe")
    assert poll(client, failed)["state"] == {
        "status": "FAILED",
        "reason": "Test component failed: nginx-health.",
    }
    for _ in range(MAX_POLLS):
        if status(client, cancelled) == "BUILDING":
            break
    else:
        pytest.fail(f"{cancelled} did not reach BUILDING in {MAX_POLLS} polls")
    client.cancel_image_creation(imageBuildVersionArn=cancelled)
    good_image = poll(client, good)
    assert good_image["state"]["status"] == "AVAILABLE"
    assert good_image["sourcePipelineArn"] == pipeline
    assert good_image["tags"] == {}  # manual runs carry the request's tags only
    amis = good_image["outputResources"]["amis"]
    assert [ami["region"] for ami in amis] == [REGION, "eu-west-1"]
    assert all(ami["name"].startswith("web-server 2026-03-02T09-00-00") for ami in amis)

    # The failed build is retried in place and resumes at TESTING.
    assert client.retry_image(imageBuildVersionArn=failed)["imageBuildVersionArn"] == failed
    retried = poll(client, failed)
    assert retried["state"] == {"status": "AVAILABLE"}

    listed = client.list_image_pipeline_images(imagePipelineArn=pipeline)["imageSummaryList"]
    assert {(i["arn"], i["state"]["status"]) for i in listed} == {
        (failed, "AVAILABLE"),
        (cancelled, "CANCELLED"),
        (good, "AVAILABLE"),
    }
    got = client.get_image_pipeline(imagePipelineArn=pipeline)["imagePipeline"]
    assert got["lastRunStatus"] == "AVAILABLE"

    # Workflow executions: the default build and test workflows ran for the good build.
    executions = client.list_workflow_executions(imageBuildVersionArn=good)["workflowExecutions"]
    assert {(e["type"], e["status"]) for e in executions} >= {
        ("BUILD", "COMPLETED"),
        ("TEST", "COMPLETED"),
    }
    build_run = next(e for e in executions if e["type"] == "BUILD")
    steps = client.list_workflow_step_executions(
        workflowExecutionId=build_run["workflowExecutionId"]
    )
    assert steps["steps"] and all(s["status"] in ("COMPLETED", "SKIPPED") for s in steps["steps"])
    failed_runs = client.list_workflow_executions(imageBuildVersionArn=failed)["workflowExecutions"]
    assert any(e.get("retried") for e in failed_runs) or any(
        e["status"] == "FAILED" for e in failed_runs
    )

    # A month on, a lifecycle policy deprecates images older than two weeks...
    policy = client.create_lifecycle_policy(
        name="web-server-retention",
        executionRole="arn:aws:iam::123456789012:role/ImageBuilderLifecycle",
        resourceType="AMI_IMAGE",
        policyDetails=[
            {
                "action": {"type": "DEPRECATE"},
                "filter": {"type": "AGE", "value": 2, "unit": "WEEKS"},
            },
            {
                "action": {"type": "DELETE"},
                "filter": {"type": "AGE", "value": 6, "unit": "WEEKS"},
            },
        ],
        resourceSelection={"recipes": [{"name": "web-server", "semanticVersion": "1.0.x"}]},
    )["lifecyclePolicyArn"]
    imagebuilder_mock.tick(dt.timedelta(days=21).total_seconds())
    (first_run,) = imagebuilder_mock.run_lifecycle_policies(policy)
    execution = client.get_lifecycle_execution(lifecycleExecutionId=first_run)["lifecycleExecution"]
    assert execution["state"]["status"] == "SUCCESS"
    assert execution["resourcesImpactedSummary"] == {"hasImpactedResources": True}
    for arn in (failed, good):
        assert client.get_image(imageBuildVersionArn=arn)["image"]["state"]["status"] == (
            "DEPRECATED"
        )
    builds = client.list_image_build_versions(imageVersionArn=good.rsplit("/", 1)[0])
    assert [(i["arn"], i["state"]["status"]) for i in builds["imageSummaryList"]] == [
        (good, "DEPRECATED"),
        (cancelled, "CANCELLED"),  # only AVAILABLE images are deprecated
        (failed, "DEPRECATED"),
    ]

    # ...and deletes every finished build once it is six weeks old.
    imagebuilder_mock.tick(dt.timedelta(days=30).total_seconds())
    (second_run,) = imagebuilder_mock.run_lifecycle_policies(policy)
    resources = client.list_lifecycle_execution_resources(lifecycleExecutionId=second_run)
    assert {(r["resourceId"], r["action"]["name"]) for r in resources["resources"]} == {
        (failed, "DELETE"),
        (cancelled, "DELETE"),
        (good, "DELETE"),
    }
    assert client.list_image_pipeline_images(imagePipelineArn=pipeline)["imageSummaryList"] == []
    assert client.get_image_pipeline(imagePipelineArn=pipeline)["imagePipeline"]["name"] == (
        "web-server-pipeline"
    )
