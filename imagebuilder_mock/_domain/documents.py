"""Component (AWSTOE) and workflow documents: YAML parsing, validation, derived fields.

Create{Component,Workflow} reject a document the service would reject, with
the service's wording where it is known (``The value supplied for parameter
'data' is not valid. …``), and derive what Get returns from it: a component's
``type`` and ``parameters``, a workflow's ``parameters`` and its steps (which
image builds later record as step executions).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from .._errors import InvalidParameterValue, invalid_value
from .._model import service_model
from . import bounded_yaml

__all__ = [
    "COMMON_ACTIONS",
    "COMPONENT_PHASES",
    "LINUX_ACTIONS",
    "WINDOWS_ACTIONS",
    "WORKFLOW_ACTIONS",
    "YAML_PARSER",
    "ComponentDocument",
    "ComponentTraits",
    "WorkflowDocument",
    "WorkflowStep",
    "component_traits",
    "parse_component_document",
    "parse_workflow_document",
    "parse_yaml",
    "placeholder_component_data",
    "shell_component_data",
]

# Phases Image Builder runs: build and validate in the build stage, test (and
# container-host-test for containers) in the test stage. AWSTOE lets a
# document define further phases of its own (Image Builder does not run them)
# provided it has at least one of build, validate and test.
COMPONENT_PHASES = ("build", "validate", "test", "container-host-test")
_REQUIRED_PHASES = ("build", "validate", "test")

# AWSTOE action modules. Shell modules are tied to the OS family (hence the
# service's "Unsupported action ... for os platform linux"); so are the
# Windows-only installer and registry modules.
COMMON_ACTIONS = frozenset(
    {
        "AppendFile",
        "Assert",
        "CopyFile",
        "CopyFolder",
        "CreateFile",
        "CreateFolder",
        "CreateSymlink",
        "DeleteFile",
        "DeleteFolder",
        "ExecuteBinary",
        "ExecuteDocument",
        "ListFiles",
        "MoveFile",
        "MoveFolder",
        "ReadFile",
        "Reboot",
        "S3Download",
        "S3Upload",
        "SetFileEncoding",
        "SetFileOwner",
        "SetFilePermissions",
        "SetFolderOwner",
        "SetFolderPermissions",
        "UpdateOS",
        "WebDownload",
    }
)
LINUX_ACTIONS = COMMON_ACTIONS | {"ExecuteBash"}
WINDOWS_ACTIONS = COMMON_ACTIONS | {
    "ExecutePowerShell",
    "InstallMSI",
    "UninstallMSI",
    "SetRegistry",
}
_ACTIONS_BY_PLATFORM = {"Linux": LINUX_ACTIONS, "macOS": LINUX_ACTIONS, "Windows": WINDOWS_ACTIONS}
# The only modules whose inputs are all optional (a delay, include/exclude lists).
_INPUTS_OPTIONAL = frozenset({"Reboot", "UpdateOS"})

# Step actions of Image Builder workflows (user guide, "Supported step actions
# for your workflow document").
WORKFLOW_ACTIONS = frozenset(
    {
        "ApplyImageConfigurations",
        "BootstrapInstanceForContainer",
        "CollectImageMetadata",
        "CollectImageScanFindings",
        "CreateImage",
        "CreateImageFromIso",
        "DistributeContainerImage",
        "DistributeImage",
        "ExecuteComponents",
        "ExecuteStateMachine",
        "LaunchInstance",
        "ModifyImageAttributes",
        "RegisterImage",
        "RunCommand",
        "RunSysPrep",
        "SanitizeInstance",
        "TerminateInstance",
        "WaitForAction",
        "WaitForSSMAgent",
    }
)

# The PyYAML parser documents are read with: "c" where PyYAML has libyaml
# (about six times faster on a component document), "python" otherwise. The
# bounds and their messages are the same for both (see bounded_yaml).
YAML_PARSER = "c" if "c" in bounded_yaml.LOADERS else "python"

_STEP_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_STEP_NAME_RULE = (
    "Allowed characters are combinations of numbers [0-9], english letters [a-z,A-Z] "
    "and special characters [-_]."
)
_SCHEMA_RULE = "Invalid schema version. Supported versions include: 1.0."
_ON_FAILURE = {
    "component": ("Abort", "Continue", "Ignore"),
    "workflow": ("Abort", "Continue"),
}
# Parameter types, keyed by their lower-case spelling. Components answer with
# the capitalised form, the only one the ComponentParameterDetail pattern
# (``^String|Integer|Boolean|StringList$``) accepts; workflows with the
# lower-camel form their output pattern requires.
_COMPONENT_PARAMETER_TYPES = {
    "string": "String",
    "integer": "Integer",
    "boolean": "Boolean",
    "stringlist": "StringList",
}
_WORKFLOW_PARAMETER_TYPES = {
    "string": "string",
    "integer": "integer",
    "boolean": "boolean",
    "stringlist": "stringList",
}


def _bad(rule: str, parameter: str = "data") -> InvalidParameterValue:
    return invalid_value(parameter, rule)


def parse_yaml(data: str, parameter: str = "data") -> dict[str, Any]:
    """The document as a mapping; anything else is not a document.

    Loading is bounded (nesting depth, alias expansion): see :mod:`bounded_yaml`.
    """
    try:
        document = bounded_yaml.load(data, bounded_yaml.LOADERS[YAML_PARSER])
    except bounded_yaml.DocumentLimitError as error:
        raise _bad(str(error), parameter) from None
    except yaml.YAMLError as error:
        problem = str(getattr(error, "problem", None) or "malformed YAML")
        raise _bad(f"The document is not valid YAML: {problem}.", parameter) from None
    if not isinstance(document, dict):
        raise _bad("The document must be a YAML mapping.", parameter)
    return document


def _check_schema_version(document: dict[str, Any], parameter: str) -> None:
    # YAML reads an unquoted 1.0 as a float; quoted, it is the string. A bare 1
    # is what Terraform's yamlencode() writes for 1.0, and the service takes it.
    version = document.get("schemaVersion")
    if isinstance(version, bool) or version not in (1, "1.0"):
        raise _bad(_SCHEMA_RULE, parameter)


def _text(value: Any) -> str:
    """A YAML scalar as the string the service shows (booleans lower case)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _default_value(value: Any) -> list[str]:
    if isinstance(value, list):
        return [_text(v) for v in value]
    return [_text(value)]


def _parameter(
    name: Any, spec: Any, types: dict[str, str], parameter: str, where: str
) -> dict[str, Any]:
    """One ComponentParameterDetail / WorkflowParameterDetail."""
    if not isinstance(name, str) or not name or not isinstance(spec, dict):
        raise _bad(f"Invalid parameter declaration at {where}.", parameter)
    declared = spec.get("type")
    kind = types.get(str(declared).lower()) if isinstance(declared, str) else None
    if kind is None:
        raise _bad(
            f"Invalid type '{declared}' for parameter '{name}'. Supported types include: "
            "string, integer, boolean, stringList.",
            parameter,
        )
    detail: dict[str, Any] = {"name": name, "type": kind}
    if spec.get("default") is not None:
        detail["defaultValue"] = _default_value(spec["default"])
    if isinstance(spec.get("description"), str) and spec["description"]:
        detail["description"] = spec["description"]
    return detail


def _unique_parameters(details: list[dict[str, Any]], parameter: str) -> list[dict[str, Any]]:
    seen: set[str] = set()
    for detail in details:
        if detail["name"] in seen:
            raise _bad(f"Duplicate parameter name '{detail['name']}'.", parameter)
        seen.add(detail["name"])
    return details


# -- components ----------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentDocument:
    """A validated AWSTOE document and what the service derives from it."""

    document: dict[str, Any]
    component_type: str
    parameters: list[dict[str, Any]] = field(default_factory=list)


def _component_parameters(document: dict[str, Any]) -> list[dict[str, Any]]:
    # AWSTOE declares parameters as a list of single-key maps: ``- Name: {type: ...}``.
    declared = document.get("parameters")
    if declared is None:
        return []
    if not isinstance(declared, list):
        raise _bad("The parameters of a document must be a list.")
    details = []
    for i, entry in enumerate(declared):
        if not isinstance(entry, dict) or len(entry) != 1:
            raise _bad(f"Invalid parameter declaration at parameters[{i}].")
        ((name, spec),) = entry.items()
        details.append(
            _parameter(name, spec, _COMPONENT_PARAMETER_TYPES, "data", f"parameters[{i}]")
        )
    return _unique_parameters(details, "data")


def _check_component_step(step: Any, phase: str, actions: frozenset[str], platform: str) -> str:
    if not isinstance(step, dict) or not isinstance(step.get("name"), str):
        raise _bad(f"Every step in phase '{phase}' must be a mapping with a name.")
    name: str = step["name"]
    if not _STEP_NAME.match(name):
        raise _bad(f"Invalid step name '{name}' in phase '{phase}'. {_STEP_NAME_RULE}")
    failed = f"Parsing step '{name}' in phase '{phase}' failed. Error:"
    action = step.get("action")
    if not isinstance(action, str) or not action:
        raise _bad(f"{failed} The step has no action.")
    if action not in actions:
        raise _bad(f"{failed} Unsupported action {action} for os platform {platform.lower()}.")
    inputs = step.get("inputs")
    # An empty list or mapping is no inputs either (``inputs: []``).
    empty = inputs is None or (isinstance(inputs, (list, dict, str)) and not inputs)
    if empty and action not in _INPUTS_OPTIONAL:
        raise _bad(f"{failed} Action {action} has no inputs; it requires an 'inputs'")
    on_failure = step.get("onFailure")
    if on_failure is not None and on_failure not in _ON_FAILURE["component"]:
        raise _bad(
            f"{failed} Invalid onFailure value '{on_failure}'. Supported values include: "
            "Abort, Continue, Ignore."
        )
    return name


def _check_phase(phase: Any, actions: frozenset[str], platform: str) -> str:
    # Any name will do (AWSTOE allows phases of the document's own): see the
    # check for build, validate or test in parse_component_document.
    if not isinstance(phase, dict) or not isinstance(phase.get("name"), str) or not phase["name"]:
        raise _bad("Every phase must be a mapping with a name.")
    name: str = phase["name"]
    # An empty list is a list of steps: CDK projects deploy phases like that.
    steps = phase.get("steps")
    if not isinstance(steps, list):
        raise _bad(f"Phase '{name}' must contain a list of steps.")
    seen: set[str] = set()
    for step in steps:
        step_name = _check_component_step(step, name, actions, platform)
        if step_name in seen:
            raise _bad(f"Duplicate step name '{step_name}' in phase '{name}'.")
        seen.add(step_name)
    return name


def parse_component_document(data: str, platform: str) -> ComponentDocument:
    """Validate an AWSTOE document for a platform; derive ``type`` and ``parameters``."""
    document = parse_yaml(data)
    _check_schema_version(document, "data")
    parameters = _component_parameters(document)
    phases = document.get("phases")
    if not isinstance(phases, list) or not phases:
        raise _bad("The document must contain a list of phases.")
    actions = _ACTIONS_BY_PLATFORM[platform]
    names: list[str] = []
    for phase in phases:
        name = _check_phase(phase, actions, platform)
        if name in names:
            raise _bad(f"Duplicate phase name '{name}'.")
        names.append(name)
    if not any(name in names for name in _REQUIRED_PHASES):
        raise _bad(
            "The document must contain at least one of the phases "
            f"{', '.join(_REQUIRED_PHASES[:-1])} or {_REQUIRED_PHASES[-1]}."
        )
    # The API reference: a document whose single phase is ``test`` makes a TEST
    # component; any other document (even test + container-host-test) a BUILD
    # one. Phases of the document's own, which Image Builder never runs, do
    # not count.
    run = [name for name in names if name in COMPONENT_PHASES]
    kind = "TEST" if run == ["test"] else "BUILD"
    return ComponentDocument(document, kind, parameters)


@dataclass(frozen=True)
class ComponentTraits:
    """What a component record takes from its document besides the text: its
    type and declared parameters. Shared by every record made from one text,
    so read-only."""

    component_type: str
    parameters: tuple[Mapping[str, Any], ...] = ()


def component_traits(data: str, platform: str) -> ComponentTraits:
    """Validate a document as :func:`parse_component_document` does and return
    what a record keeps of it.

    The verdict is a function of the text, the platform and the parser that
    reads it, so an accepted text is remembered (a suite creates the same
    document over and over); a refused one is read again each time and
    refused with the same message.
    """
    composed_in_c = bounded_yaml.composes_in_c(bounded_yaml.LOADERS[YAML_PARSER])
    return _remembered_traits(data, platform, YAML_PARSER, composed_in_c)


@functools.lru_cache(maxsize=256)
def _remembered_traits(
    data: str, platform: str, parser: str, composed_in_c: bool
) -> ComponentTraits:
    # ``parser`` and ``composed_in_c`` are only part of the key: switching the
    # parser (the tests compare them) reads the text afresh.
    parsed = parse_component_document(data, platform)
    return ComponentTraits(parsed.component_type, tuple(parsed.parameters))


def _shell_action(platform: str) -> str:
    return "ExecutePowerShell" if platform == "Windows" else "ExecuteBash"


def shell_component_data(name: str, script: str, component_type: str, platform: str) -> str:
    """The document ImportComponent (format SHELL) wraps a script into.

    One phase (``build`` for BUILD, ``test`` for TEST) with one step that runs
    the script with the platform's shell.
    """
    phase = "build" if component_type == "BUILD" else "test"
    step_name = re.sub(r"[^A-Za-z0-9_-]", "-", name)
    document = {
        "name": name,
        "schemaVersion": 1.0,
        "phases": [
            {
                "name": phase,
                "steps": [
                    {
                        "name": step_name,
                        "action": _shell_action(platform),
                        "inputs": {"commands": script.splitlines() or [script]},
                    }
                ],
            }
        ],
    }
    return yaml.safe_dump(document, sort_keys=False)


def placeholder_component_data(name: str, uri: str, platform: str) -> str:
    """What a component created from an S3 ``uri`` holds: the mock has no S3 to read."""
    document = {
        "name": name,
        "description": f"Placeholder for the document at {uri} (imagebuilder-mock reads no S3).",
        "schemaVersion": 1.0,
        "phases": [
            {
                "name": "build",
                "steps": [
                    {
                        "name": "DocumentFromUri",
                        "action": _shell_action(platform),
                        "inputs": {"commands": [f"echo {uri}"]},
                    }
                ],
            }
        ],
    }
    return yaml.safe_dump(document, sort_keys=False)


# -- workflows -----------------------------------------------------------------------


@dataclass(frozen=True)
class WorkflowStep:
    """One step of a workflow document, as an image build will execute it."""

    name: str
    action: str
    on_failure: str = "Abort"
    inputs: dict[str, Any] = field(default_factory=dict)
    timeout_seconds: int | None = None
    description: str | None = None
    condition: dict[str, Any] | None = None


@dataclass(frozen=True)
class WorkflowDocument:
    document: dict[str, Any]
    parameters: list[dict[str, Any]] = field(default_factory=list)
    steps: list[WorkflowStep] = field(default_factory=list)


def _workflow_parameters(document: dict[str, Any]) -> list[dict[str, Any]]:
    # Workflow documents list parameters as ``- {name, type, default, description}``.
    declared = document.get("parameters")
    if declared is None:
        return []
    if not isinstance(declared, list):
        raise _bad("The parameters of a document must be a list.")
    details = []
    for i, entry in enumerate(declared):
        if not isinstance(entry, dict):
            raise _bad(f"Invalid parameter declaration at parameters[{i}].")
        details.append(
            _parameter(
                entry.get("name"), entry, _WORKFLOW_PARAMETER_TYPES, "data", f"parameters[{i}]"
            )
        )
    return _unique_parameters(details, "data")


@functools.cache
def _step_shape(shape_name: str) -> dict[str, Any]:
    """Constraints the model puts on what step executions show of a step."""
    return dict(service_model().shape_for(shape_name).metadata)


def _workflow_step(step: Any, index: int) -> WorkflowStep:
    if not isinstance(step, dict) or not isinstance(step.get("name"), str):
        raise _bad(f"Step {index} of the workflow must be a mapping with a name.")
    name: str = step["name"]
    if not _STEP_NAME.match(name):
        raise _bad(f"Invalid step name '{name}'. {_STEP_NAME_RULE}")
    # Step executions show the name, so it must fit the model's WorkflowStepName
    # (a letter first, a bounded length) as well.
    pattern = _step_shape("WorkflowStepName")["pattern"]
    if not re.fullmatch(pattern, name):
        raise _bad(f"Invalid step name '{name}'. A step name must match the pattern {pattern}")
    failed = f"Parsing step '{name}' failed. Error:"
    action = step.get("action")
    if action not in WORKFLOW_ACTIONS:
        raise _bad(f"{failed} Unsupported action {action}.")
    on_failure = step.get("onFailure", "Abort")
    if on_failure not in _ON_FAILURE["workflow"]:
        raise _bad(
            f"{failed} Invalid onFailure value '{on_failure}'. Supported values include: "
            "Abort, Continue."
        )
    inputs = step.get("inputs") or {}
    timeout = step.get("timeoutSeconds")
    condition = step.get("if")
    if not isinstance(inputs, dict):
        raise _bad(f"{failed} The inputs of a step must be a mapping.")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int)):
        raise _bad(f"{failed} timeoutSeconds must be an integer.")
    if condition is not None and not isinstance(condition, dict):
        raise _bad(f"{failed} The if condition of a step must be a mapping.")
    description = step.get("description")
    longest = _step_shape("WorkflowStepDescription")["max"]
    if isinstance(description, str) and len(description) > longest:
        raise _bad(f"{failed} The description of a step has at most {longest} characters.")
    return WorkflowStep(
        name=name,
        action=action,
        on_failure=on_failure,
        inputs=inputs,
        timeout_seconds=timeout,
        description=description if isinstance(description, str) else None,
        condition=condition,
    )


def parse_workflow_document(data: str) -> WorkflowDocument:
    """Validate a workflow document; derive ``parameters`` and the steps."""
    document = parse_yaml(data)
    _check_schema_version(document, "data")
    parameters = _workflow_parameters(document)
    raw_steps = document.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise _bad("The document must contain a list of steps.")
    steps: list[WorkflowStep] = []
    for index, raw in enumerate(raw_steps):
        step = _workflow_step(raw, index)
        if any(s.name == step.name for s in steps):
            raise _bad(f"Duplicate step name '{step.name}'.")
        steps.append(step)
    return WorkflowDocument(document, parameters, steps)
