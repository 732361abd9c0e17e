"""Workflow executions: the record of the workflows every image build runs.

A build decides its workflows when it starts: the ``workflows`` it was given,
or AWS's default build workflow and (with image tests on) the default test
workflow; an image made by DistributeImage runs the default distribution
workflow. Each workflow runs in its stage (BUILD while BUILDING, TEST while
TESTING, DISTRIBUTION while DISTRIBUTING): its execution record (``wf-…``)
and step records (``step-…``) are created when the stage starts and follow
the image through the transition hook of :mod:`images`.

While the image is in a stage, its steps have run up to the stage's next
``WaitForAction`` step, which holds the image (``Image.held_by``) until
SendWorkflowStepAction answers it; with no such step ahead, one step is
RUNNING. Leaving the stage completes what is left; a failed or cancelled
build fails or cancels the running step and skips the rest.

The records live in a ledger that each backend keeps (``Backend.part``), so
they are saved, restored and reset with the rest of its state.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import secrets
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .._errors import InvalidRequest, ResourceNotFound, invalid_value, not_found
from .._model import service_model
from . import builds
from .backend import Backend
from .documents import WorkflowStep
from .image_records import Image
from .operations import Operations
from .pagination import paginate
from .resources import iso_time, shaped
from .workflows import Workflow, find_workflow

__all__ = ["StepExecution", "WorkflowExecution", "executions_of", "waiting_steps"]

# The operations this family serves; the composition root collects them.
OPERATIONS = Operations()

# The image status during which each type of workflow runs.
STAGE_OF_TYPE = {"BUILD": "BUILDING", "TEST": "TESTING", "DISTRIBUTION": "DISTRIBUTING"}
_STAGES = frozenset(STAGE_OF_TYPE.values())
_WAIT_ACTION = "WaitForAction"
_FINISHED_STEP = frozenset({"COMPLETED", "FAILED", "CANCELLED", "SKIPPED"})
_FINISHED_EXECUTION = frozenset({"COMPLETED", "FAILED", "CANCELLED", "SKIPPED"})
# A step's timeout when its document sets none.
_DEFAULT_TIMEOUT_SECONDS = 7200
_STOPPED = "Stopped by SendWorkflowStepAction."


# -- records --------------------------------------------------------------------------


@dataclass(eq=False)
class StepExecution:
    """One step of one workflow execution."""

    step_id: str
    execution: WorkflowExecution
    index: int
    definition: WorkflowStep
    status: str = "PENDING"
    message: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] | None = None
    start_time: dt.datetime | None = None
    end_time: dt.datetime | None = None

    @property
    def waits(self) -> bool:
        return self.definition.action == _WAIT_ACTION

    @property
    def is_waiting(self) -> bool:
        return self.waits and self.status == "RUNNING"

    def fields(self, image: Image | None) -> dict[str, Any]:
        execution = self.execution
        outputs = self.outputs
        if outputs is not None and self.definition.action == "CreateImage" and image is not None:
            # The AMI the build left, once the image has one in its own region.
            ami = _build_region_ami(image)
            if ami is not None:
                outputs = {**outputs, "imageId": ami}
        started = self.start_time is not None
        return {
            "stepExecutionId": self.step_id,
            "workflowExecutionId": execution.execution_id,
            "workflowBuildVersionArn": execution.workflow.arn,
            "imageBuildVersionArn": execution.image_arn,
            "name": self.definition.name,
            "description": self.definition.description,
            "action": self.definition.action,
            "status": self.status,
            "message": self.message,
            "inputs": json.dumps(self.inputs) if self.inputs else None,
            "outputs": json.dumps(outputs) if outputs is not None else None,
            "startTime": iso_time(self.start_time) if self.start_time else None,
            "endTime": iso_time(self.end_time) if self.end_time else None,
            "onFailure": self.definition.on_failure,
            "timeoutSeconds": self.definition.timeout_seconds or _DEFAULT_TIMEOUT_SECONDS,
            "attemptNumber": 1 if started and self.status != "SKIPPED" else None,
            "maxAttempts": 1 if started and self.status != "SKIPPED" else None,
        }


@dataclass(eq=False)
class WorkflowExecution:
    """One run of one workflow for one image build."""

    execution_id: str
    sequence: int
    image_arn: str
    workflow: Workflow
    parameters: dict[str, list[str]]
    parallel_group: str | None
    on_failure: str
    retried: bool
    status: str = "PENDING"
    message: str | None = None
    start_time: dt.datetime | None = None
    end_time: dt.datetime | None = None
    steps: list[StepExecution] = field(default_factory=list)

    @property
    def workflow_type(self) -> str:
        return self.workflow.workflow_type

    def _count(self, *statuses: str) -> int:
        return sum(1 for step in self.steps if step.status in statuses)

    def fields(self) -> dict[str, Any]:
        return {
            "workflowBuildVersionArn": self.workflow.arn,
            "workflowExecutionId": self.execution_id,
            "imageBuildVersionArn": self.image_arn,
            "type": self.workflow_type,
            "status": self.status,
            "message": self.message,
            "totalStepCount": len(self.steps),
            "totalStepsSucceeded": self._count("COMPLETED"),
            # A cancelled step did not succeed: it counts with the failed ones.
            "totalStepsFailed": self._count("FAILED", "CANCELLED"),
            "totalStepsSkipped": self._count("SKIPPED"),
            "startTime": iso_time(self.start_time) if self.start_time else None,
            "endTime": iso_time(self.end_time) if self.end_time else None,
            "parallelGroup": self.parallel_group,
            "retried": self.retried,
        }


@dataclass(frozen=True)
class _Planned:
    """A workflow a build will run, with the settings its configuration gave."""

    workflow: Workflow
    parameters: dict[str, list[str]]
    parallel_group: str | None = None
    on_failure: str = "ABORT"


@dataclass
class _Ledger:
    plans: dict[str, list[_Planned]] = field(default_factory=dict)
    executions: dict[str, WorkflowExecution] = field(default_factory=dict)
    steps: dict[str, StepExecution] = field(default_factory=dict)
    by_image: dict[str, list[WorkflowExecution]] = field(default_factory=dict)
    # The executions of the stage an image is in now.
    current: dict[str, list[WorkflowExecution]] = field(default_factory=dict)
    sequence: Iterator[int] = field(default_factory=itertools.count)


def _ledger(backend: Backend) -> _Ledger:
    return backend.part(_Ledger)


def executions_of(backend: Backend, image_arn: str) -> list[WorkflowExecution]:
    """The workflow executions recorded for an image build, oldest first."""
    return list(_ledger(backend).by_image.get(image_arn, ()))


def waiting_steps(backend: Backend) -> list[StepExecution]:
    """The steps of the backend's builds that wait for SendWorkflowStepAction."""
    ledger = _ledger(backend)
    return [
        step
        for executions in ledger.current.values()
        for execution in executions
        for step in execution.steps
        if step.is_waiting
    ]


# -- limits from the model ------------------------------------------------------------


@functools.cache
def _max_length(shape_name: str) -> int:
    return int(service_model().shape_for(shape_name).metadata["max"])


def _clip(text: str, shape_name: str) -> str:
    limit = _max_length(shape_name)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# -- planning ---------------------------------------------------------------------------


def _default_workflow(backend: Backend, workflow_type: str, name: str) -> Workflow | None:
    """The newest build of an AWS-managed default workflow, from the ``aws`` catalog."""
    home = backend.registry.get("aws", backend.region)
    newest: Workflow | None = None
    for workflow in home.of_kind(Workflow):
        if workflow.workflow_type != workflow_type or workflow.name_slug != name:
            continue
        if newest is None or (workflow.version, workflow.build or 0) > (
            newest.version,
            newest.build or 0,
        ):
            newest = workflow
    return newest


def _configured(backend: Backend, entries: list[dict[str, Any]]) -> list[_Planned]:
    planned = []
    for entry in entries:
        workflow = find_workflow(backend, entry["workflowArn"])
        if workflow is None:  # CreateImage checked every reference already
            continue
        values = {p["name"]: list(p.get("value") or []) for p in entry.get("parameters") or []}
        planned.append(
            _Planned(
                workflow=workflow,
                parameters=values,
                parallel_group=entry.get("parallelGroup"),
                on_failure=entry.get("onFailure") or "ABORT",
            )
        )
    return planned


def _plan(backend: Backend, image: Image) -> list[_Planned]:
    configured = image.details.get("workflows")
    if configured:
        return _configured(backend, configured)
    defaults: list[tuple[str, str]] = []
    if "BUILDING" in image.path:
        defaults.append(("BUILD", "build-image"))
        if "TESTING" in image.path:
            defaults.append(("TEST", "test-image"))
    elif "DISTRIBUTING" in image.path:
        defaults.append(("DISTRIBUTION", "distribute-image"))
    planned = []
    for workflow_type, name in defaults:
        workflow = _default_workflow(backend, workflow_type, name)
        if workflow is not None:
            planned.append(_Planned(workflow=workflow, parameters={}))
    return planned


# -- the context steps read ($.imagebuilder, $.parameters, $.stepOutputs) -------------------


def _image_context(image: Image) -> dict[str, Any]:
    scanning = image.details.get("imageScanningConfiguration") or {}
    return {
        "imageBuildVersionArn": image.arn,
        "imageType": image.image_type,
        "platform": image.platform,
        "osVersion": image.os_version,
        "collectImageMetadata": bool(image.details.get("enhancedImageMetadataEnabled", True)),
        "imageScanningEnabled": bool(scanning.get("imageScanningEnabled", False)),
        "distributionConfiguration": image.details.get("distributionConfiguration"),
    }


def _parameter_value(execution: WorkflowExecution, name: str) -> Any:
    declared = {p["name"]: p for p in execution.workflow.parameters}
    detail = declared.get(name, {})
    values = execution.parameters.get(name, detail.get("defaultValue"))
    if values is None:
        raise LookupError(name)
    kind = detail.get("type", "string")
    if kind == "stringList":
        return list(values)
    first = values[0] if values else ""
    if kind == "integer":
        return int(first)
    if kind == "boolean":
        return str(first).lower() == "true"
    return first


def _lookup(image: Image, execution: WorkflowExecution, path: str) -> Any:
    """The value a ``$.`` path names; LookupError when the build has no such value."""
    parts = path.split(".")
    if len(parts) < 3 or parts[0] != "$":
        raise LookupError(path)
    root, rest = parts[1], parts[2:]
    value: Any
    if root == "imagebuilder":
        value = _image_context(image)
    elif root == "parameters":
        value = {rest[0]: _parameter_value(execution, rest[0])}
    elif root == "stepOutputs":
        value = {s.definition.name: s.outputs or {} for s in execution.steps}
    else:
        raise LookupError(path)
    for part in rest:
        if not isinstance(value, dict) or part not in value or value[part] is None:
            raise LookupError(path)
        value = value[part]
    return value


def _resolved_inputs(image: Image, step: StepExecution) -> dict[str, Any]:
    """The step's inputs with ``key.$`` references replaced by their values."""
    resolved: dict[str, Any] = {}
    for key, value in step.definition.inputs.items():
        if key.endswith(".$") and isinstance(value, str):
            try:
                resolved[key[:-2]] = _lookup(image, step.execution, value)
                continue
            except (LookupError, ValueError, OverflowError):
                pass  # shown as written, as for a step that never ran
        resolved[key] = value
    return resolved


_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "stringEquals": lambda actual, expected: str(actual) == str(expected),
    "booleanEquals": lambda actual, expected: bool(actual) is bool(expected),
    "numberEquals": lambda actual, expected: float(actual) == float(expected),
    "numberGreaterThan": lambda actual, expected: float(actual) > float(expected),
    "numberGreaterThanEquals": lambda actual, expected: float(actual) >= float(expected),
    "numberLessThan": lambda actual, expected: float(actual) < float(expected),
    "numberLessThanEquals": lambda actual, expected: float(actual) <= float(expected),
}


def _condition_holds(image: Image, execution: WorkflowExecution, condition: Any) -> bool:
    """Evaluate a step's ``if``; what cannot be evaluated counts as true (the step runs)."""
    if not isinstance(condition, dict):
        return True
    if "and" in condition:
        return all(_condition_holds(image, execution, c) for c in condition["and"] or [])
    if "or" in condition:
        return any(_condition_holds(image, execution, c) for c in condition["or"] or [])
    if "not" in condition:
        return not _condition_holds(image, execution, condition["not"])
    for operator, compare in _COMPARISONS.items():
        if operator in condition:
            try:
                actual = _lookup(image, execution, str(condition.get("value", "")))
                return bool(compare(actual, condition[operator]))
            except (LookupError, ValueError, TypeError, OverflowError):
                # An integer too large for a float compares as nothing: the step runs.
                return True
    return True


def _skipped(image: Image, step: StepExecution) -> bool:
    # Sysprep exists only on Windows, whatever the document's condition says.
    if step.definition.action == "RunSysPrep" and image.platform != "Windows":
        return True
    return not _condition_holds(image, step.execution, step.definition.condition)


def _outputs(image: Image, step: StepExecution) -> dict[str, Any] | None:
    """What a completed step reports, by action."""
    action = step.definition.action
    if action == "LaunchInstance":
        return {"instanceId": "i-" + secrets.token_hex(9)[:17]}
    if action == "CreateImage":
        return {"imageId": _build_region_ami(image) or "ami-" + secrets.token_hex(9)[:17]}
    if action == "CollectImageMetadata":
        return {"osVersion": image.os_version, "associationId": str(uuid.uuid4())}
    if action in ("ExecuteComponents", "SanitizeInstance", "RunSysPrep", "RunCommand"):
        return {"status": "Success", "runCommandId": str(uuid.uuid4())}
    if action == "CreateImageFromIso":
        return {
            "amiName": f"{image.name} {image.version}-{image.build}",
            "snapshotId": "snap-" + secrets.token_hex(9)[:17],
            "architecture": "x86_64",
        }
    if action == "DistributeContainerImage":
        regions = sorted({region for region, _ in image.container_targets})
        return {"status": "Success", "succeededRegions": regions, "failedRegions": []}
    return None


def _build_region_ami(image: Image) -> str | None:
    for ami in image.output_resources.get("amis") or []:
        if ami.get("region") == image.region and ami.get("accountId") == image.account:
            return str(ami["image"])
    return None


# -- running ------------------------------------------------------------------------------


def _start_stage(backend: Backend, image: Image, stage: str) -> None:
    ledger = _ledger(backend)
    planned = [
        p
        for p in ledger.plans.get(image.arn, ())
        if STAGE_OF_TYPE[p.workflow.workflow_type] == stage
    ]
    executions = []
    for entry in planned:
        execution = WorkflowExecution(
            execution_id=f"wf-{uuid.uuid4()}",
            sequence=next(ledger.sequence),
            image_arn=image.arn,
            workflow=entry.workflow,
            parameters=entry.parameters,
            parallel_group=entry.parallel_group,
            on_failure=entry.on_failure,
            retried=image.retried,
        )
        for index, definition in enumerate(entry.workflow.steps):
            step = StepExecution(
                step_id=f"step-{uuid.uuid4()}",
                execution=execution,
                index=index,
                definition=definition,
                inputs=dict(definition.inputs),
            )
            execution.steps.append(step)
            ledger.steps[step.step_id] = step
        ledger.executions[execution.execution_id] = execution
        ledger.by_image.setdefault(image.arn, []).append(execution)
        executions.append(execution)
    ledger.current[image.arn] = executions
    _progress(backend, image, finish=False)


def _pending_steps(executions: Iterable[WorkflowExecution]) -> Iterator[StepExecution]:
    for execution in executions:
        if execution.status in _FINISHED_EXECUTION:
            continue
        for step in execution.steps:
            if step.status not in _FINISHED_STEP:
                yield step


def _wait_ahead(image: Image, executions: list[WorkflowExecution]) -> bool:
    return any(
        step.waits and step.status == "PENDING" and not _skipped(image, step)
        for step in _pending_steps(executions)
    )


def _begin(now: dt.datetime, image: Image, step: StepExecution) -> None:
    execution = step.execution
    if execution.status == "PENDING":
        execution.status = "RUNNING"
        execution.start_time = now
    step.status = "RUNNING"
    step.start_time = now
    step.inputs = _resolved_inputs(image, step)


def _end_step(now: dt.datetime, image: Image, step: StepExecution, status: str) -> None:
    if step.start_time is None:
        step.start_time = now
        if status != "SKIPPED":
            step.inputs = _resolved_inputs(image, step)
    step.status = status
    step.end_time = now
    if status == "COMPLETED" and not step.waits:
        step.outputs = _outputs(image, step)


def _close_if_done(now: dt.datetime, execution: WorkflowExecution) -> None:
    if execution.status in _FINISHED_EXECUTION:
        return
    if all(step.status in _FINISHED_STEP for step in execution.steps):
        if execution.start_time is None:
            execution.start_time = now
        execution.status = "COMPLETED"
        execution.end_time = now


def _progress(backend: Backend, image: Image, *, finish: bool) -> None:
    """Run the current stage's steps as far as they go now.

    ``finish`` (the image leaves the stage) completes everything left, waiting
    steps included. Otherwise steps complete up to the next ``WaitForAction``
    step, which holds the image; with none ahead, one step is left RUNNING.
    """
    executions = _ledger(backend).current.get(image.arn, [])
    now = backend.now()
    image.held_by = None  # held again below if a step waits
    run_to_wait = finish or _wait_ahead(image, executions)
    for execution in executions:
        if execution.status in _FINISHED_EXECUTION:
            continue
        for step in execution.steps:
            if step.status in _FINISHED_STEP:
                continue
            if step.status == "PENDING" and _skipped(image, step):
                _end_step(now, image, step, "SKIPPED")
                continue
            if step.status == "PENDING":
                _begin(now, image, step)
            if not finish and step.waits:
                image.held_by = step.step_id
                return
            if not run_to_wait:
                return  # the stage is busy with this step
            _end_step(now, image, step, "COMPLETED")
        _close_if_done(now, execution)
    image.held_by = None


def _stop_stage(backend: Backend, image: Image, status: str) -> None:
    """The build failed or was cancelled in this stage: so did its running workflow."""
    executions = _ledger(backend).current.pop(image.arn, [])
    now = backend.now()
    reason = _clip(image.reason or "", "WorkflowExecutionMessage") or None
    stopped = False
    message = _clip(image.reason or "", "WorkflowStepMessage") or None
    for execution in executions:
        if execution.status in _FINISHED_EXECUTION:
            continue
        if stopped or execution.status == "PENDING":
            # A workflow that never started in this stage does not run at all.
            for step in execution.steps:
                _end_step(now, image, step, "SKIPPED")
            execution.status = "SKIPPED"
            continue
        stopped = True
        # The step that was running ends with the build; a workflow between two
        # steps ends on the next one, so a failed execution always shows its step.
        culprit = _running_or_next(execution)
        for step in execution.steps:
            if step is culprit:
                _end_step(now, image, step, status)
                step.message = message
            elif step.status == "PENDING":
                _end_step(now, image, step, "SKIPPED")
        execution.status = status
        execution.message = reason
        execution.end_time = now
    image.held_by = None


def _running_or_next(execution: WorkflowExecution) -> StepExecution | None:
    running = [s for s in execution.steps if s.status == "RUNNING"]
    if running:
        return running[0]
    return next((s for s in execution.steps if s.status == "PENDING"), None)


def _finish_stage(backend: Backend, image: Image) -> None:
    _progress(backend, image, finish=True)
    _ledger(backend).current.pop(image.arn, None)


def on_transition(backend: Backend, image: Image, old: str, new: str) -> None:
    """Observer: follow a build's status with its workflow executions."""
    ledger = _ledger(backend)
    if old == "":
        ledger.plans[image.arn] = _plan(backend, image)
    if old in _STAGES and image.arn in ledger.current:
        if new in ("FAILED", "CANCELLED"):
            _stop_stage(backend, image, new)
        else:
            # Moving on (a controller advance may release a waiting step): the
            # stage's workflows ran to the end.
            _finish_stage(backend, image)
    if new in _STAGES:
        _start_stage(backend, image, new)


# -- handlers -------------------------------------------------------------------------------


def _image_exists(backend: Backend, arn: str) -> bool:
    return isinstance(backend.find(arn), Image)


def _execution(backend: Backend, execution_id: str) -> WorkflowExecution:
    execution = _ledger(backend).executions.get(execution_id)
    if execution is None or not _image_exists(backend, execution.image_arn):
        raise ResourceNotFound(f"The workflow execution '{execution_id}' does not exist.")
    return execution


def _step(backend: Backend, step_id: str) -> StepExecution:
    step = _ledger(backend).steps.get(step_id)
    if step is None or not _image_exists(backend, step.execution.image_arn):
        raise ResourceNotFound(f"The workflow step execution '{step_id}' does not exist.")
    return step


def _image_of(backend: Backend, arn: str) -> Image | None:
    image = backend.find(arn)
    return image if isinstance(image, Image) else None


def _message(image: Image | None) -> dict[str, Any]:
    if image is None or not image.reason:
        return {}
    return {"message": _clip(image.reason, "ImageBuildMessage")}


@OPERATIONS.handles("GetWorkflowExecution")
def get_workflow_execution(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    execution = _execution(backend, params["workflowExecutionId"])
    return shaped("GetWorkflowExecutionResponse", execution.fields())


@OPERATIONS.handles("ListWorkflowExecutions")
def list_workflow_executions(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["imageBuildVersionArn"]
    image = _image_of(backend, arn)
    if image is None:
        raise not_found(arn)
    page, token = paginate(
        backend,
        "ListWorkflowExecutions",
        executions_of(backend, arn),
        lambda e: (e.sequence,),
        params,
    )
    result: dict[str, Any] = {
        "workflowExecutions": [shaped("WorkflowExecutionMetadata", e.fields()) for e in page],
        "imageBuildVersionArn": arn,
        **_message(image),
    }
    if token is not None:
        result["nextToken"] = token
    return result


@OPERATIONS.handles("GetWorkflowStepExecution")
def get_workflow_step_execution(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    step = _step(backend, params["stepExecutionId"])
    image = _image_of(backend, step.execution.image_arn)
    return shaped("GetWorkflowStepExecutionResponse", step.fields(image))


@OPERATIONS.handles("ListWorkflowStepExecutions")
def list_workflow_step_executions(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    execution = _execution(backend, params["workflowExecutionId"])
    image = _image_of(backend, execution.image_arn)
    page, token = paginate(
        backend, "ListWorkflowStepExecutions", execution.steps, lambda s: (s.index,), params
    )
    result: dict[str, Any] = {
        "steps": [shaped("WorkflowStepMetadata", s.fields(image)) for s in page],
        "workflowBuildVersionArn": execution.workflow.arn,
        "workflowExecutionId": execution.execution_id,
        "imageBuildVersionArn": execution.image_arn,
        **_message(image),
    }
    if token is not None:
        result["nextToken"] = token
    return result


@OPERATIONS.handles("ListWaitingWorkflowSteps")
def list_waiting_workflow_steps(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    steps = sorted(waiting_steps(backend), key=lambda s: (s.execution.sequence, s.index))
    page, token = paginate(
        backend,
        "ListWaitingWorkflowSteps",
        steps,
        lambda s: (s.execution.sequence, s.index),
        params,
    )
    result: dict[str, Any] = {
        "steps": [shaped("WorkflowStepExecution", s.fields(None)) for s in page]
    }
    if token is not None:
        result["nextToken"] = token
    return result


@OPERATIONS.handles("SendWorkflowStepAction")
def send_workflow_step_action(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    step_id = params["stepExecutionId"]
    arn = params["imageBuildVersionArn"]
    step = _step(backend, step_id)
    if step.execution.image_arn != arn:
        raise invalid_value(
            "imageBuildVersionArn",
            f"The workflow step '{step_id}' belongs to image '{step.execution.image_arn}', "
            f"not '{arn}'.",
        )
    image = _image_of(backend, arn)
    if image is None or not step.is_waiting or image.held_by != step_id:
        raise InvalidRequest(
            f"The workflow step '{step_id}' is not waiting for an action "
            f"(its status is {step.status})."
        )
    if params["action"] == "RESUME":
        _resume(backend, image, step, params.get("reason"))
    else:
        _stop(backend, image, step, params.get("reason"))
    return {"stepExecutionId": step_id, "imageBuildVersionArn": arn}


def _answer(step: StepExecution, action: str, reason: str | None) -> None:
    step.outputs = {"action": action, **({"reason": reason} if reason else {})}


def _resume(backend: Backend, image: Image, step: StepExecution, reason: str | None) -> None:
    _end_step(backend.now(), image, step, "COMPLETED")
    _answer(step, "RESUME", reason)
    _carry_on(backend, image)


def _carry_on(backend: Backend, image: Image) -> None:
    _progress(backend, image, finish=False)
    if image.held_by is None:
        # Released: in immediate mode the build runs on to its end, as it did at creation.
        builds.follow_mode(backend, image)


def _stop(backend: Backend, image: Image, step: StepExecution, reason: str | None) -> None:
    now = backend.now()
    said = reason or _STOPPED
    _end_step(now, image, step, "FAILED")
    _answer(step, "STOP", reason)
    step.message = _clip(said, "WorkflowStepMessage")
    if step.definition.on_failure == "Continue":
        _carry_on(backend, image)
        return
    execution = step.execution
    for other in execution.steps:
        if other.status == "PENDING":
            _end_step(now, image, other, "SKIPPED")
    failure = f"Workflow step '{step.definition.name}' was stopped: {said}"
    execution.status = "FAILED"
    execution.message = _clip(failure, "WorkflowExecutionMessage")
    execution.end_time = now
    if execution.on_failure == "CONTINUE":
        _carry_on(backend, image)
        return
    image.held_by = None
    builds.advance(backend, image, "FAILED", _clip(failure, "NonEmptyString"))
