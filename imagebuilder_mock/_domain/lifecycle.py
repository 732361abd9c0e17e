"""Lifecycle policies, lifecycle executions and ad-hoc resource state updates.

A policy selects images (by recipe name and version pattern, or by tag) and
holds up to three rules: DEPRECATE, DISABLE and DELETE. A run is a lifecycle
execution (``lce-<uuid>``): the service evaluates images newest first, rules
in priority order deprecate → disable → delete, and applies at most one action
per image per run, so a progressive policy moves an old image one step per run
(user guide, "How lifecycle management rules work", "How lifecycle policy
execution works"). The mock has no background time: a policy run finishes
when it starts, and a scheduled StartResourceStateUpdate waits until the
mock's clock passes ``updateAt``; ``apply_due_updates`` settles what has
come due, and the service runs it once per request, before the handler.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import operator
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .. import _integrations
from .._errors import (
    InvalidParameterCombination,
    InvalidRequest,
    ResourceDependency,
    ResourceInUse,
    ResourceNotFound,
    invalid_value,
    not_found,
)
from .arns import parse_arn, slug
from .backend import Backend
from .conventions import exactly_one_of
from .filters import field_equals
from .image_records import Image, transition
from .listing import list_page
from .operations import Operations, create
from .pagination import paginate
from .progression import IN_PROGRESS
from .references import check_execution_role
from .resources import Bag, Resource, shaped
from .store import store_order
from .versions import parse_selector, parse_version

__all__ = [
    "LifecycleExecution",
    "LifecyclePolicy",
    "apply_due_updates",
    "run_lifecycle_policies",
]

# The operations this family serves; the composition root collects them.
OPERATIONS = Operations()

# Members of Create/Update that are not settings of the policy itself.
_NOT_SETTINGS = frozenset({"name", "tags", "clientToken", "dryRun", "lifecyclePolicyArn"})

# Rule types in the order the service evaluates them; the first match wins.
_PRIORITY = ("DEPRECATE", "DISABLE", "DELETE")
_IMAGE_TYPE = {"AMI_IMAGE": "AMI", "CONTAINER_IMAGE": "DOCKER"}
_FINISHED_EXECUTION = frozenset({"SUCCESS", "FAILED", "CANCELLED"})
_FAILED_BUILDS = frozenset({"FAILED", "CANCELLED"})
# The statuses a rule still has work to do on (user guide, "Image states that
# skip rule evaluation"); delete rules look at every state that is not building.
_RULE_APPLIES_TO = {
    "DEPRECATE": frozenset({"AVAILABLE"}),
    "DISABLE": frozenset({"AVAILABLE", "DEPRECATED"}),
    "DELETE": frozenset({"AVAILABLE", "DEPRECATED", "DISABLED", "FAILED", "CANCELLED"}),
}
# StartResourceStateUpdate: target status → the action name executions report,
# and the statuses it can be reached from ("Allowed resource state transitions").
_UPDATE_ACTION = {
    "AVAILABLE": "AVAILABLE",
    "DEPRECATED": "DEPRECATE",
    "DISABLED": "DISABLE",
    "DELETED": "DELETE",
}
_UPDATE_FROM = {
    "AVAILABLE": frozenset({"DEPRECATED", "DISABLED"}),
    "DEPRECATED": frozenset({"AVAILABLE"}),
    "DISABLED": frozenset({"AVAILABLE", "DEPRECATED"}),
    "DELETED": frozenset({"AVAILABLE", "DEPRECATED", "DISABLED", "FAILED", "CANCELLED"}),
}
_ACTION_STATUS = {"DEPRECATE": "DEPRECATED", "DISABLE": "DISABLED", "AVAILABLE": "AVAILABLE"}


# -- records --------------------------------------------------------------------------


@dataclass(eq=False)
class LifecyclePolicy(Resource):
    kind = "LifecyclePolicy"

    settings: dict[str, Any] = field(default_factory=dict)
    date_updated: dt.datetime | None = None
    date_last_run: dt.datetime | None = None

    @property
    def enabled(self) -> bool:
        return self.settings.get("status") == "ENABLED"

    @property
    def rules(self) -> dict[str, dict[str, Any]]:
        return {d["action"]["type"]: d for d in self.settings.get("policyDetails", [])}

    # The request's members as sent. Lifecycle dates are DateTimeTimestamp
    # members: real timestamps, not strings (``dateCreated`` replaces the base's).
    layers = (
        *Resource.layers,
        Bag("settings"),
        {
            "dateCreated": operator.attrgetter("date_created"),
            "dateUpdated": operator.attrgetter("date_updated"),
            "dateLastRun": operator.attrgetter("date_last_run"),
        },
    )


@dataclass
class ExecutionResource:
    """One entry of ListLifecycleExecutionResources; ``parent`` is the image of an AMI."""

    account_id: str
    resource_id: str
    region: str
    action: str
    action_reason: str
    status: str
    moment: dt.datetime
    reason: str | None = None
    parent: str | None = None
    snapshots: list[dict[str, Any]] | None = None
    image_uris: list[str] | None = None

    def view(self) -> dict[str, Any]:
        state: dict[str, Any] = {"status": self.status}
        if self.reason:
            state["reason"] = self.reason
        values: dict[str, Any] = {
            "accountId": self.account_id,
            "resourceId": self.resource_id,
            "state": state,
            "action": {"name": self.action, "reason": self.action_reason},
            "region": self.region,
            "startTime": self.moment,
            "endTime": self.moment,
        }
        if self.snapshots is not None:
            values["snapshots"] = self.snapshots
        if self.image_uris is not None:
            values["imageUris"] = self.image_uris
        return values


@dataclass
class PlannedUpdate:
    """What a StartResourceStateUpdate execution will do once it is due."""

    status: str
    include: dict[str, bool]
    ami_exclusions: dict[str, Any]
    update_at: dt.datetime | None


@dataclass(eq=False)
class LifecycleExecution:
    """A run of a policy, or of one StartResourceStateUpdate: it has an id, not an ARN."""

    execution_id: str
    start_time: dt.datetime
    policy_arn: str | None = None
    # The image a StartResourceStateUpdate execution acts on.
    target_arn: str | None = None
    status: str = "IN_PROGRESS"
    reason: str | None = None
    end_time: dt.datetime | None = None
    resources: list[ExecutionResource] = field(default_factory=list)
    planned: PlannedUpdate | None = None
    # A cancellation is shown as CANCELLING once, then completes.
    cancel_seen: bool = False

    @property
    def finished(self) -> bool:
        return self.status in _FINISHED_EXECUTION

    @property
    def state(self) -> dict[str, Any]:
        state: dict[str, Any] = {"status": self.status}
        if self.reason:
            state["reason"] = self.reason
        return state

    def fields(self) -> dict[str, Any]:
        impacted = any(r.parent is None and r.status != "SKIPPED" for r in self.resources)
        return {
            "lifecycleExecutionId": self.execution_id,
            "lifecyclePolicyArn": self.policy_arn,
            "resourcesImpactedSummary": {"hasImpactedResources": impacted},
            "state": self.state,
            "startTime": self.start_time,
            "endTime": self.end_time,
        }

    def finish(self, moment: dt.datetime) -> None:
        failed = any(r.status == "FAILED" for r in self.resources)
        self.status = "FAILED" if failed else "SUCCESS"
        self.reason = "One or more resource actions failed." if failed else None
        self.end_time = moment


def _new_execution(
    backend: Backend, *, policy_arn: str | None = None, target_arn: str | None = None
) -> LifecycleExecution:
    execution = LifecycleExecution(
        execution_id=f"lce-{uuid.uuid4()}",
        start_time=backend.now(),
        policy_arn=policy_arn,
        target_arn=target_arn,
    )
    ledger = backend.part(_Executions)
    ledger.by_id[execution.execution_id] = execution
    ledger.unsettled[execution.execution_id] = execution
    return execution


@dataclass
class _Executions:
    """A backend's lifecycle executions by id (oldest first), and those that the
    clock or a seen cancellation may still move (what settling looks at)."""

    by_id: dict[str, LifecycleExecution] = field(default_factory=dict)
    unsettled: dict[str, LifecycleExecution] = field(default_factory=dict)


# -- policy validation ----------------------------------------------------------------


def _combination(parameter: str, rule: str) -> InvalidParameterCombination:
    return InvalidParameterCombination(
        f"The value supplied for parameter '{parameter}' is not valid. {rule}"
    )


def _check_selection(selection: dict[str, Any]) -> None:
    # Model: "You must specify exactly one selection criteria: either recipes or a tag map".
    exactly_one_of(selection, "recipes", "tagMap", within="resourceSelection")
    for i, recipe in enumerate(selection.get("recipes") or []):
        parse_selector(recipe["semanticVersion"], f"resourceSelection.recipes[{i}].semanticVersion")


def _check_filter(i: int, action: str, rule_filter: dict[str, Any]) -> None:
    parameter = f"policyDetails[{i}].filter"
    if rule_filter["type"] == "COUNT":
        # Model: "You can only use the count filter with the DELETE action type."
        if action != "DELETE":
            raise _combination(parameter, "COUNT filters can only be used with DELETE actions.")
        if "unit" in rule_filter:
            raise _combination(parameter, "unit applies to AGE filters only.")
        if "retainAtLeast" in rule_filter:
            raise _combination(parameter, "retainAtLeast applies to AGE filters only.")
    elif "unit" not in rule_filter:
        # Model: the unit "is required for age-based rules".
        raise _combination(parameter, "unit is required for AGE filters.")


def _check_include(i: int, action: str, resource_type: str, include: dict[str, Any]) -> None:
    parameter = f"policyDetails[{i}].action.includeResources"
    chosen = {k for k, v in include.items() if v}
    if action != "DELETE" and chosen - {"amis"}:
        # Model: "DEPRECATE and DISABLE rules can include AMIs only".
        raise _combination(parameter, f"{action} rules can include AMIs only.")
    if "snapshots" in chosen and "amis" not in chosen:
        raise _combination(parameter, "Snapshots can only be included together with AMIs.")
    if resource_type == "AMI_IMAGE" and "containers" in chosen:
        raise _combination(parameter, "Containers cannot be included for AMI_IMAGE policies.")
    if resource_type == "CONTAINER_IMAGE" and chosen & {"amis", "snapshots"}:
        raise _combination(
            parameter, "AMIs and snapshots cannot be included for CONTAINER_IMAGE policies."
        )


def _check_details(resource_type: str, details: list[dict[str, Any]]) -> None:
    seen: set[str] = set()
    for i, detail in enumerate(details):
        action = detail["action"]["type"]
        # Model: "A policy can contain at most one rule per action type".
        if action in seen:
            raise _combination("policyDetails", f"A policy can contain at most one {action} rule.")
        seen.add(action)
        # Model: container policies "support only DELETE".
        if resource_type == "CONTAINER_IMAGE" and action != "DELETE":
            raise _combination(
                f"policyDetails[{i}].action.type",
                f"CONTAINER_IMAGE policies support only DELETE rules, not {action}.",
            )
        _check_filter(i, action, detail["filter"])
        _check_include(i, action, resource_type, detail["action"].get("includeResources") or {})


def _settings(params: dict[str, Any]) -> dict[str, Any]:
    """The policy a Create or Update describes, checked, with the service's defaults."""
    settings = {k: v for k, v in params.items() if k not in _NOT_SETTINGS}
    # Model: status "defaults to ENABLED" (also on Update: omitting it re-enables).
    settings.setdefault("status", "ENABLED")
    _check_selection(settings["resourceSelection"])
    _check_details(settings["resourceType"], settings["policyDetails"])
    return settings


# -- policy handlers ------------------------------------------------------------------


@OPERATIONS.handles("CreateLifecyclePolicy")
def create_lifecycle_policy(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    settings = _settings(params)
    check_execution_role(backend, params)
    policy = LifecyclePolicy(
        arn=backend.arn("lifecycle-policy", slug(params["name"])),
        name=params["name"],
        owner=backend.account_id,
        date_created=backend.now(),
        tags=dict(params.get("tags") or {}),
        settings=settings,
    )
    create(backend, policy, params)
    return {"lifecyclePolicyArn": policy.arn}


def _policy(backend: Backend, arn: str) -> LifecyclePolicy:
    return backend.get(arn, LifecyclePolicy, "lifecyclePolicyArn")


@OPERATIONS.handles("GetLifecyclePolicy")
def get_lifecycle_policy(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    policy = _policy(backend, params["lifecyclePolicyArn"])
    return {"lifecyclePolicy": policy.view("LifecyclePolicy")}


@OPERATIONS.handles("UpdateLifecyclePolicy")
def update_lifecycle_policy(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["lifecyclePolicyArn"]
    policy = _policy(backend, arn)
    if params["resourceType"] != policy.settings["resourceType"]:
        raise invalid_value(
            "resourceType",
            f"The resource type of a lifecycle policy cannot change; this policy is "
            f"{policy.settings['resourceType']}.",
        )
    # A full replacement: what the request leaves out is cleared, tags stay.
    settings = _settings(params)
    check_execution_role(backend, params)
    policy.settings = settings
    policy.date_updated = backend.now()
    return {"lifecyclePolicyArn": arn}


@OPERATIONS.handles("DeleteLifecyclePolicy")
def delete_lifecycle_policy(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["lifecyclePolicyArn"]
    backend.remove(_policy(backend, arn))
    # Its executions stay readable: they are the history of what it did.
    return {"lifecyclePolicyArn": arn}


@OPERATIONS.handles("ListLifecyclePolicies")
def list_lifecycle_policies(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    return list_page(
        backend,
        "ListLifecyclePolicies",
        backend.store(LifecyclePolicy).ordered,
        params,
        matchers={
            "name": field_equals(lambda p: p.name),
            "resourceType": field_equals(lambda p: p.settings.get("resourceType")),
            "status": field_equals(lambda p: p.settings.get("status")),
        },
        sort_key=store_order,
        view="LifecyclePolicySummary",
        result_key="lifecyclePolicySummaryList",
    )


# -- selecting images -----------------------------------------------------------------


def _from_selected_recipe(image: Image, recipes: list[dict[str, Any]]) -> bool:
    # Images record the recipe they were built from; imports have none.
    parsed = parse_arn(image.recipe_arn or "")
    if parsed is None or parsed.version is None:
        return False
    version = parse_version(parsed.version)
    for recipe in recipes:
        selector = parse_selector(recipe["semanticVersion"], "semanticVersion")
        if slug(recipe["name"]) == parsed.name and selector.matches(version):
            return True
    return False


def _has_any_tag(tags: dict[str, str], wanted: dict[str, str]) -> bool:
    """Both key and value must match; any one pair is enough (user guide: OR logic)."""
    return any(tags.get(key) == value for key, value in wanted.items())


def _selected(backend: Backend, policy: LifecyclePolicy) -> list[Image]:
    """The images a policy looks at; builds in progress wait for a later run."""
    selection = policy.settings["resourceSelection"]
    image_type = _IMAGE_TYPE[policy.settings["resourceType"]]
    chosen = []
    for image in backend.of_kind(Image):
        if image.image_type != image_type or image.status in IN_PROGRESS:
            continue
        if selection.get("recipes"):
            if _from_selected_recipe(image, selection["recipes"]):
                chosen.append(image)
        elif _has_any_tag(image.tags, selection.get("tagMap") or {}):
            chosen.append(image)
    return chosen


def _newest_first(images: Iterable[Image]) -> list[Image]:
    return sorted(images, key=lambda i: (i.date_created, i.build or 0), reverse=True)


# -- evaluating rules -----------------------------------------------------------------


def _months_before(moment: dt.datetime, months: int) -> dt.datetime:
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _threshold(now: dt.datetime, value: int, unit: str) -> dt.datetime:
    """The creation time an image must be at or before to be ``value unit`` old."""
    if unit == "DAYS":
        return now - dt.timedelta(days=value)
    if unit == "WEEKS":
        return now - dt.timedelta(weeks=value)
    # Months and years are calendar ones.
    return _months_before(now, value * (12 if unit == "YEARS" else 1))


def _old_enough(image: Image, rule_filter: dict[str, Any], now: dt.datetime) -> bool:
    return image.date_created <= _threshold(now, rule_filter["value"], rule_filter["unit"])


def _age_reason(rule_filter: dict[str, Any]) -> str:
    return f"The image is at least {rule_filter['value']} {rule_filter['unit'].lower()} old."


@dataclass
class _Decision:
    action: str
    reason: str
    rule: dict[str, Any]
    # Set when an image-level exclusion tag stopped the action.
    excluded: bool = False


def _tag_excluded(image: Image, rule: dict[str, Any]) -> bool:
    return _has_any_tag(image.tags, (rule.get("exclusionRules") or {}).get("tagMap") or {})


def _delete_decisions(
    images: list[Image], rule: dict[str, Any], now: dt.datetime
) -> dict[str, _Decision]:
    """Which images a delete rule removes, retention counted per recipe version.

    Newest images fill the retention slots first; failed or cancelled builds
    never take a slot, and neither do tag-excluded images (user guide, "How
    retention is calculated").
    """
    rule_filter = rule["filter"]
    by_count = rule_filter["type"] == "COUNT"
    slots = rule_filter["value"] if by_count else rule_filter.get("retainAtLeast", 0)
    if by_count:
        reason = f"The image is beyond the newest {slots} images of its recipe version."
    else:
        reason = _age_reason(rule_filter)
    groups: dict[str, list[Image]] = {}
    for image in images:
        groups.setdefault(image.version_arn, []).append(image)
    decisions: dict[str, _Decision] = {}
    for group in groups.values():
        kept = 0
        for image in _newest_first(group):
            aged = by_count or _old_enough(image, rule_filter, now)
            if image.status in _FAILED_BUILDS:
                eligible = aged
            elif _tag_excluded(image, rule):
                eligible = aged and kept >= slots
            elif kept < slots:
                kept += 1
                eligible = False
            else:
                eligible = aged
            if eligible:
                decisions[image.arn] = _Decision(
                    "DELETE", reason, rule, excluded=_tag_excluded(image, rule)
                )
    return decisions


def _decide(
    image: Image,
    rules: dict[str, dict[str, Any]],
    deletions: dict[str, _Decision],
    now: dt.datetime,
) -> _Decision | None:
    """The one action a run takes on an image: the first rule, in priority order, that applies."""
    skipped: _Decision | None = None
    for action in _PRIORITY:
        rule = rules.get(action)
        if rule is None or image.status not in _RULE_APPLIES_TO[action]:
            continue
        if action == "DELETE":
            decision = deletions.get(image.arn)
        elif _old_enough(image, rule["filter"], now):
            decision = _Decision(
                action, _age_reason(rule["filter"]), rule, excluded=_tag_excluded(image, rule)
            )
        else:
            decision = None
        if decision is None:
            continue
        if not decision.excluded:
            return decision
        skipped = skipped or decision
    return skipped


# -- acting on images -----------------------------------------------------------------


def _set_status(backend: Backend, image: Image, status: str, moment: dt.datetime) -> None:
    """Move an image to a lifecycle status; deprecating stamps the time, restoring clears it."""
    transition(backend, image, status, at=moment)


def _snapshot_id(ami_id: str) -> str:
    # Without moto the mock records no snapshots; a stable id per AMI stands for
    # its root volume.
    return "snap-" + hashlib.sha256(ami_id.encode()).hexdigest()[:17]


def _ami_exclusion(ami: dict[str, Any], rules: dict[str, Any]) -> str | None:
    """Why an AMI is excluded, checked in the service's order, as far as the mock can know.

    Public state, AMI tags, sharing and last launch live in EC2, which the
    mock does not track: those rules never exclude.
    """
    if ami.get("region") in (rules.get("regions") or []):
        return f"The AMI is in an excluded Region ({ami['region']})."
    return None


@dataclass
class _Action:
    """An action on one image, from a policy rule or a StartResourceStateUpdate."""

    name: str
    reason: str
    include: dict[str, Any]
    ami_exclusions: dict[str, Any]


def _act_on_amis(
    execution: LifecycleExecution, image: Image, action: _Action, moment: dt.datetime
) -> bool:
    """Record and apply the action on the image's AMIs; True when one was skipped."""
    skipped_any = False
    kept = []
    for ami in image.output_resources.get("amis") or []:
        excluded = _ami_exclusion(ami, action.ami_exclusions)
        account = ami.get("accountId", image.account)
        # The AMI in moto's EC2 (when moto is active) gets the same action:
        # deprecated, disabled, restored, or deregistered with its snapshots.
        in_moto = (
            None
            if excluded
            else _integrations.ami_action(
                account,
                ami["region"],
                ami["image"],
                action.name,
                moment=moment,
                delete_snapshots=bool(action.include.get("snapshots")),
            )
        )
        snapshots = None
        if action.include.get("snapshots"):
            snap_state = {"status": "SKIPPED" if excluded else "SUCCESS"}
            snapshots = [
                {"snapshotId": snapshot, "state": snap_state}
                for snapshot in in_moto or [_snapshot_id(ami["image"])]
            ]
        execution.resources.append(
            ExecutionResource(
                account_id=account,
                resource_id=ami["image"],
                region=ami["region"],
                action=action.name,
                action_reason=action.reason,
                status="SKIPPED" if excluded else "SUCCESS",
                reason=excluded,
                moment=moment,
                parent=image.arn,
                snapshots=snapshots,
            )
        )
        skipped_any = skipped_any or excluded is not None
        if excluded or action.name != "DELETE":
            if not excluded:
                ami["state"] = {"status": _ACTION_STATUS[action.name]}
            kept.append(ami)
    image.output_resources["amis"] = kept
    return skipped_any


def _act_on_containers(
    execution: LifecycleExecution, image: Image, action: _Action, moment: dt.datetime
) -> None:
    for container in image.output_resources.get("containers") or []:
        uris = list(container.get("imageUris") or [])
        if not uris:
            continue
        execution.resources.append(
            ExecutionResource(
                account_id=image.account,
                resource_id=uris[0],
                region=container["region"],
                action=action.name,
                action_reason=action.reason,
                status="SUCCESS",
                moment=moment,
                parent=image.arn,
                image_uris=uris,
            )
        )
    if action.name == "DELETE":
        image.output_resources["containers"] = []


def _act(
    backend: Backend,
    execution: LifecycleExecution,
    image: Image,
    action: _Action,
    moment: dt.datetime,
) -> None:
    """Apply an action to an image and its included resources, and record it."""
    record = ExecutionResource(
        account_id=image.account,
        resource_id=image.arn,
        region=image.region,
        action=action.name,
        action_reason=action.reason,
        status="SUCCESS",
        moment=moment,
    )
    execution.resources.append(record)
    skipped_ami = False
    if action.include.get("amis") and image.image_type == "AMI":
        skipped_ami = _act_on_amis(execution, image, action, moment)
    if action.include.get("containers") and image.image_type == "DOCKER":
        containers = image.output_resources.get("containers") or []
        record.image_uris = [uri for c in containers for uri in c.get("imageUris") or []] or None
        _act_on_containers(execution, image, action, moment)
    image.lifecycle_execution_id = execution.execution_id
    if action.name != "DELETE":
        _set_status(backend, image, _ACTION_STATUS[action.name], moment)
        return
    if skipped_ami:
        # An image whose AMIs were partly kept stays, so they keep an owner.
        record.status = "SKIPPED"
        record.reason = "The image is retained because some of its AMIs were excluded."
        return
    try:
        backend.remove(image)
    except ResourceDependency as error:
        record.status = "FAILED"
        record.reason = error.message


def _skip(
    execution: LifecycleExecution, image: Image, decision: _Decision, now: dt.datetime
) -> None:
    execution.resources.append(
        ExecutionResource(
            account_id=image.account,
            resource_id=image.arn,
            region=image.region,
            action=decision.action,
            action_reason=decision.reason,
            status="SKIPPED",
            reason="The image has a tag listed in exclusionRules.tagMap.",
            moment=now,
        )
    )


def _run_policy(backend: Backend, policy: LifecyclePolicy) -> LifecycleExecution:
    now = backend.now()
    execution = _new_execution(backend, policy_arn=policy.arn)
    rules = policy.rules
    images = _selected(backend, policy)
    deletions = _delete_decisions(images, rules["DELETE"], now) if "DELETE" in rules else {}
    for image in _newest_first(images):
        decision = _decide(image, rules, deletions, now)
        if decision is None:
            continue
        if decision.excluded:
            _skip(execution, image, decision, now)
            continue
        exclusions = decision.rule.get("exclusionRules") or {}
        action = _Action(
            decision.action,
            decision.reason,
            decision.rule["action"].get("includeResources") or {},
            exclusions.get("amis") or {},
        )
        _act(backend, execution, image, action, now)
    execution.finish(now)
    policy.date_last_run = now
    return execution


def run_lifecycle_policies(backend: Backend, policy_arn: str | None = None) -> list[str]:
    """Run the enabled lifecycle policies of a backend now, as the daily schedule would.

    With ``policy_arn``, only that policy (a disabled one does not run). Each run
    finishes at once and returns its lifecycle execution id, in policy-name order.
    Raises ``KeyError`` for a policy ARN the backend does not hold.
    """
    with backend.lock:
        backend.settle()
        if policy_arn is not None:
            policy = backend.find(policy_arn)
            if not isinstance(policy, LifecyclePolicy):
                raise KeyError(f"no lifecycle policy {policy_arn}")
            policies = [policy]
        else:
            policies = sorted(backend.of_kind(LifecyclePolicy), key=lambda p: p.name)
        return [_run_policy(backend, p).execution_id for p in policies if p.enabled]


# -- pending work ---------------------------------------------------------------------


def apply_due_updates(backend: Backend) -> None:
    """Settle lifecycle work the mock's clock has reached.

    Scheduled StartResourceStateUpdate executions whose ``updateAt`` has passed
    are applied; a cancellation that has been seen as CANCELLING completes.
    Cheap when there is nothing to do, so any handler may call it first.
    """
    unsettled = backend.part(_Executions).unsettled
    if not unsettled:
        return  # the usual case: no clock read, no lock, on every request
    with backend.lock:
        now = backend.now()
        for execution in list(unsettled.values()):
            if execution.finished:
                del unsettled[execution.execution_id]
            elif execution.status == "CANCELLING" and execution.cancel_seen:
                execution.status = "CANCELLED"
                execution.reason = "The lifecycle execution was cancelled."
                execution.end_time = now
            elif execution.status == "PENDING" and execution.planned is not None:
                due = execution.planned.update_at
                if due is not None and due <= now:
                    _apply_planned(backend, execution, due)


def _apply_planned(backend: Backend, execution: LifecycleExecution, moment: dt.datetime) -> None:
    planned = execution.planned
    assert planned is not None
    image = backend.find(execution.target_arn or "")
    if isinstance(image, Image) and image.status in _UPDATE_FROM[planned.status]:
        action = _Action(
            _UPDATE_ACTION[planned.status],
            "Requested by StartResourceStateUpdate.",
            planned.include,
            planned.ami_exclusions,
        )
        _act(backend, execution, image, action, moment)
    # An image already gone or already moved elsewhere needs nothing more.
    execution.finish(moment)


# -- execution handlers ---------------------------------------------------------------


def _execution(backend: Backend, execution_id: str) -> LifecycleExecution:
    execution = backend.part(_Executions).by_id.get(execution_id)
    if execution is None:
        raise ResourceNotFound(f"The lifecycle execution '{execution_id}' does not exist.")
    return execution


def _shown(execution: LifecycleExecution) -> dict[str, Any]:
    if execution.status == "CANCELLING":
        execution.cancel_seen = True
    return shaped("LifecycleExecution", execution.fields())


@OPERATIONS.handles("GetLifecycleExecution")
def get_lifecycle_execution(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    execution = _execution(backend, params["lifecycleExecutionId"])
    return {"lifecycleExecution": _shown(execution)}


def _start_key(execution: LifecycleExecution) -> tuple[Any, ...]:
    # Newest first; the key must survive a JSON round trip inside page tokens.
    return (-execution.start_time.timestamp(), execution.execution_id)


@OPERATIONS.handles("ListLifecycleExecutions")
def list_lifecycle_executions(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    """Executions of a policy, or the StartResourceStateUpdate executions of an image (model)."""
    arn = params["resourceArn"]
    parsed = parse_arn(arn)
    if parsed is None or not (
        parsed.resource_type == "lifecycle-policy"
        or (parsed.resource_type == "image" and parsed.build is not None)
    ):
        raise invalid_value(
            "resourceArn", "Specify a lifecycle policy ARN or an image build version ARN."
        )
    by_policy = parsed.resource_type == "lifecycle-policy"
    executions = [
        e
        for e in backend.part(_Executions).by_id.values()
        if (e.policy_arn if by_policy else e.target_arn) == arn
    ]
    if not executions and backend.find(arn) is None:
        raise not_found(arn)
    executions.sort(key=_start_key)
    page, token = paginate(backend, "ListLifecycleExecutions", executions, _start_key, params)
    result: dict[str, Any] = {"lifecycleExecutions": [_shown(e) for e in page]}
    if token is not None:
        result["nextToken"] = token
    return result


@OPERATIONS.handles("ListLifecycleExecutionResources")
def list_lifecycle_execution_resources(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    """Images an execution acted on; with ``parentResourceId``, that image's AMIs or containers."""
    execution = _execution(backend, params["lifecycleExecutionId"])
    parent = params.get("parentResourceId")
    indexed = [(i, r) for i, r in enumerate(execution.resources) if r.parent == parent]
    page, token = paginate(
        backend, "ListLifecycleExecutionResources", indexed, lambda item: (item[0],), params
    )
    result: dict[str, Any] = {
        "lifecycleExecutionId": execution.execution_id,
        "lifecycleExecutionState": execution.state,
        "resources": [r.view() for _, r in page],
    }
    if token is not None:
        result["nextToken"] = token
    return result


@OPERATIONS.handles("CancelLifecycleExecution")
def cancel_lifecycle_execution(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    execution_id = params["lifecycleExecutionId"]
    execution = _execution(backend, execution_id)
    if execution.status == "CANCELLING":
        raise ResourceInUse(f"The lifecycle execution '{execution_id}' is already being cancelled.")
    if execution.finished:
        raise InvalidRequest(
            f"The lifecycle execution '{execution_id}' is {execution.status} and cannot be "
            "cancelled."
        )
    execution.status = "CANCELLING"
    execution.reason = "Cancellation requested."
    image = backend.find(execution.target_arn or "")
    if isinstance(image, Image) and image.status != "DEPRECATED":
        # A scheduled deprecation that will not happen leaves no deprecation time.
        image.deprecation_time = None
    return {"lifecycleExecutionId": execution_id}


# -- StartResourceStateUpdate ---------------------------------------------------------


def _check_update_request(params: dict[str, Any], image: Image, status: str) -> None:
    include = params.get("includeResources")
    chosen = {k for k, v in (include or {}).items() if v}
    # Model: executionRole "must be provided together with includeResources".
    if (params.get("executionRole") is None) != (include is None):
        raise InvalidParameterCombination(
            "The value supplied for parameter 'executionRole' is not valid. executionRole "
            "and includeResources must be specified together."
        )
    if status != "DELETED" and chosen & {"snapshots", "containers"}:
        raise _combination(
            "includeResources", "Snapshots and containers can only be included for DELETED."
        )
    if status == "DELETED" and not chosen:
        raise _combination(
            "includeResources",
            "To set an image to DELETED, include its underlying resources; use DeleteImage "
            "to delete only the image resource.",
        )
    if image.image_type == "AMI" and "containers" in chosen:
        raise _combination("includeResources", "An AMI image has no containers to include.")
    if image.image_type == "DOCKER" and chosen & {"amis", "snapshots"}:
        raise _combination("includeResources", "A container image has no AMIs or snapshots.")
    update_at = params.get("updateAt")
    if update_at is not None and status != "DEPRECATED":
        raise _combination("updateAt", "updateAt is valid only when the status is DEPRECATED.")


def _check_transition(image: Image, status: str) -> None:
    arn = image.arn
    if image.status in IN_PROGRESS:
        raise ResourceInUse(
            f"The image '{arn}' has a build in progress ({image.status}); its state cannot be "
            "updated until the build finishes."
        )
    if image.image_type == "DOCKER" and status != "DELETED":
        raise InvalidRequest(f"The container image '{arn}' can only be updated to DELETED.")
    if image.status not in _UPDATE_FROM[status]:
        raise InvalidRequest(f"The image '{arn}' cannot move from {image.status} to {status}.")


def _as_utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)


@OPERATIONS.handles("StartResourceStateUpdate")
def start_resource_state_update(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["resourceArn"]
    status = params["state"].get("status")
    if status is None:
        raise invalid_value("state.status", "state.status is required.")
    image = backend.find(arn)
    if not isinstance(image, Image):
        raise not_found(arn)
    _check_transition(image, status)
    _check_update_request(params, image, status)
    check_execution_role(backend, params)
    now = backend.now()
    update_at = params.get("updateAt")
    if update_at is not None:
        update_at = _as_utc(update_at)
        if update_at <= now:
            raise invalid_value("updateAt", "updateAt must be a time in the future.")
    include = params.get("includeResources")
    if include is None and update_at is None:
        # Model: without underlying resources or a schedule the change applies at
        # once and no lifecycle execution is started.
        _set_status(backend, image, status, now)
        return {"resourceArn": arn}
    running = [
        e
        for e in backend.part(_Executions).unsettled.values()
        if e.target_arn == arn and not e.finished
    ]
    if running:
        raise ResourceInUse(
            f"The image '{arn}' already has a lifecycle execution in progress: "
            f"'{running[0].execution_id}'."
        )
    execution = _new_execution(backend, target_arn=arn)
    execution.planned = PlannedUpdate(
        status=status,
        include=dict(include or {}),
        ami_exclusions=dict((params.get("exclusionRules") or {}).get("amis") or {}),
        update_at=update_at,
    )
    image.lifecycle_execution_id = execution.execution_id
    if update_at is None:
        _apply_planned(backend, execution, now)
    else:
        # Model: a scheduled deprecation sets the deprecation time now and the
        # status when the time comes.
        execution.status = "PENDING"
        image.deprecation_time = update_at
    return {"lifecycleExecutionId": execution.execution_id, "resourceArn": arn}
