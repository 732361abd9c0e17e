"""Workflows: versioned YAML documents of the steps an image build, test or distribution runs.

ARNs carry the stage: ``workflow/<build|test|distribution>/<slug>/X.Y.Z/N``.
Builds follow the component rules: the same name and version again makes the
next build unless nothing differs from the latest one.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass, field
from typing import Any

from .._errors import invalid_value, not_found
from .arns import parse_arn, slug
from .backend import Backend
from .catalog_documents import default_workflow_data
from .conventions import check_exactly_one_source, check_s3_uri, read_s3_document
from .documents import WorkflowStep, parse_workflow_document
from .filters import Matcher, field_equals
from .listing import list_page
from .operations import Operations, check_dry_run
from .references import check_kms_key
from .versioned import (
    Versioned,
    builds_of,
    by_list_order,
    by_name_order,
    listed,
    located,
    match_version,
    new_build,
    newest_first,
    owner_field,
    resolve,
    version_filter,
)
from .versions import SemanticVersion, parse_selector, parse_version

__all__ = ["Workflow", "find_workflow", "workflow_from_fields", "workflow_resource_type"]

# The operations this family serves; the composition root collects them.
OPERATIONS = Operations()


def workflow_resource_type(workflow_type: str) -> str:
    """The ARN resource type of a stage: ``workflow/build`` for BUILD."""
    return f"workflow/{workflow_type.lower()}"


@dataclass(eq=False)
class Workflow(Versioned):
    """One build version of a workflow."""

    kind = "Workflow"

    workflow_type: str = "BUILD"
    # WorkflowParameterDetail dicts: name, type, defaultValue (list of str), description.
    parameters: list[dict[str, Any]] = field(default_factory=list)
    steps: list[WorkflowStep] = field(default_factory=list)
    document: dict[str, Any] = field(default_factory=dict)
    data: str = ""
    description: str | None = None
    change_description: str | None = None
    kms_key_id: str | None = None
    # The only modeled state is DEPRECATED; an active workflow shows no state.
    status: str | None = None
    status_reason: str | None = None
    content: tuple[Any, ...] = ()

    @property
    def state(self) -> dict[str, Any] | None:
        if self.status is None:
            return None
        state: dict[str, Any] = {"status": self.status}
        if self.status_reason:
            state["reason"] = self.status_reason
        return state

    layers = (
        *Versioned.layers,
        {
            "version": lambda workflow: str(workflow.version),
            "description": operator.attrgetter("description"),
            "changeDescription": operator.attrgetter("change_description"),
            "type": operator.attrgetter("workflow_type"),
            "state": operator.attrgetter("state"),
            "parameters": lambda workflow: [dict(p) for p in workflow.parameters] or None,
            "data": operator.attrgetter("data"),
            "kmsKeyId": operator.attrgetter("kms_key_id"),
        },
    )


def find_workflow(backend: Backend, arn: str, parameter: str = "arn") -> Workflow | None:
    """The workflow build an ARN (build, version or wildcard) picks for the caller, or None.

    A wildcard that is not right-aligned raises InvalidParameterValueException on
    ``parameter``.
    """
    parsed = parse_arn(arn)
    if parsed is None or not parsed.resource_type.startswith("workflow/"):
        return None
    if parsed.version is not None and parsed.build is None:
        parse_selector(parsed.version, parameter)
    # Workflows cannot be shared: only the caller's own and AWS-managed ones resolve.
    return resolve(backend, arn, Workflow, parameter)


_CONTENT_MEMBERS = ("data", "uri", "description", "changeDescription", "kmsKeyId")


@OPERATIONS.handles("CreateWorkflow")
def create_workflow(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    check_exactly_one_source(params)
    workflow_type = params["type"]
    if "uri" in params:
        check_s3_uri(params["uri"])
        # The document in moto's S3, validated as inline data is; without moto,
        # a workflow from S3 runs the default steps of its stage.
        data = read_s3_document(backend.account_id, params["uri"], "uri") or (
            default_workflow_data(workflow_type)
        )
    else:
        data = params["data"]
    version = parse_version(params["semanticVersion"])
    parsed = parse_workflow_document(data)
    check_kms_key(backend, params.get("kmsKeyId"), "kmsKeyId")
    check_dry_run(params)
    name_slug = slug(params["name"])
    resource_type = workflow_resource_type(workflow_type)
    content = tuple(params.get(k) for k in _CONTENT_MEMBERS)
    version_arn = backend.arn(resource_type, name_slug, str(version))
    series = (resource_type, name_slug)
    build = new_build(backend, Workflow, series, version_arn, lambda w: w.content, content)
    workflow = Workflow(
        **located(backend, resource_type, params["name"], version, build, tags=params.get("tags")),
        workflow_type=workflow_type,
        parameters=parsed.parameters,
        steps=parsed.steps,
        document=parsed.document,
        data=data,
        description=params.get("description"),
        change_description=params.get("changeDescription"),
        kms_key_id=params.get("kmsKeyId"),
        content=content,
    )
    backend.add(workflow)
    return {
        "workflowBuildVersionArn": workflow.arn,
        "latestVersionReferences": workflow.latest_version_references(),
    }


@OPERATIONS.handles("GetWorkflow")
def get_workflow(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["workflowBuildVersionArn"]
    workflow = find_workflow(backend, arn, "workflowBuildVersionArn")
    if workflow is None:
        raise not_found(arn)
    return {
        "workflow": workflow.view("Workflow"),
        "latestVersionReferences": workflow.latest_version_references(),
    }


@OPERATIONS.handles("DeleteWorkflow")
def delete_workflow(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["workflowBuildVersionArn"]
    backend.remove(backend.get(arn, Workflow, "workflowBuildVersionArn"))
    return {"workflowBuildVersionArn": arn}


_MATCHERS: dict[str, Matcher[Workflow]] = {
    "description": field_equals(lambda w: w.description),
    "name": field_equals(lambda w: w.name),
    "type": field_equals(lambda w: w.workflow_type),
    "version": match_version,
}


@OPERATIONS.handles("ListWorkflows")
def list_workflows(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    owner = params.get("owner")
    if owner in ("Shared", "ThirdParty"):
        raise invalid_value("owner", f"The owner '{owner}' is not supported for workflows.")
    by_name = bool(params.get("byName"))
    version_filter(params.get("filters"), by_name, "Workflows")
    return list_page(
        backend,
        "ListWorkflows",
        listed(backend, Workflow, owner, per="name" if by_name else "version"),
        params,
        matchers=_MATCHERS,
        sort_key=by_name_order if by_name else by_list_order,
        view="WorkflowVersion",
        result_key="workflowVersionList",
    )


@OPERATIONS.handles("ListWorkflowBuildVersions")
def list_workflow_build_versions(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    return list_page(
        backend,
        "ListWorkflowBuildVersions",
        builds_of(backend, params.get("workflowVersionArn"), Workflow, "workflowVersionArn"),
        params,
        matchers={},
        sort_key=newest_first,
        view="WorkflowSummary",
        result_key="workflowSummaryList",
    )


# Published documents are parsed once, however many regions publish them.
_parse_published = functools.lru_cache(maxsize=64)(parse_workflow_document)


def workflow_from_fields(
    backend: Backend,
    *,
    name: str,
    version: SemanticVersion,
    build: int,
    account: str,
    workflow_type: str,
    data: str,
    **attributes: Any,
) -> Workflow:
    """A workflow record at a given ARN (the catalog builds its entries with this)."""
    parsed = _parse_published(data)
    resource_type = workflow_resource_type(workflow_type)
    return Workflow(
        **located(
            backend,
            resource_type,
            name,
            version,
            build,
            account=account,
            owner=owner_field(account),
            date_created=attributes.pop("date_created", None),
        ),
        workflow_type=workflow_type,
        parameters=parsed.parameters,
        steps=parsed.steps,
        document=parsed.document,
        data=data,
        **attributes,
    )
