"""Component and workflow documents: what Create rejects, and what it derives."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from botocore.exceptions import ClientError

DATA_ERROR = "The value supplied for parameter 'data' is not valid. "


def steps(*lines: str, phase: str = "build") -> str:
    body = "\n".join(f"      {line}" for line in lines)
    return f"schemaVersion: 1.0\nphases:\n  - name: {phase}\n    steps:\n{body}\n"


BASH = steps("- name: Say", "  action: ExecuteBash", "  inputs:", "    commands: [echo hi]")


def create(client: Any, data: str, platform: str = "Linux", name: str = "doc-test") -> str:
    return str(
        client.create_component(name=name, semanticVersion="1.0.0", platform=platform, data=data)[
            "componentBuildVersionArn"
        ]
    )


def rejected(client: Any, data: str, platform: str = "Linux") -> tuple[str, str]:
    with pytest.raises(ClientError) as excinfo:
        create(client, data, platform)
    err = excinfo.value.response["Error"]
    return err["Code"], err["Message"]


def component(client: Any, arn: str) -> dict[str, Any]:
    return dict(client.get_component(componentBuildVersionArn=arn)["component"])


# -- YAML and structure ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        ("phases: [unclosed", "The document is not valid YAML: "),
        ("- just\n- a list\n", "The document must be a YAML mapping."),
        ("plain text", "The document must be a YAML mapping."),
    ],
)
def test_document_that_is_not_a_mapping_is_rejected(
    imagebuilder_client: Any, data: str, rule: str
) -> None:
    code, message = rejected(imagebuilder_client, data)
    assert code == "InvalidParameterValueException"
    assert message.startswith(DATA_ERROR + rule)


@pytest.mark.parametrize("version", ["2.0", "1", "'1.1'", "true"])
def test_schema_version_must_be_1_0(imagebuilder_client: Any, version: str) -> None:
    data = BASH.replace("schemaVersion: 1.0", f"schemaVersion: {version}")
    assert rejected(imagebuilder_client, data) == (
        "InvalidParameterValueException",
        DATA_ERROR + "Invalid schema version. Supported versions include: 1.0.",
    )


def test_missing_schema_version_is_rejected(imagebuilder_client: Any) -> None:
    data = BASH.replace("schemaVersion: 1.0\n", "")
    assert rejected(imagebuilder_client, data)[1].endswith("Supported versions include: 1.0.")


def test_quoted_schema_version_is_accepted(imagebuilder_client: Any) -> None:
    arn = create(imagebuilder_client, BASH.replace("1.0", "'1.0'", 1))
    assert component(imagebuilder_client, arn)["type"] == "BUILD"


def test_phases_are_required(imagebuilder_client: Any) -> None:
    assert rejected(imagebuilder_client, "schemaVersion: 1.0\n") == (
        "InvalidParameterValueException",
        DATA_ERROR + "The document must contain a list of phases.",
    )


def test_unknown_phase_name_is_rejected(imagebuilder_client: Any) -> None:
    code, message = rejected(imagebuilder_client, BASH.replace("name: build", "name: deploy"))
    assert code == "InvalidParameterValueException"
    assert message == DATA_ERROR + (
        "Invalid phase name 'deploy'. Supported phases include: build, validate, test, "
        "container-host-test."
    )


def test_duplicate_phase_names_are_rejected(imagebuilder_client: Any) -> None:
    phase = BASH.split("phases:\n", 1)[1]
    data = f"schemaVersion: 1.0\nphases:\n{phase}{phase}"
    assert rejected(imagebuilder_client, data)[1] == DATA_ERROR + "Duplicate phase name 'build'."


def test_phase_without_steps_is_rejected(imagebuilder_client: Any) -> None:
    data = "schemaVersion: 1.0\nphases:\n  - name: build\n"
    assert rejected(imagebuilder_client, data)[1] == (
        DATA_ERROR + "Phase 'build' must contain a list of steps."
    )


# -- steps ----------------------------------------------------------------------------


def test_step_name_with_illegal_characters_is_rejected(imagebuilder_client: Any) -> None:
    data = BASH.replace("name: Say", "name: Install PowerShell")
    assert rejected(imagebuilder_client, data) == (
        "InvalidParameterValueException",
        DATA_ERROR + "Invalid step name 'Install PowerShell' in phase 'build'. Allowed characters "
        "are combinations of numbers [0-9], english letters [a-z,A-Z] and special characters [-_].",
    )


def test_duplicate_step_names_in_a_phase_are_rejected(imagebuilder_client: Any) -> None:
    step = ["- name: Say", "  action: ExecuteBash", "  inputs:", "    commands: [echo hi]"]
    data = steps(*step, *step)
    assert rejected(imagebuilder_client, data)[1] == (
        DATA_ERROR + "Duplicate step name 'Say' in phase 'build'."
    )


def test_same_step_name_in_two_phases_is_fine(imagebuilder_client: Any) -> None:
    phase = BASH.split("phases:\n", 1)[1]
    data = f"schemaVersion: 1.0\nphases:\n{phase}{phase.replace('build', 'validate')}"
    assert component(imagebuilder_client, create(imagebuilder_client, data))["type"] == "BUILD"


def test_unknown_action_is_rejected(imagebuilder_client: Any) -> None:
    data = BASH.replace("name: Say", "name: InstallNginx").replace("ExecuteBash", "InvokeBash")
    assert rejected(imagebuilder_client, data) == (
        "InvalidParameterValueException",
        DATA_ERROR + "Parsing step 'InstallNginx' in phase 'build' failed. Error: Unsupported "
        "action InvokeBash for os platform linux.",
    )


@pytest.mark.parametrize(
    ("action", "platform", "os_name"),
    [
        ("ExecutePowerShell", "Linux", "linux"),
        ("ExecutePowerShell", "macOS", "macos"),
        ("ExecuteBash", "Windows", "windows"),
        ("SetRegistry", "Linux", "linux"),
        ("InstallMSI", "macOS", "macos"),
    ],
)
def test_actions_are_tied_to_their_platform(
    imagebuilder_client: Any, action: str, platform: str, os_name: str
) -> None:
    data = BASH.replace("ExecuteBash", action)
    assert rejected(imagebuilder_client, data, platform)[1] == (
        DATA_ERROR + f"Parsing step 'Say' in phase 'build' failed. Error: Unsupported action "
        f"{action} for os platform {os_name}."
    )


@pytest.mark.parametrize(
    ("action", "platform"),
    [
        ("ExecuteBash", "Linux"),
        ("ExecuteBash", "macOS"),
        ("ExecutePowerShell", "Windows"),
        ("S3Download", "Linux"),
        ("S3Download", "Windows"),
        ("SetRegistry", "Windows"),
        ("ExecuteBinary", "macOS"),
    ],
)
def test_actions_allowed_on_their_platform(
    imagebuilder_client: Any, action: str, platform: str
) -> None:
    arn = create(imagebuilder_client, BASH.replace("ExecuteBash", action), platform)
    assert component(imagebuilder_client, arn)["platform"] == platform


def test_action_without_inputs_is_rejected(imagebuilder_client: Any) -> None:
    data = steps("- name: Download", "  action: S3Download")
    assert rejected(imagebuilder_client, data) == (
        "InvalidParameterValueException",
        DATA_ERROR + "Parsing step 'Download' in phase 'build' failed. Error: Action S3Download "
        "has no inputs; it requires an 'inputs'",
    )


@pytest.mark.parametrize("action", ["Reboot", "UpdateOS"])
def test_actions_with_optional_inputs_need_none(imagebuilder_client: Any, action: str) -> None:
    arn = create(imagebuilder_client, steps("- name: Step", f"  action: {action}"))
    assert component(imagebuilder_client, arn)["type"] == "BUILD"


def test_step_without_action_is_rejected(imagebuilder_client: Any) -> None:
    data = steps("- name: Nothing", "  inputs: {}")
    assert rejected(imagebuilder_client, data)[1] == (
        DATA_ERROR
        + "Parsing step 'Nothing' in phase 'build' failed. Error: The step has no action."
    )


def test_unknown_on_failure_is_rejected(imagebuilder_client: Any) -> None:
    data = steps("- name: Step", "  action: Reboot", "  onFailure: Retry")
    assert rejected(imagebuilder_client, data)[1] == (
        DATA_ERROR + "Parsing step 'Step' in phase 'build' failed. Error: Invalid onFailure value "
        "'Retry'. Supported values include: Abort, Continue, Ignore."
    )


# -- derived type and parameters ------------------------------------------------------


@pytest.mark.parametrize(
    ("phases", "expected"),
    [
        (["build"], "BUILD"),
        (["validate"], "BUILD"),
        (["build", "test"], "BUILD"),
        (["test"], "TEST"),
        (["container-host-test"], "BUILD"),
        (["test", "container-host-test"], "BUILD"),
    ],
)
def test_type_derives_from_the_phases(
    imagebuilder_client: Any, phases: list[str], expected: str
) -> None:
    document = {
        "schemaVersion": 1.0,
        "phases": [{"name": p, "steps": [{"name": "Step", "action": "Reboot"}]} for p in phases],
    }
    arn = create(imagebuilder_client, yaml.safe_dump(document))
    assert component(imagebuilder_client, arn)["type"] == expected


def test_parameters_are_derived_with_model_valid_types(imagebuilder_client: Any) -> None:
    data = (
        "schemaVersion: 1.0\n"
        "parameters:\n"
        "  - Greeting:\n      type: string\n      default: hello\n      description: Says it.\n"
        "  - Required:\n      type: String\n"
        "  - Flag:\n      type: boolean\n      default: true\n"
        "  - Count:\n      type: integer\n      default: 3\n"
        "  - Names:\n      type: stringList\n      default: [a, b]\n"
        "phases:\n  - name: build\n    steps:\n      - name: Step\n        action: Reboot\n"
    )
    got = component(imagebuilder_client, create(imagebuilder_client, data))
    assert got["parameters"] == [
        {
            "name": "Greeting",
            "type": "String",
            "defaultValue": ["hello"],
            "description": "Says it.",
        },
        {"name": "Required", "type": "String"},
        {"name": "Flag", "type": "Boolean", "defaultValue": ["true"]},
        {"name": "Count", "type": "Integer", "defaultValue": ["3"]},
        {"name": "Names", "type": "StringList", "defaultValue": ["a", "b"]},
    ]


def test_document_without_parameters_has_no_parameters_member(imagebuilder_client: Any) -> None:
    assert "parameters" not in component(imagebuilder_client, create(imagebuilder_client, BASH))


@pytest.mark.parametrize(
    ("declaration", "rule"),
    [
        (
            "  - P:\n      type: float\n",
            "Invalid type 'float' for parameter 'P'. Supported types "
            "include: string, integer, boolean, stringList.",
        ),
        ("  - P: text\n", "Invalid parameter declaration at parameters[0]."),
        ("  - P: {type: string}\n  - P: {type: string}\n", "Duplicate parameter name 'P'."),
        ("  P: {type: string}\n", "The parameters of a document must be a list."),
    ],
)
def test_bad_parameter_declarations_are_rejected(
    imagebuilder_client: Any, declaration: str, rule: str
) -> None:
    data = BASH.replace("phases:", f"parameters:\n{declaration}phases:")
    assert rejected(imagebuilder_client, data) == (
        "InvalidParameterValueException",
        DATA_ERROR + rule,
    )


# -- workflow documents ---------------------------------------------------------------

WORKFLOW = """\
name: my-workflow
description: Builds it.
schemaVersion: 1.0
parameters:
  - name: waitForActionAtEnd
    type: boolean
    default: false
    description: Pause before the end.
  - name: regions
    type: stringList
    default: [us-east-1, eu-west-1]
steps:
  - name: LaunchBuildInstance
    action: LaunchInstance
    onFailure: Abort
    timeoutSeconds: 900
    inputs:
      waitFor: ssmAgent
  - name: ApplyBuildComponents
    action: ExecuteComponents
    inputs:
      instanceId.$: $.stepOutputs.LaunchBuildInstance.instanceId
  - name: TerminateBuildInstance
    action: TerminateInstance
    onFailure: Continue
    if:
      booleanEquals: true
      value: $.parameters.waitForActionAtEnd
"""


def create_workflow(client: Any, data: str) -> str:
    return str(
        client.create_workflow(name="doc-flow", semanticVersion="1.0.0", type="BUILD", data=data)[
            "workflowBuildVersionArn"
        ]
    )


def workflow_rejected(client: Any, data: str) -> tuple[str, str]:
    with pytest.raises(ClientError) as excinfo:
        create_workflow(client, data)
    err = excinfo.value.response["Error"]
    return err["Code"], err["Message"]


def test_workflow_parameters_are_derived(imagebuilder_client: Any) -> None:
    arn = create_workflow(imagebuilder_client, WORKFLOW)
    got = imagebuilder_client.get_workflow(workflowBuildVersionArn=arn)["workflow"]
    assert got["parameters"] == [
        {
            "name": "waitForActionAtEnd",
            "type": "boolean",
            "defaultValue": ["false"],
            "description": "Pause before the end.",
        },
        {"name": "regions", "type": "stringList", "defaultValue": ["us-east-1", "eu-west-1"]},
    ]
    assert got["data"] == WORKFLOW


def test_workflow_steps_are_kept_on_the_record(imagebuilder_mock: Any) -> None:
    import boto3

    from imagebuilder_mock._domain.workflows import Workflow

    client = boto3.client("imagebuilder", region_name="us-east-1")
    arn = create_workflow(client, WORKFLOW)
    record = imagebuilder_mock.backend().find(arn)
    assert isinstance(record, Workflow)
    assert [(s.name, s.action, s.on_failure, s.timeout_seconds) for s in record.steps] == [
        ("LaunchBuildInstance", "LaunchInstance", "Abort", 900),
        ("ApplyBuildComponents", "ExecuteComponents", "Abort", None),
        ("TerminateBuildInstance", "TerminateInstance", "Continue", None),
    ]
    assert record.steps[0].inputs == {"waitFor": "ssmAgent"}
    assert record.steps[2].condition == {
        "booleanEquals": True,
        "value": "$.parameters.waitForActionAtEnd",
    }


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        (
            ("schemaVersion: 1.0", "schemaVersion: 2.0"),
            "Invalid schema version. Supported versions include: 1.0.",
        ),
        (
            ("action: LaunchInstance", "action: LaunchRocket"),
            "Parsing step 'LaunchBuildInstance' failed. Error: Unsupported action LaunchRocket.",
        ),
        (
            ("name: ApplyBuildComponents", "name: Apply Build"),
            "Invalid step name 'Apply Build'. "
            "Allowed characters are combinations of numbers [0-9], english letters [a-z,A-Z] and "
            "special characters [-_].",
        ),
        (
            ("name: ApplyBuildComponents", "name: LaunchBuildInstance"),
            "Duplicate step name 'LaunchBuildInstance'.",
        ),
        (
            ("onFailure: Continue", "onFailure: Ignore"),
            "Parsing step 'TerminateBuildInstance' "
            "failed. Error: Invalid onFailure value 'Ignore'. Supported values include: Abort, "
            "Continue.",
        ),
        (
            ("timeoutSeconds: 900", "timeoutSeconds: soon"),
            "Parsing step 'LaunchBuildInstance' failed. Error: timeoutSeconds must be an integer.",
        ),
        (
            ("type: boolean", "type: map"),
            "Invalid type 'map' for parameter "
            "'waitForActionAtEnd'. Supported types include: string, integer, boolean, stringList.",
        ),
    ],
)
def test_bad_workflow_documents_are_rejected(
    imagebuilder_client: Any, change: tuple[str, str], rule: str
) -> None:
    data = WORKFLOW.replace(*change)
    assert workflow_rejected(imagebuilder_client, data) == (
        "InvalidParameterValueException",
        DATA_ERROR + rule,
    )


def test_workflow_without_steps_is_rejected(imagebuilder_client: Any) -> None:
    data = "name: empty\nschemaVersion: 1.0\nsteps: []\n"
    assert workflow_rejected(imagebuilder_client, data)[1] == (
        DATA_ERROR + "The document must contain a list of steps."
    )


def test_workflow_document_must_be_a_mapping(imagebuilder_client: Any) -> None:
    assert workflow_rejected(imagebuilder_client, "[1, 2]")[1] == (
        DATA_ERROR + "The document must be a YAML mapping."
    )
