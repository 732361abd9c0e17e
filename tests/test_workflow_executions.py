"""Workflow executions recorded for image builds, and WaitForAction steps."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from builders import build, distribution, image_recipe, infrastructure, status
from errors import raised_error
from model import has_member

from imagebuilder_mock import ImageBuilderMock

REGION = "us-east-1"
BUILD_IMAGE = f"arn:aws:imagebuilder:{REGION}:aws:workflow/build/build-image/1.0.3/1"
TEST_IMAGE = f"arn:aws:imagebuilder:{REGION}:aws:workflow/test/test-image/1.0.3/1"
EXECUTION_ID = re.compile(r"^wf-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$")
STEP_ID = re.compile(r"^step-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$")
UNKNOWN_WF = "wf-00000000-0000-4000-8000-000000000000"
UNKNOWN_STEP = "step-00000000-0000-4000-8000-000000000000"
BUILD_STEPS = [
    ("LaunchBuildInstance", "LaunchInstance", "COMPLETED"),
    ("ApplyBuildComponents", "ExecuteComponents", "COMPLETED"),
    ("InventoryCollection", "CollectImageMetadata", "COMPLETED"),
    ("RunSanitizeScript", "SanitizeInstance", "COMPLETED"),
    ("RunSysPrepScript", "RunSysPrep", "SKIPPED"),
    ("CreateOutputAMI", "CreateImage", "COMPLETED"),
    ("TerminateBuildInstance", "TerminateInstance", "COMPLETED"),
]

GATED_BUILD = """\
name: gated-build
schemaVersion: 1.0
parameters:
  - name: ticket
    type: string
    default: CHG-1
steps:
  - name: LaunchBuildInstance
    action: LaunchInstance
    onFailure: Abort
    inputs:
      waitFor: ssmAgent
  - name: ApproveBuild
    action: WaitForAction
    onFailure: {on_failure}
    timeoutSeconds: 3600
    inputs:
      ticket.$: $.parameters.ticket
  - name: CreateOutputAMI
    action: CreateImage
    onFailure: Abort
    inputs:
      instanceId.$: $.stepOutputs.LaunchBuildInstance.instanceId
  - name: TerminateBuildInstance
    action: TerminateInstance
    onFailure: Continue
    inputs:
      instanceId.$: $.stepOutputs.LaunchBuildInstance.instanceId
"""

GATED_TEST = """\
name: gated-test
schemaVersion: 1.0
steps:
  - name: ApproveRelease
    action: WaitForAction
    onFailure: Abort
  - name: LaunchTestInstance
    action: LaunchInstance
    onFailure: Abort
"""


@pytest.fixture
def setup(imagebuilder_client: Any) -> tuple[str, str]:
    return image_recipe(imagebuilder_client), infrastructure(imagebuilder_client)


def executions(client: Any, arn: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.list_workflow_executions(imageBuildVersionArn=arn)[
        "workflowExecutions"
    ]
    return found


def steps_of(client: Any, execution_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.list_workflow_step_executions(
        workflowExecutionId=execution_id
    )["steps"]
    return found


def workflow(client: Any, name: str, kind: str, data: str) -> str:
    arn: str = client.create_workflow(name=name, semanticVersion="1.0.0", type=kind, data=data)[
        "workflowBuildVersionArn"
    ]
    return arn


def gated_build(
    client: Any, setup: tuple[str, str], on_failure: str = "Abort", **extra: Any
) -> str:
    flow = workflow(client, "gated-build", "BUILD", GATED_BUILD.format(on_failure=on_failure))
    return build(client, *setup, workflows=[{"workflowArn": flow, **extra}])


def waiting(client: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.list_waiting_workflow_steps()["steps"]
    return found


# -- default workflows ------------------------------------------------------------------


@pytest.mark.imagebuilder(progression="immediate")
def test_default_build_runs_the_aws_build_and_test_workflows(
    imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    arn = build(imagebuilder_client, *setup)
    response = imagebuilder_client.list_workflow_executions(imageBuildVersionArn=arn)
    assert response["imageBuildVersionArn"] == arn
    assert "message" not in response
    found = response["workflowExecutions"]
    assert [(e["workflowBuildVersionArn"], e["type"]) for e in found] == [
        (BUILD_IMAGE, "BUILD"),
        (TEST_IMAGE, "TEST"),
    ]
    first, second = found
    assert EXECUTION_ID.match(first["workflowExecutionId"])
    assert (first["status"], first["retried"]) == ("COMPLETED", False)
    assert (first["totalStepCount"], first["totalStepsSucceeded"]) == (7, 6)
    assert (first["totalStepsFailed"], first["totalStepsSkipped"]) == (0, 1)
    # The test workflow skips image scanning, which is off for this build.
    assert (second["totalStepCount"], second["totalStepsSucceeded"]) == (4, 3)
    assert second["totalStepsSkipped"] == 1
    assert first["startTime"] <= first["endTime"] <= second["startTime"]
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", first["startTime"])


@pytest.mark.imagebuilder(progression="immediate")
def test_build_steps_report_inputs_and_outputs(
    imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    arn = build(imagebuilder_client, *setup)
    execution = executions(imagebuilder_client, arn)[0]
    steps = steps_of(imagebuilder_client, execution["workflowExecutionId"])
    assert [(s["name"], s["action"], s["status"]) for s in steps] == BUILD_STEPS
    assert all(STEP_ID.match(s["stepExecutionId"]) for s in steps)
    launch, apply, _, _, sysprep, create, terminate = steps
    assert json.loads(launch["inputs"]) == {"waitFor": "ssmAgent"}
    instance = json.loads(launch["outputs"])["instanceId"]
    assert re.match(r"^i-[0-9a-f]{17}$", instance)
    # References to earlier outputs are resolved once the step runs ...
    assert json.loads(apply["inputs"]) == {"instanceId": instance}
    # ... and stay as written on a step that was skipped.
    assert json.loads(sysprep["inputs"]) == {
        "instanceId.$": "$.stepOutputs.LaunchBuildInstance.instanceId"
    }
    assert "outputs" not in sysprep and "outputs" not in terminate
    ami = imagebuilder_client.get_image(imageBuildVersionArn=arn)["image"]["outputResources"]
    assert json.loads(create["outputs"]) == {"imageId": ami["amis"][0]["image"]}
    assert sysprep["startTime"] == sysprep["endTime"]


@pytest.mark.imagebuilder(progression="immediate")
def test_get_workflow_execution_and_step_execution(
    imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    arn = build(imagebuilder_client, *setup)
    listed = executions(imagebuilder_client, arn)[0]
    got = imagebuilder_client.get_workflow_execution(
        workflowExecutionId=listed["workflowExecutionId"]
    )
    assert got["imageBuildVersionArn"] == arn
    assert got["workflowBuildVersionArn"] == BUILD_IMAGE
    assert (got["type"], got["status"], got["totalStepCount"]) == ("BUILD", "COMPLETED", 7)
    assert "requestId" in got
    step = steps_of(imagebuilder_client, listed["workflowExecutionId"])[0]
    detail = imagebuilder_client.get_workflow_step_execution(
        stepExecutionId=step["stepExecutionId"]
    )
    assert detail["workflowExecutionId"] == listed["workflowExecutionId"]
    assert detail["imageBuildVersionArn"] == arn
    assert (detail["name"], detail["onFailure"], detail["timeoutSeconds"]) == (
        "LaunchBuildInstance",
        "Abort",
        7200,
    )
    if has_member("GetWorkflowStepExecutionResponse", "attemptNumber"):
        assert (detail["attemptNumber"], detail["maxAttempts"]) == (1, 1)
    else:  # botocore before 1.44 has no attempt members; the mock leaves them out
        assert "attemptNumber" not in detail and "maxAttempts" not in detail
    assert detail["outputs"] == step["outputs"]


@pytest.mark.imagebuilder(progression="immediate")
def test_no_test_execution_when_tests_are_disabled(
    imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    arn = build(imagebuilder_client, *setup, imageTestsConfiguration={"imageTestsEnabled": False})
    assert [e["type"] for e in executions(imagebuilder_client, arn)] == ["BUILD"]


@pytest.mark.imagebuilder(progression="immediate")
def test_distribute_image_runs_only_the_distribution_workflow(
    imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    source = build(imagebuilder_client, *setup)
    target = imagebuilder_client.distribute_image(
        sourceImage=source,
        distributionConfigurationArn=distribution(imagebuilder_client, (REGION,)),
        executionRole="arn:aws:iam::123456789012:role/ImageBuilderDistribution",
    )["imageBuildVersionArn"]
    found = executions(imagebuilder_client, target)
    assert [(e["type"], e["status"]) for e in found] == [("DISTRIBUTION", "COMPLETED")]
    assert found[0]["workflowBuildVersionArn"] == BUILD_IMAGE.replace(
        "build/build-image/1.0.3", "distribution/distribute-image/1.0.1"
    )
    step = steps_of(imagebuilder_client, found[0]["workflowExecutionId"])[0]
    assert json.loads(step["inputs"])["distributions"] == [{"region": REGION}]


# -- as the build moves -----------------------------------------------------------------


@pytest.mark.imagebuilder(progression="manual")
def test_executions_follow_the_build_stage_by_stage(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock, setup: tuple[str, str]
) -> None:
    arn = build(imagebuilder_client, *setup)
    imagebuilder_mock.advance(arn, to="CREATING")
    assert executions(imagebuilder_client, arn) == []
    imagebuilder_mock.advance(arn, to="BUILDING")
    (running,) = executions(imagebuilder_client, arn)
    assert (running["status"], running["totalStepsSucceeded"]) == ("RUNNING", 0)
    assert "endTime" not in running
    statuses = [s["status"] for s in steps_of(imagebuilder_client, running["workflowExecutionId"])]
    assert statuses == ["RUNNING"] + ["PENDING"] * 6
    imagebuilder_mock.advance(arn, to="TESTING")
    built, testing = executions(imagebuilder_client, arn)
    assert (built["status"], testing["status"]) == ("COMPLETED", "RUNNING")
    imagebuilder_mock.advance(arn, to="AVAILABLE")
    assert [e["status"] for e in executions(imagebuilder_client, arn)] == ["COMPLETED"] * 2


@pytest.mark.imagebuilder(progression="immediate")
def test_failed_build_fails_its_build_execution(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock, setup: tuple[str, str]
) -> None:
    imagebuilder_mock.fail_build(at="BUILDING", reason="Component nginx failed.")
    arn = build(imagebuilder_client, *setup)
    response = imagebuilder_client.list_workflow_executions(imageBuildVersionArn=arn)
    assert response["message"] == "Component nginx failed."
    (failed,) = response["workflowExecutions"]
    assert (failed["status"], failed["message"]) == ("FAILED", "Component nginx failed.")
    assert failed["totalStepsFailed"] == 1
    assert (
        failed["totalStepsSucceeded"] + failed["totalStepsFailed"] + failed["totalStepsSkipped"]
        == failed["totalStepCount"]
    )
    steps = steps_of(imagebuilder_client, failed["workflowExecutionId"])
    assert (steps[0]["status"], steps[0]["message"]) == ("FAILED", "Component nginx failed.")
    assert {s["status"] for s in steps[1:]} == {"SKIPPED"}


@pytest.mark.imagebuilder(progression="manual")
def test_cancelled_build_cancels_the_running_execution(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock, setup: tuple[str, str]
) -> None:
    arn = build(imagebuilder_client, *setup)
    imagebuilder_mock.advance(arn, to="TESTING")
    imagebuilder_client.cancel_image_creation(imageBuildVersionArn=arn)
    built, tested = executions(imagebuilder_client, arn)
    assert built["status"] == "COMPLETED"
    assert (tested["status"], tested["message"]) == (
        "CANCELLED",
        "Image creation cancelled by user.",
    )
    assert tested["totalStepsFailed"] == 1
    assert [s["status"] for s in steps_of(imagebuilder_client, tested["workflowExecutionId"])] == [
        "CANCELLED",
        "SKIPPED",
        "SKIPPED",
        "SKIPPED",
    ]


@pytest.mark.imagebuilder(progression="immediate")
def test_retry_records_the_retried_stage_again(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock, setup: tuple[str, str]
) -> None:
    imagebuilder_mock.fail_build(at="BUILDING")
    arn = build(imagebuilder_client, *setup)
    imagebuilder_client.retry_image(imageBuildVersionArn=arn)
    assert status(imagebuilder_client, arn) == "AVAILABLE"
    found = executions(imagebuilder_client, arn)
    assert [(e["type"], e["status"], e["retried"]) for e in found] == [
        ("BUILD", "FAILED", False),
        ("BUILD", "COMPLETED", True),
        ("TEST", "COMPLETED", True),
    ]
    assert len({e["workflowExecutionId"] for e in found}) == 3


# -- configured workflows and WaitForAction ----------------------------------------------


@pytest.mark.imagebuilder(progression="immediate")
def test_wait_for_action_holds_the_build_until_resumed(
    imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    arn = gated_build(imagebuilder_client, setup, parallelGroup="group-a")
    assert status(imagebuilder_client, arn) == "BUILDING"
    assert status(imagebuilder_client, arn) == "BUILDING"
    (step,) = waiting(imagebuilder_client)
    (execution,) = executions(imagebuilder_client, arn)
    assert step["imageBuildVersionArn"] == arn
    assert step["workflowExecutionId"] == execution["workflowExecutionId"]
    assert (step["name"], step["action"]) == ("ApproveBuild", "WaitForAction")
    assert (execution["status"], execution["parallelGroup"]) == ("RUNNING", "group-a")
    detail = imagebuilder_client.get_workflow_step_execution(
        stepExecutionId=step["stepExecutionId"]
    )
    # The model has no WAITING status: a waiting step is RUNNING.
    assert (detail["status"], detail["timeoutSeconds"]) == ("RUNNING", 3600)
    assert json.loads(detail["inputs"]) == {"ticket": "CHG-1"}
    answer = imagebuilder_client.send_workflow_step_action(
        stepExecutionId=step["stepExecutionId"], imageBuildVersionArn=arn, action="RESUME"
    )
    assert (answer["stepExecutionId"], answer["imageBuildVersionArn"]) == (
        step["stepExecutionId"],
        arn,
    )
    assert "clientToken" in answer
    assert status(imagebuilder_client, arn) == "AVAILABLE"
    assert waiting(imagebuilder_client) == []
    steps = steps_of(imagebuilder_client, execution["workflowExecutionId"])
    assert [s["status"] for s in steps] == ["COMPLETED"] * 4
    assert json.loads(steps[1]["outputs"]) == {"action": "RESUME"}


@pytest.mark.imagebuilder(progression="observe")
def test_resumed_build_moves_on_as_it_is_observed(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock, setup: tuple[str, str]
) -> None:
    flow = workflow(imagebuilder_client, "gated-test", "TEST", GATED_TEST)
    arn = build(imagebuilder_client, *setup, workflows=[{"workflowArn": flow}])
    seen = [status(imagebuilder_client, arn) for _ in range(6)]
    assert seen == ["PENDING", "CREATING", "BUILDING", "TESTING", "TESTING", "TESTING"]
    (step,) = waiting(imagebuilder_client)
    assert step["name"] == "ApproveRelease"
    imagebuilder_client.send_workflow_step_action(
        stepExecutionId=step["stepExecutionId"], imageBuildVersionArn=arn, action="RESUME"
    )
    assert [status(imagebuilder_client, arn) for _ in range(3)] == [
        "TESTING",
        "DISTRIBUTING",
        "INTEGRATING",
    ]
    # Only the configured workflow ran: no default build workflow.
    assert [e["type"] for e in executions(imagebuilder_client, arn)] == ["TEST"]


@pytest.mark.imagebuilder(progression="immediate")
def test_stop_fails_the_step_the_execution_and_the_build(
    imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    arn = gated_build(imagebuilder_client, setup)
    (step,) = waiting(imagebuilder_client)
    imagebuilder_client.send_workflow_step_action(
        stepExecutionId=step["stepExecutionId"],
        imageBuildVersionArn=arn,
        action="STOP",
        reason="Change request rejected.",
    )
    state = imagebuilder_client.get_image(imageBuildVersionArn=arn)["image"]["state"]
    assert state == {
        "status": "FAILED",
        "reason": "Workflow step 'ApproveBuild' was stopped: Change request rejected.",
    }
    (execution,) = executions(imagebuilder_client, arn)
    assert (execution["status"], execution["message"]) == ("FAILED", state["reason"])
    assert (execution["totalStepsSucceeded"], execution["totalStepsFailed"]) == (1, 1)
    assert execution["totalStepsSkipped"] == 2
    steps = steps_of(imagebuilder_client, execution["workflowExecutionId"])
    assert [s["status"] for s in steps] == ["COMPLETED", "FAILED", "SKIPPED", "SKIPPED"]
    assert steps[1]["message"] == "Change request rejected."
    assert waiting(imagebuilder_client) == []


@pytest.mark.imagebuilder(progression="immediate")
def test_stop_on_a_continue_step_lets_the_build_go_on(
    imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    arn = gated_build(imagebuilder_client, setup, on_failure="Continue")
    (step,) = waiting(imagebuilder_client)
    imagebuilder_client.send_workflow_step_action(
        stepExecutionId=step["stepExecutionId"], imageBuildVersionArn=arn, action="STOP"
    )
    assert status(imagebuilder_client, arn) == "AVAILABLE"
    (execution,) = executions(imagebuilder_client, arn)
    assert (execution["status"], execution["totalStepsFailed"]) == ("COMPLETED", 1)
    detail = imagebuilder_client.get_workflow_step_execution(
        stepExecutionId=step["stepExecutionId"]
    )
    assert (detail["status"], detail["message"]) == (
        "FAILED",
        "Stopped by SendWorkflowStepAction.",
    )


@pytest.mark.imagebuilder(progression="immediate")
def test_stopped_workflow_set_to_continue_does_not_fail_the_build(
    imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    arn = gated_build(imagebuilder_client, setup, onFailure="CONTINUE")
    (step,) = waiting(imagebuilder_client)
    imagebuilder_client.send_workflow_step_action(
        stepExecutionId=step["stepExecutionId"], imageBuildVersionArn=arn, action="STOP"
    )
    assert status(imagebuilder_client, arn) == "AVAILABLE"
    assert executions(imagebuilder_client, arn)[0]["status"] == "FAILED"


@pytest.mark.imagebuilder(progression="manual")
def test_controller_advance_releases_a_waiting_step(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock, setup: tuple[str, str]
) -> None:
    arn = gated_build(imagebuilder_client, setup)
    imagebuilder_mock.advance(arn, to="BUILDING")
    (step,) = waiting(imagebuilder_client)
    assert imagebuilder_mock.advance(arn) == "TESTING"
    assert waiting(imagebuilder_client) == []
    detail = imagebuilder_client.get_workflow_step_execution(
        stepExecutionId=step["stepExecutionId"]
    )
    assert detail["status"] == "COMPLETED"
    assert executions(imagebuilder_client, arn)[0]["status"] == "COMPLETED"


@pytest.mark.imagebuilder(progression="manual")
def test_parameters_of_the_configuration_reach_the_steps(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock, setup: tuple[str, str]
) -> None:
    arn = gated_build(
        imagebuilder_client, setup, parameters=[{"name": "ticket", "value": ["CHG-42"]}]
    )
    imagebuilder_mock.advance(arn, to="BUILDING")
    (step,) = waiting(imagebuilder_client)
    detail = imagebuilder_client.get_workflow_step_execution(
        stepExecutionId=step["stepExecutionId"]
    )
    assert json.loads(detail["inputs"]) == {"ticket": "CHG-42"}


# -- paging, lifetime, errors ----------------------------------------------------------


@pytest.mark.imagebuilder(progression="immediate")
def test_step_executions_and_executions_page(
    imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    arn = build(imagebuilder_client, *setup)
    execution_id = executions(imagebuilder_client, arn)[0]["workflowExecutionId"]
    paginator = imagebuilder_client.get_paginator("list_workflow_step_executions")
    pages = list(
        paginator.paginate(workflowExecutionId=execution_id, PaginationConfig={"PageSize": 3})
    )
    assert [len(p["steps"]) for p in pages] == [3, 3, 1]
    assert [s["name"] for p in pages for s in p["steps"]] == [n for n, _, _ in BUILD_STEPS]
    first = imagebuilder_client.list_workflow_executions(imageBuildVersionArn=arn, maxResults=1)
    second = imagebuilder_client.list_workflow_executions(
        imageBuildVersionArn=arn, nextToken=first["nextToken"]
    )
    assert [e["type"] for e in first["workflowExecutions"] + second["workflowExecutions"]] == [
        "BUILD",
        "TEST",
    ]
    assert "nextToken" not in second
    error = raised_error(
        imagebuilder_client.list_workflow_executions,
        imageBuildVersionArn=arn,
        nextToken="not-a-token",
    )
    assert error["Code"] == "InvalidPaginationTokenException"


@pytest.mark.imagebuilder(progression="immediate")
def test_executions_disappear_with_their_image_and_with_reset(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock, setup: tuple[str, str]
) -> None:
    arn = build(imagebuilder_client, *setup)
    kept = build(imagebuilder_client, *setup)
    gone = executions(imagebuilder_client, arn)[0]["workflowExecutionId"]
    kept_id = executions(imagebuilder_client, kept)[0]["workflowExecutionId"]
    imagebuilder_client.delete_image(imageBuildVersionArn=arn)
    error = raised_error(imagebuilder_client.get_workflow_execution, workflowExecutionId=gone)
    assert error["Code"] == "ResourceNotFoundException"
    imagebuilder_mock.reset()
    error = raised_error(imagebuilder_client.get_workflow_execution, workflowExecutionId=kept_id)
    assert (error["Code"], error["Message"]) == (
        "ResourceNotFoundException",
        f"The workflow execution '{kept_id}' does not exist.",
    )


def test_unknown_ids_and_images_are_not_found(imagebuilder_client: Any) -> None:
    image = f"arn:aws:imagebuilder:{REGION}:123456789012:image/missing/1.0.0/1"
    cases = [
        (
            imagebuilder_client.get_workflow_execution,
            {"workflowExecutionId": UNKNOWN_WF},
            f"The workflow execution '{UNKNOWN_WF}' does not exist.",
        ),
        (
            imagebuilder_client.list_workflow_step_executions,
            {"workflowExecutionId": UNKNOWN_WF},
            f"The workflow execution '{UNKNOWN_WF}' does not exist.",
        ),
        (
            imagebuilder_client.get_workflow_step_execution,
            {"stepExecutionId": UNKNOWN_STEP},
            f"The workflow step execution '{UNKNOWN_STEP}' does not exist.",
        ),
        (
            imagebuilder_client.send_workflow_step_action,
            {"stepExecutionId": UNKNOWN_STEP, "imageBuildVersionArn": image, "action": "RESUME"},
            f"The workflow step execution '{UNKNOWN_STEP}' does not exist.",
        ),
        (
            imagebuilder_client.list_workflow_executions,
            {"imageBuildVersionArn": image},
            f"The resource ARN '{image}' does not exist.",
        ),
    ]
    for call, kwargs, message in cases:
        error = raised_error(call, **kwargs)
        assert (error["Code"], error["Message"]) == ("ResourceNotFoundException", message)


def test_malformed_ids_are_invalid_parameter_values(imagebuilder_client: Any) -> None:
    error = raised_error(imagebuilder_client.get_workflow_execution, workflowExecutionId="wf-1")
    assert error["Code"] == "InvalidParameterValueException"
    assert "'workflowExecutionId'" in error["Message"]
    error = raised_error(imagebuilder_client.get_workflow_step_execution, stepExecutionId="step-1")
    assert error["Code"] == "InvalidParameterValueException"
    assert "'stepExecutionId'" in error["Message"]


@pytest.mark.imagebuilder(progression="immediate")
def test_step_action_for_another_image_is_invalid(
    imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    arn = gated_build(imagebuilder_client, setup)
    other = build(imagebuilder_client, *setup)
    (step,) = waiting(imagebuilder_client)
    error = raised_error(
        imagebuilder_client.send_workflow_step_action,
        stepExecutionId=step["stepExecutionId"],
        imageBuildVersionArn=other,
        action="RESUME",
    )
    assert error["Code"] == "InvalidParameterValueException"
    assert error["Message"] == (
        "The value supplied for parameter 'imageBuildVersionArn' is not valid. The workflow "
        f"step '{step['stepExecutionId']}' belongs to image '{arn}', not '{other}'."
    )
    assert status(imagebuilder_client, arn) == "BUILDING"


@pytest.mark.imagebuilder(progression="immediate")
def test_step_action_for_a_step_that_does_not_wait_is_refused(
    imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    arn = gated_build(imagebuilder_client, setup)
    (step,) = waiting(imagebuilder_client)
    launch = steps_of(imagebuilder_client, step["workflowExecutionId"])[0]
    error = raised_error(
        imagebuilder_client.send_workflow_step_action,
        stepExecutionId=launch["stepExecutionId"],
        imageBuildVersionArn=arn,
        action="RESUME",
    )
    assert (error["Code"], error["Message"]) == (
        "InvalidRequestException",
        f"The workflow step '{launch['stepExecutionId']}' is not waiting for an action "
        "(its status is COMPLETED).",
    )
    imagebuilder_client.send_workflow_step_action(
        stepExecutionId=step["stepExecutionId"], imageBuildVersionArn=arn, action="RESUME"
    )
    # Answered once: a second answer finds the step no longer waiting.
    error = raised_error(
        imagebuilder_client.send_workflow_step_action,
        stepExecutionId=step["stepExecutionId"],
        imageBuildVersionArn=arn,
        action="STOP",
    )
    assert error["Code"] == "InvalidRequestException"
    assert "(its status is COMPLETED)" in error["Message"]


def test_bad_step_action_is_rejected(imagebuilder_client: Any) -> None:
    error = raised_error(
        imagebuilder_client.send_workflow_step_action,
        stepExecutionId=UNKNOWN_STEP,
        imageBuildVersionArn=f"arn:aws:imagebuilder:{REGION}:123456789012:image/x/1.0.0/1",
        action="PAUSE",
    )
    assert error["Code"] == "InvalidParameterValueException"
    assert "'action'" in error["Message"]


@pytest.mark.imagebuilder(progression="immediate")
def test_workflows_of_one_stage_run_in_order_and_skip_after_a_failure(
    imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    gated = workflow(
        imagebuilder_client, "gated-build", "BUILD", GATED_BUILD.format(on_failure="Abort")
    )
    arn = build(
        imagebuilder_client,
        *setup,
        workflows=[{"workflowArn": BUILD_IMAGE}, {"workflowArn": gated}, {"workflowArn": gated}],
    )
    first, second, third = executions(imagebuilder_client, arn)
    assert [first["status"], second["status"], third["status"]] == [
        "COMPLETED",
        "RUNNING",
        "PENDING",
    ]
    (step,) = waiting(imagebuilder_client)
    assert step["workflowExecutionId"] == second["workflowExecutionId"]
    imagebuilder_client.cancel_image_creation(imageBuildVersionArn=arn)
    assert waiting(imagebuilder_client) == []
    first, second, third = executions(imagebuilder_client, arn)
    assert [first["status"], second["status"], third["status"]] == [
        "COMPLETED",
        "CANCELLED",
        "SKIPPED",
    ]
    statuses = [s["status"] for s in steps_of(imagebuilder_client, second["workflowExecutionId"])]
    assert statuses == ["COMPLETED", "CANCELLED", "SKIPPED", "SKIPPED"]
    assert third["totalStepsSkipped"] == third["totalStepCount"] == 4


# -- what documents put into step inputs ----------------------------------------------------


def single_step_workflow(client: Any, inputs: str, extra: str = "") -> str:
    data = (
        f"schemaVersion: 1.0\n{extra}steps:\n  - name: LaunchBuildInstance\n"
        f"    action: LaunchInstance\n    inputs:\n{inputs}"
    )
    return workflow(client, "inputs-flow", "BUILD", data)


@pytest.mark.imagebuilder(progression="immediate")
def test_inputs_yaml_alone_can_write_are_shown_as_json(
    imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    # Timestamps, binary, sets and integers too long for Python stay as JSON can show them.
    inputs = (
        "      notBefore: 2026-11-29\n"
        "      stamp: 2026-11-29T10:00:00Z\n"
        "      blob: !!binary aGVsbG8=\n"
        "      zones: !!set {us-east-1a, us-east-1b}\n"
        f"      serial: {'9' * 5000}\n"
    )
    flow = single_step_workflow(imagebuilder_client, inputs)
    arn = build(imagebuilder_client, *setup, workflows=[{"workflowArn": flow}])
    (step,) = steps_of(
        imagebuilder_client, executions(imagebuilder_client, arn)[0]["workflowExecutionId"]
    )
    assert json.loads(step["inputs"]) == {
        "notBefore": "2026-11-29",
        "stamp": "2026-11-29T10:00:00Z",
        "blob": "aGVsbG8=",
        "zones": {"us-east-1a": None, "us-east-1b": None},
        "serial": "9" * 5000,
    }


@pytest.mark.imagebuilder(progression="immediate")
def test_anchored_inputs_are_shown_expanded(
    imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    inputs = (
        "      tags: &tags {team: web, stage: prod}\n"
        "      copies: [*tags, *tags]\n"
        "      merged:\n        <<: *tags\n        stage: test\n"
    )
    flow = single_step_workflow(imagebuilder_client, inputs)
    arn = build(imagebuilder_client, *setup, workflows=[{"workflowArn": flow}])
    (step,) = steps_of(
        imagebuilder_client, executions(imagebuilder_client, arn)[0]["workflowExecutionId"]
    )
    tags = {"team": "web", "stage": "prod"}
    assert json.loads(step["inputs"]) == {
        "tags": tags,
        "copies": [tags, tags],
        "merged": {"team": "web", "stage": "test"},
    }


@pytest.mark.imagebuilder(progression="immediate")
def test_condition_on_an_integer_too_large_for_a_float_lets_the_step_run(
    imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    data = (
        "schemaVersion: 1.0\nparameters:\n  - name: threshold\n    type: integer\n"
        f"    default: {'1' * 400}\n"
        "steps:\n  - name: LaunchBuildInstance\n    action: LaunchInstance\n"
        "    if:\n      numberGreaterThan: 5\n      value: $.parameters.threshold\n"
    )
    flow = workflow(imagebuilder_client, "big-numbers", "BUILD", data)
    arn = build(imagebuilder_client, *setup, workflows=[{"workflowArn": flow}])
    assert status(imagebuilder_client, arn) == "AVAILABLE"
    (step,) = steps_of(
        imagebuilder_client, executions(imagebuilder_client, arn)[0]["workflowExecutionId"]
    )
    assert step["status"] == "COMPLETED"


@pytest.mark.imagebuilder(progression="immediate")
def test_image_from_iso_step_reports_its_outputs(
    imagebuilder_client: Any, setup: tuple[str, str]
) -> None:
    data = (
        "schemaVersion: 1.0\nsteps:\n"
        "  - name: LaunchIsoInstance\n    action: LaunchInstance\n"
        "  - name: ConvertIso\n    action: CreateImageFromIso\n    inputs:\n"
        "      instanceId.$: $.stepOutputs.LaunchIsoInstance.instanceId\n"
    )
    flow = workflow(imagebuilder_client, "from-iso", "BUILD", data)
    arn = build(imagebuilder_client, *setup, workflows=[{"workflowArn": flow}])
    launch, convert = steps_of(
        imagebuilder_client, executions(imagebuilder_client, arn)[0]["workflowExecutionId"]
    )
    instance = json.loads(launch["outputs"])["instanceId"]
    assert json.loads(convert["inputs"]) == {"instanceId": instance}
    outputs = json.loads(convert["outputs"])
    assert sorted(outputs) == ["amiName", "architecture", "snapshotId"]
    assert re.match(r"^snap-[0-9a-f]{17}$", outputs["snapshotId"])
