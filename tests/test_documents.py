"""Component and workflow documents: what Create rejects, and what it derives."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from botocore.exceptions import ClientError
from errors import error_of

from imagebuilder_mock._domain import bounded_yaml, documents

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
    return error_of(excinfo)


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


@pytest.mark.parametrize("version", ["2.0", "'1.1'", "true", "1.5"])
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


def test_schema_version_1_as_a_number_is_accepted(imagebuilder_client: Any) -> None:
    # What Terraform's yamlencode() writes for schemaVersion = 1.0.
    data = BASH.replace("schemaVersion: 1.0", "schemaVersion: 1")
    arn = create(imagebuilder_client, data)
    got = component(imagebuilder_client, arn)
    assert (got["type"], got["data"]) == ("BUILD", data)


def test_phases_are_required(imagebuilder_client: Any) -> None:
    assert rejected(imagebuilder_client, "schemaVersion: 1.0\n") == (
        "InvalidParameterValueException",
        DATA_ERROR + "The document must contain a list of phases.",
    )


@pytest.mark.parametrize("phases", [["deploy"], ["container-host-test"], ["cleanup", "report"]])
def test_document_needs_a_build_validate_or_test_phase(
    imagebuilder_client: Any, phases: list[str]
) -> None:
    document = {
        "schemaVersion": 1.0,
        "phases": [{"name": p, "steps": [{"name": "Step", "action": "Reboot"}]} for p in phases],
    }
    assert rejected(imagebuilder_client, yaml.safe_dump(document)) == (
        "InvalidParameterValueException",
        DATA_ERROR
        + "The document must contain at least one of the phases build, validate or test.",
    )


def test_phases_of_the_documents_own_are_accepted(imagebuilder_client: Any) -> None:
    # AWSTOE: a document may define further phases besides build, validate or test.
    cleanup = BASH.split("phases:\n", 1)[1].replace("name: build", "name: cleanup")
    data = BASH + cleanup
    got = component(imagebuilder_client, create(imagebuilder_client, data))
    assert (got["type"], got["data"]) == ("BUILD", data)


def test_duplicate_phase_names_are_rejected(imagebuilder_client: Any) -> None:
    phase = BASH.split("phases:\n", 1)[1]
    data = f"schemaVersion: 1.0\nphases:\n{phase}{phase}"
    assert rejected(imagebuilder_client, data)[1] == DATA_ERROR + "Duplicate phase name 'build'."


def test_phase_with_an_empty_step_list_is_accepted(imagebuilder_client: Any) -> None:
    # The shape CDK projects deploy: a phase declared with no steps.
    data = BASH + "  - name: validate\n    steps: []\n"
    got = component(imagebuilder_client, create(imagebuilder_client, data))
    assert (got["type"], got["data"]) == ("BUILD", data)


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


@pytest.mark.parametrize("inputs", [None, "[]", "{}"])
def test_action_without_inputs_is_rejected(imagebuilder_client: Any, inputs: str | None) -> None:
    lines = ["- name: Download", "  action: S3Download"]
    data = steps(*lines, *([f"  inputs: {inputs}"] if inputs else []))
    assert rejected(imagebuilder_client, data) == (
        "InvalidParameterValueException",
        DATA_ERROR + "Parsing step 'Download' in phase 'build' failed. Error: Action S3Download "
        "has no inputs; it requires an 'inputs'",
    )


@pytest.mark.parametrize("inputs", [None, "[]", "{}"])
@pytest.mark.parametrize("action", ["Reboot", "UpdateOS"])
def test_actions_with_optional_inputs_need_none(
    imagebuilder_client: Any, action: str, inputs: str | None
) -> None:
    lines = ["- name: Step", f"  action: {action}"]
    arn = create(imagebuilder_client, steps(*lines, *([f"  inputs: {inputs}"] if inputs else [])))
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
        (["test", "container-host-test"], "BUILD"),
        (["build", "cleanup"], "BUILD"),
        (["test", "report"], "TEST"),
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
    return error_of(excinfo)


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


@pytest.mark.parametrize(
    ("kind", "action"),
    [("DISTRIBUTION", "DistributeContainerImage"), ("BUILD", "CreateImageFromIso")],
)
def test_workflow_actions_of_the_current_user_guide_are_accepted(
    imagebuilder_client: Any, kind: str, action: str
) -> None:
    data = (
        "schemaVersion: 1.0\nsteps:\n"
        "  - name: LaunchInstance\n    action: LaunchInstance\n    inputs:\n"
        "      waitFor: ssmAgent\n"
        f"  - name: Run{action}\n    action: {action}\n    onFailure: Abort\n    inputs:\n"
        "      instanceId.$: $.stepOutputs.LaunchInstance.instanceId\n"
    )
    arn = imagebuilder_client.create_workflow(
        name="current-actions", semanticVersion="1.0.0", type=kind, data=data
    )["workflowBuildVersionArn"]
    got = imagebuilder_client.get_workflow(workflowBuildVersionArn=arn)["workflow"]
    assert (got["type"], got["data"]) == (kind, data)


def test_workflow_schema_version_1_as_a_number_is_accepted(imagebuilder_client: Any) -> None:
    data = WORKFLOW.replace("schemaVersion: 1.0", "schemaVersion: 1")
    arn = create_workflow(imagebuilder_client, data)
    assert imagebuilder_client.get_workflow(workflowBuildVersionArn=arn)["workflow"]["data"] == data


# -- bounds on what a document makes the parser build ---------------------------------

DEPTH_RULE = "The document nests mappings and sequences more than 64 levels deep."
EXPANSION_RULE = "With its aliases expanded, the document is larger than 262144 characters."


# "c-events": the C parser with every document going through the event loop,
# as documents that may hold aliases do (the others are composed by libyaml).
PARSER_PATHS = sorted(bounded_yaml.LOADERS) + (["c-events"] if "c" in bounded_yaml.LOADERS else [])


@pytest.fixture(params=PARSER_PATHS)
def yaml_parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each way PyYAML reads a document here: the bounds hold, word for word, for all."""
    parser = str(request.param)
    monkeypatch.setattr(documents, "YAML_PARSER", parser.removesuffix("-events"))
    if parser == "c-events":
        monkeypatch.setattr(bounded_yaml, "_COMPOSED_IN_C", set())
    return parser


def flow_workflow(inputs: str) -> str:
    return (
        "schemaVersion: 1.0\nsteps:\n  - name: Pause\n    action: WaitForAction\n"
        f"    inputs:\n      {inputs}\n"
    )


# A 494-character document whose aliases repeat each other nine times over
# nine levels: 9**9 copies of "lol" once expanded.
LAUGHS = "      a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"      {name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.mark.parametrize("shape", ["flow", "block"])
def test_deeply_nested_component_is_refused(
    imagebuilder_client: Any, yaml_parser: str, shape: str
) -> None:
    # Flow collections, or block sequences written compactly ("- - - x").
    nested = "[" * 7900 + "]" * 7900 if shape == "flow" else "\n  " + "- " * 6000 + "x"
    data = BASH + f"extra: {nested}\n"
    assert rejected(imagebuilder_client, data) == (
        "InvalidParameterValueException",
        DATA_ERROR + DEPTH_RULE,
    )


def test_deeply_nested_workflow_is_refused(imagebuilder_client: Any, yaml_parser: str) -> None:
    data = flow_workflow("x: " + "{k: " * 3000 + "1" + "}" * 3000)
    assert workflow_rejected(imagebuilder_client, data) == (
        "InvalidParameterValueException",
        DATA_ERROR + DEPTH_RULE,
    )


def test_nesting_up_to_the_bound_is_accepted(imagebuilder_client: Any, yaml_parser: str) -> None:
    # Document, steps, step and inputs are four levels: 60 more make 64.
    data = flow_workflow("x: " + "[" * 60 + "]" * 60)
    assert create_workflow(imagebuilder_client, data).endswith("/1")
    deeper = flow_workflow("x: " + "[" * 61 + "]" * 61)
    assert workflow_rejected(imagebuilder_client, deeper)[1] == DATA_ERROR + DEPTH_RULE


def test_nesting_built_from_aliases_counts_too(imagebuilder_client: Any, yaml_parser: str) -> None:
    data = flow_workflow(
        "x: &x " + "[" * 40 + "]" * 40 + "\n      y: " + "[" * 30 + "*x" + "]" * 30
    )
    assert workflow_rejected(imagebuilder_client, data)[1] == DATA_ERROR + DEPTH_RULE


def test_billion_laughs_workflow_is_refused(imagebuilder_client: Any, yaml_parser: str) -> None:
    data = flow_workflow("\n" + LAUGHS.rstrip("\n"))
    assert len(data) < 600
    assert workflow_rejected(imagebuilder_client, data) == (
        "InvalidParameterValueException",
        DATA_ERROR + EXPANSION_RULE,
    )
    assert imagebuilder_client.list_workflows()["workflowVersionList"] == []


def test_billion_laughs_component_is_refused(imagebuilder_client: Any, yaml_parser: str) -> None:
    data = BASH + "laughs:\n" + LAUGHS
    assert rejected(imagebuilder_client, data) == (
        "InvalidParameterValueException",
        DATA_ERROR + EXPANSION_RULE,
    )


def test_long_text_repeated_by_aliases_is_refused(
    imagebuilder_client: Any, yaml_parser: str
) -> None:
    # Few nodes, but each alias repeats 10,000 characters.
    data = flow_workflow(f"a: &a {'x' * 10_000}\n      b: [{', '.join(['*a'] * 30)}]")
    assert workflow_rejected(imagebuilder_client, data)[1] == DATA_ERROR + EXPANSION_RULE


def test_alias_inside_the_node_it_names_is_refused(
    imagebuilder_client: Any, yaml_parser: str
) -> None:
    data = flow_workflow("x: &loop [1, *loop]")
    assert workflow_rejected(imagebuilder_client, data) == (
        "InvalidParameterValueException",
        DATA_ERROR + "The document is not valid YAML: alias 'loop' refers to a node that "
        "contains it.",
    )


def test_undefined_alias_is_refused(imagebuilder_client: Any, yaml_parser: str) -> None:
    data = flow_workflow("x: *nowhere")
    assert workflow_rejected(imagebuilder_client, data)[1] == (
        DATA_ERROR + "The document is not valid YAML: found undefined alias 'nowhere'."
    )


def test_ordinary_anchors_keep_working(imagebuilder_mock: Any, yaml_parser: str) -> None:
    import boto3

    from imagebuilder_mock._domain.workflows import Workflow

    data = (
        "schemaVersion: 1.0\nsteps:\n"
        "  - name: LaunchBuildInstance\n    action: LaunchInstance\n"
        "    inputs: &launch {waitFor: ssmAgent}\n"
        "  - name: ApplyBuildComponents\n    action: ExecuteComponents\n"
        "    onFailure: &abort Abort\n"
        "    inputs: &onInstance\n"
        "      instanceId.$: $.stepOutputs.LaunchBuildInstance.instanceId\n"
        "  - name: CreateOutputAMI\n    action: CreateImage\n    onFailure: *abort\n"
        "    inputs: *onInstance\n"
        "  - name: TerminateBuildInstance\n    action: TerminateInstance\n"
        "    inputs:\n      <<: *onInstance\n      force: true\n"
    )
    client = boto3.client("imagebuilder", region_name="us-east-1")
    record = imagebuilder_mock.backend().find(create_workflow(client, data))
    assert isinstance(record, Workflow)
    on_instance = {"instanceId.$": "$.stepOutputs.LaunchBuildInstance.instanceId"}
    assert [(s.on_failure, s.inputs) for s in record.steps] == [
        ("Abort", {"waitFor": "ssmAgent"}),
        ("Abort", on_instance),
        ("Abort", on_instance),
        ("Abort", {**on_instance, "force": True}),
    ]


@pytest.mark.parametrize("name", ["A", "1Launch", "_Launch", "L" + "x" * 100])
def test_workflow_step_name_must_fit_what_step_executions_show(
    imagebuilder_client: Any, name: str
) -> None:
    data = WORKFLOW.replace("name: ApplyBuildComponents", f"name: {name}")
    assert workflow_rejected(imagebuilder_client, data) == (
        "InvalidParameterValueException",
        DATA_ERROR + f"Invalid step name '{name}'. A step name must match the pattern "
        "^[A-Za-z][A-Za-z0-9-_]{1,99}$",
    )


def test_workflow_step_description_has_a_bounded_length(imagebuilder_client: Any) -> None:
    data = WORKFLOW.replace(
        "    action: ExecuteComponents\n",
        f"    action: ExecuteComponents\n    description: {'d' * 501}\n",
    )
    assert workflow_rejected(imagebuilder_client, data)[1] == (
        DATA_ERROR + "Parsing step 'ApplyBuildComponents' failed. Error: The description of a "
        "step has at most 500 characters."
    )
