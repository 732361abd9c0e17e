"""Lifecycle policies, their runs, executions and StartResourceStateUpdate, through boto3."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from botocore.exceptions import ClientError
from errors import error_of
from model import if_wildcards_allowed, outcome, requires_member

from imagebuilder_mock import ImageBuilderMock

pytestmark = pytest.mark.imagebuilder(progression="immediate")

REGION = "us-east-1"
POLICY_PREFIX = f"arn:aws:imagebuilder:{REGION}:123456789012:lifecycle-policy/"
PARENT = f"arn:aws:imagebuilder:{REGION}:aws:image/amazon-linux-2023-x86/x.x.x"
COMPONENT = f"arn:aws:imagebuilder:{REGION}:aws:component/update-linux/x.x.x"
START = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
DAY = 86400
ROLE = "arn:aws:iam::123456789012:role/lifecycle"
DOCKERFILE = (
    "FROM {{{ imagebuilder:parentImage }}}\n"
    "{{{ imagebuilder:environments }}}\n"
    "{{{ imagebuilder:components }}}"
)


def _rule(action: str, filter_type: str = "AGE", value: int = 1, **extra: Any) -> dict[str, Any]:
    rule_filter: dict[str, Any] = {"type": filter_type, "value": value}
    if filter_type == "AGE":
        rule_filter["unit"] = "DAYS"
    rule_filter.update(extra.pop("filter", {}))
    rule: dict[str, Any] = {"action": {"type": action}, "filter": rule_filter}
    if "include" in extra:
        rule["action"]["includeResources"] = extra.pop("include")
    if "exclusions" in extra:
        rule["exclusionRules"] = extra.pop("exclusions")
    return rule


def _policy(
    client: Any,
    *rules: dict[str, Any],
    name: str = "cleanup",
    selection: dict[str, Any] | None = None,
    **extra: Any,
) -> str:
    arn: str = client.create_lifecycle_policy(
        name=name,
        executionRole=ROLE,
        resourceType=extra.pop("resourceType", "AMI_IMAGE"),
        policyDetails=list(rules) or [_rule("DEPRECATE")],
        resourceSelection=(
            {"recipes": [{"name": "web", "semanticVersion": "1.x.x"}]}
            if selection is None
            else selection
        ),
        **extra,
    )["lifecyclePolicyArn"]
    return arn


def _recipe(client: Any, name: str = "web", version: str = "1.0.0") -> str:
    arn: str = client.create_image_recipe(
        name=name,
        semanticVersion=version,
        parentImage=PARENT,
        components=[{"componentArn": COMPONENT}],
    )["imageRecipeArn"]
    return arn


def _infrastructure(client: Any) -> str:
    arn: str = client.create_infrastructure_configuration(
        name="builders", instanceProfileName="builder-profile"
    )["infrastructureConfigurationArn"]
    return arn


class Lab:
    """Images built one day apart on a frozen clock."""

    def __init__(self, mock: ImageBuilderMock, client: Any) -> None:
        self.mock = mock
        self.client = client
        mock.set_time(START)
        self.infrastructure = _infrastructure(client)
        self.recipes: dict[tuple[str, str], str] = {}

    def build(
        self, count: int = 1, name: str = "web", version: str = "1.0.0", **extra: Any
    ) -> list[str]:
        key = (name, version)
        if key not in self.recipes:
            self.recipes[key] = _recipe(self.client, name, version)
        arns = []
        for _ in range(count):
            arns.append(
                self.client.create_image(
                    imageRecipeArn=self.recipes[key],
                    infrastructureConfigurationArn=self.infrastructure,
                    **extra,
                )["imageBuildVersionArn"]
            )
            self.mock.tick(DAY)
        return arns

    def run(self, policy_arn: str | None = None) -> list[str]:
        return self.mock.run_lifecycle_policies(policy_arn)

    def image(self, arn: str) -> dict[str, Any]:
        image: dict[str, Any] = self.client.get_image(imageBuildVersionArn=arn)["image"]
        return image

    def status(self, arn: str) -> str:
        try:
            return str(self.image(arn)["state"]["status"])
        except ClientError as error:
            assert error.response["Error"]["Code"] == "ResourceNotFoundException"
            return "GONE"

    def resources(self, execution_id: str, parent: str | None = None) -> list[dict[str, Any]]:
        extra = {"parentResourceId": parent} if parent else {}
        resources: list[dict[str, Any]] = self.client.list_lifecycle_execution_resources(
            lifecycleExecutionId=execution_id, **extra
        )["resources"]
        return resources

    def execution(self, execution_id: str) -> dict[str, Any]:
        execution: dict[str, Any] = self.client.get_lifecycle_execution(
            lifecycleExecutionId=execution_id
        )["lifecycleExecution"]
        return execution


@pytest.fixture
def lab(imagebuilder_mock: ImageBuilderMock, imagebuilder_client: Any) -> Lab:
    return Lab(imagebuilder_mock, imagebuilder_client)


# -- policies -------------------------------------------------------------------------


def test_create_and_get_policy(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock
) -> None:
    imagebuilder_mock.set_time(START)
    response = imagebuilder_client.create_lifecycle_policy(
        name="Web Cleanup",
        description="old images",
        executionRole=ROLE,
        resourceType="AMI_IMAGE",
        policyDetails=[_rule("DEPRECATE", value=30)],
        resourceSelection={"tagMap": {"team": "web"}},
        tags={"owner": "me"},
        clientToken="token-1",
    )
    arn = response["lifecyclePolicyArn"]
    assert arn == POLICY_PREFIX + "web-cleanup"
    assert response["clientToken"] == "token-1"
    assert "requestId" not in response
    policy = imagebuilder_client.get_lifecycle_policy(lifecyclePolicyArn=arn)["lifecyclePolicy"]
    assert policy["name"] == "Web Cleanup"
    assert policy["status"] == "ENABLED"
    assert policy["description"] == "old images"
    assert policy["policyDetails"] == [_rule("DEPRECATE", value=30)]
    assert policy["resourceSelection"] == {"tagMap": {"team": "web"}}
    assert policy["tags"] == {"owner": "me"}
    assert policy["dateCreated"] == START
    assert "dateUpdated" not in policy
    assert "dateLastRun" not in policy


def test_duplicate_policy_name(imagebuilder_client: Any) -> None:
    arn = _policy(imagebuilder_client, name="Clean_Up")
    with pytest.raises(ClientError) as caught:
        _policy(imagebuilder_client, name="clean up")
    assert error_of(caught) == (
        "ResourceAlreadyExistsException",
        f"The following resource 'LifecyclePolicy' already exists: '{arn}'.",
    )


@requires_member("CreateLifecyclePolicy", "dryRun")
def test_dry_run_creates_nothing(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as caught:
        _policy(imagebuilder_client, dryRun=True)
    assert error_of(caught)[0] == "DryRunOperationException"
    assert imagebuilder_client.list_lifecycle_policies()["lifecyclePolicySummaryList"] == []


@pytest.mark.parametrize(
    ("rules", "selection", "resource_type", "code", "message"),
    [
        (
            [_rule("DELETE")],
            {"recipes": [{"name": "web", "semanticVersion": "1.0.0"}], "tagMap": {"a": "b"}},
            "AMI_IMAGE",
            "InvalidParameterCombinationException",
            "'resourceSelection' is not valid. Specify exactly one of recipes or tagMap",
        ),
        (
            [_rule("DELETE")],
            {},
            "AMI_IMAGE",
            "InvalidParameterCombinationException",
            "'resourceSelection' is not valid. Specify exactly one of recipes or tagMap",
        ),
        (
            [_rule("DELETE"), _rule("DELETE", "COUNT", 3)],
            None,
            "AMI_IMAGE",
            "InvalidParameterCombinationException",
            "'policyDetails' is not valid. A policy can contain at most one DELETE rule.",
        ),
        (
            [_rule("DEPRECATE")],
            None,
            "CONTAINER_IMAGE",
            "InvalidParameterCombinationException",
            "CONTAINER_IMAGE policies support only DELETE rules, not DEPRECATE.",
        ),
        (
            [_rule("DISABLE", "COUNT", 3)],
            None,
            "AMI_IMAGE",
            "InvalidParameterCombinationException",
            "COUNT filters can only be used with DELETE actions.",
        ),
        (
            [{"action": {"type": "DELETE"}, "filter": {"type": "AGE", "value": 3}}],
            None,
            "AMI_IMAGE",
            "InvalidParameterCombinationException",
            "'policyDetails[0].filter' is not valid. unit is required for AGE filters.",
        ),
        (
            [_rule("DELETE", "COUNT", 3, filter={"unit": "DAYS"})],
            None,
            "AMI_IMAGE",
            "InvalidParameterCombinationException",
            "unit applies to AGE filters only.",
        ),
        (
            [_rule("DELETE", "COUNT", 3, filter={"retainAtLeast": 2})],
            None,
            "AMI_IMAGE",
            "InvalidParameterCombinationException",
            "retainAtLeast applies to AGE filters only.",
        ),
        (
            [_rule("DEPRECATE"), _rule("DISABLE", include={"amis": True, "snapshots": True})],
            None,
            "AMI_IMAGE",
            "InvalidParameterCombinationException",
            "'policyDetails[1].action.includeResources' is not valid. DISABLE rules can "
            "include AMIs only.",
        ),
        (
            [_rule("DELETE", include={"snapshots": True})],
            None,
            "AMI_IMAGE",
            "InvalidParameterCombinationException",
            "Snapshots can only be included together with AMIs.",
        ),
        (
            [_rule("DELETE", include={"containers": True})],
            None,
            "AMI_IMAGE",
            "InvalidParameterCombinationException",
            "Containers cannot be included for AMI_IMAGE policies.",
        ),
        (
            [_rule("DELETE", include={"amis": True})],
            None,
            "CONTAINER_IMAGE",
            "InvalidParameterCombinationException",
            "AMIs and snapshots cannot be included for CONTAINER_IMAGE policies.",
        ),
        (
            [_rule("DELETE")],
            {"recipes": [{"name": "web", "semanticVersion": "x.1.x"}]},
            "AMI_IMAGE",
            "InvalidParameterValueException",
            "The value supplied for parameter 'resourceSelection.recipes[0].semanticVersion' "
            "is not valid.",
        ),
    ],
)
def test_invalid_policies(
    imagebuilder_client: Any,
    rules: list[dict[str, Any]],
    selection: dict[str, Any] | None,
    resource_type: str,
    code: str,
    message: str,
) -> None:
    kwargs: dict[str, Any] = {}
    if selection is not None:
        kwargs["selection"] = selection
    with pytest.raises(ClientError) as caught:
        _policy(imagebuilder_client, *rules, resourceType=resource_type, **kwargs)
    assert error_of(caught)[0] == code
    assert message in error_of(caught)[1]


def test_update_replaces_the_policy(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock
) -> None:
    imagebuilder_mock.set_time(START)
    arn = _policy(imagebuilder_client, description="first", status="DISABLED", tags={"k": "v"})
    imagebuilder_mock.tick(60)
    imagebuilder_client.update_lifecycle_policy(
        lifecyclePolicyArn=arn,
        executionRole="other-role",
        resourceType="AMI_IMAGE",
        policyDetails=[_rule("DELETE", "COUNT", 5)],
        resourceSelection={"tagMap": {"env": "dev"}},
    )
    policy = imagebuilder_client.get_lifecycle_policy(lifecyclePolicyArn=arn)["lifecyclePolicy"]
    # Omitted members are cleared or back to their defaults; tags are not part of it.
    assert "description" not in policy
    assert policy["status"] == "ENABLED"
    assert policy["executionRole"] == "other-role"
    assert policy["policyDetails"] == [_rule("DELETE", "COUNT", 5)]
    assert policy["resourceSelection"] == {"tagMap": {"env": "dev"}}
    assert policy["tags"] == {"k": "v"}
    assert policy["dateCreated"] == START
    assert policy["dateUpdated"] == START + dt.timedelta(seconds=60)


def test_update_errors(imagebuilder_client: Any) -> None:
    arn = _policy(imagebuilder_client)
    update = {
        "executionRole": ROLE,
        "policyDetails": [_rule("DELETE")],
        "resourceSelection": {"tagMap": {"a": "b"}},
    }
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.update_lifecycle_policy(
            lifecyclePolicyArn=arn, resourceType="CONTAINER_IMAGE", **update
        )
    assert error_of(caught) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'resourceType' is not valid. The resource type of "
        "a lifecycle policy cannot change; this policy is AMI_IMAGE.",
    )
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.update_lifecycle_policy(
            lifecyclePolicyArn=arn,
            resourceType="AMI_IMAGE",
            **{**update, "policyDetails": [_rule("DEPRECATE", "COUNT", 2)]},
        )
    assert error_of(caught)[0] == "InvalidParameterCombinationException"
    missing = POLICY_PREFIX + "missing"
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.update_lifecycle_policy(
            lifecyclePolicyArn=missing, resourceType="AMI_IMAGE", **update
        )
    assert error_of(caught) == (
        "ResourceNotFoundException",
        f"The resource ARN '{missing}' does not exist.",
    )


def test_delete_policy(imagebuilder_client: Any) -> None:
    arn = _policy(imagebuilder_client)
    response = imagebuilder_client.delete_lifecycle_policy(lifecyclePolicyArn=arn)
    assert response["lifecyclePolicyArn"] == arn
    for call in (
        imagebuilder_client.get_lifecycle_policy,
        imagebuilder_client.delete_lifecycle_policy,
    ):
        with pytest.raises(ClientError) as caught:
            call(lifecyclePolicyArn=arn)
        assert error_of(caught) == (
            "ResourceNotFoundException",
            f"The resource ARN '{arn}' does not exist.",
        )


def _names(client: Any, **params: Any) -> list[str]:
    summaries = client.list_lifecycle_policies(**params)["lifecyclePolicySummaryList"]
    return [p["name"] for p in summaries]


def test_list_policies_with_filters_and_pages(imagebuilder_client: Any) -> None:
    _policy(imagebuilder_client, name="web-old")
    _policy(imagebuilder_client, name="web-new", status="DISABLED")
    _policy(
        imagebuilder_client,
        _rule("DELETE", "COUNT", 2),
        name="batch-web",
        resourceType="CONTAINER_IMAGE",
        selection={"tagMap": {"app": "batch"}},
    )
    client = imagebuilder_client
    assert _names(client) == ["batch-web", "web-new", "web-old"]
    assert _names(client, filters=[{"name": "name", "values": ["web-old"]}]) == ["web-old"]
    assert outcome(
        lambda: _names(client, filters=[{"name": "name", "values": ["web*"]}])
    ) == if_wildcards_allowed(["web-new", "web-old"])
    assert outcome(
        lambda: _names(client, filters=[{"name": "name", "values": ["*web*"]}])
    ) == if_wildcards_allowed(["batch-web", "web-new", "web-old"])
    assert _names(client, filters=[{"name": "status", "values": ["DISABLED"]}]) == ["web-new"]
    assert _names(client, filters=[{"name": "resourceType", "values": ["CONTAINER_IMAGE"]}]) == [
        "batch-web"
    ]
    summary = client.list_lifecycle_policies()["lifecyclePolicySummaryList"][0]
    assert set(summary) == {
        "arn",
        "name",
        "status",
        "executionRole",
        "resourceType",
        "dateCreated",
        "tags",
    }
    first = client.list_lifecycle_policies(maxResults=2)
    assert [p["name"] for p in first["lifecyclePolicySummaryList"]] == ["batch-web", "web-new"]
    rest = client.list_lifecycle_policies(maxResults=2, nextToken=first["nextToken"])
    assert [p["name"] for p in rest["lifecyclePolicySummaryList"]] == ["web-old"]
    assert "nextToken" not in rest
    with pytest.raises(ClientError) as caught:
        client.list_lifecycle_policies(filters=[{"name": "owner", "values": ["Self"]}])
    assert error_of(caught) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'filters[0].name' is not valid. Unknown filter name "
        "'owner'. Valid filter names: name, resourceType, status.",
    )


# -- running policies -----------------------------------------------------------------


def test_age_rule_on_a_frozen_clock(lab: Lab) -> None:
    old, young = lab.build(2)  # built on day 0 and day 1; the clock is now day 2
    policy = _policy(lab.client, _rule("DEPRECATE", value=2))
    (execution_id,) = lab.run()
    assert lab.status(old) == "DEPRECATED"
    assert lab.status(young) == "AVAILABLE"
    image = lab.image(old)
    assert image["deprecationTime"] == START + dt.timedelta(days=2)
    assert image["lifecycleExecutionId"] == execution_id
    assert "lifecycleExecutionId" not in lab.image(young)
    execution = lab.execution(execution_id)
    assert execution == {
        "lifecycleExecutionId": execution_id,
        "lifecyclePolicyArn": policy,
        "resourcesImpactedSummary": {"hasImpactedResources": True},
        "state": {"status": "SUCCESS"},
        "startTime": START + dt.timedelta(days=2),
        "endTime": START + dt.timedelta(days=2),
    }
    (resource,) = lab.resources(execution_id)
    assert resource == {
        "accountId": "123456789012",
        "resourceId": old,
        "state": {"status": "SUCCESS"},
        "action": {"name": "DEPRECATE", "reason": "The image is at least 2 days old."},
        "region": REGION,
        "startTime": START + dt.timedelta(days=2),
        "endTime": START + dt.timedelta(days=2),
    }
    policy_view = lab.client.get_lifecycle_policy(lifecyclePolicyArn=policy)["lifecyclePolicy"]
    assert policy_view["dateLastRun"] == START + dt.timedelta(days=2)
    # A day later the second image has reached the age too.
    lab.mock.tick(DAY)
    lab.run()
    assert lab.status(young) == "DEPRECATED"


def test_month_and_week_units(lab: Lab) -> None:
    (image,) = lab.build()
    _policy(
        lab.client,
        {"action": {"type": "DISABLE"}, "filter": {"type": "AGE", "value": 1, "unit": "MONTHS"}},
    )
    lab.mock.set_time(dt.datetime(2025, 1, 31, tzinfo=dt.timezone.utc))
    lab.run()
    assert lab.status(image) == "AVAILABLE"
    lab.mock.set_time(dt.datetime(2025, 2, 1, tzinfo=dt.timezone.utc))
    lab.run()
    assert lab.status(image) == "DISABLED"


def test_count_rule_keeps_the_newest_per_recipe_version(lab: Lab) -> None:
    one = lab.build(3, version="1.0.0")
    two = lab.build(2, version="1.1.0")
    _policy(lab.client, _rule("DELETE", "COUNT", 2))
    (execution_id,) = lab.run()
    assert [lab.status(a) for a in one] == ["GONE", "AVAILABLE", "AVAILABLE"]
    assert [lab.status(a) for a in two] == ["AVAILABLE", "AVAILABLE"]
    (resource,) = lab.resources(execution_id)
    assert resource["resourceId"] == one[0]
    assert resource["action"] == {
        "name": "DELETE",
        "reason": "The image is beyond the newest 2 images of its recipe version.",
    }


def test_failed_builds_take_no_retention_slot(lab: Lab) -> None:
    lab.mock.fail_build(count=1)
    failed, kept = lab.build(2)
    assert lab.status(failed) == "FAILED"
    _policy(lab.client, _rule("DELETE", "COUNT", 1))
    lab.run()
    assert lab.status(failed) == "GONE"
    assert lab.status(kept) == "AVAILABLE"


def test_age_rule_with_retain_at_least(lab: Lab) -> None:
    images = lab.build(4)
    _policy(lab.client, _rule("DELETE", value=1, filter={"retainAtLeast": 3}))
    lab.mock.tick(10 * DAY)
    lab.run()
    assert [lab.status(a) for a in images] == ["GONE", "AVAILABLE", "AVAILABLE", "AVAILABLE"]


def test_recipe_selection_follows_name_and_version_pattern(lab: Lab) -> None:
    (v1,) = lab.build(version="1.2.3")
    (v2,) = lab.build(version="2.0.0")
    (other,) = lab.build(name="api")
    _policy(
        lab.client,
        _rule("DEPRECATE"),
        selection={"recipes": [{"name": "Web", "semanticVersion": "1.x.x"}]},
    )
    lab.mock.tick(10 * DAY)
    lab.run()
    assert (lab.status(v1), lab.status(v2), lab.status(other)) == (
        "DEPRECATED",
        "AVAILABLE",
        "AVAILABLE",
    )


def test_tag_selection_matches_any_tag(lab: Lab) -> None:
    (blue,) = lab.build(tags={"team": "blue"})
    (green,) = lab.build(tags={"team": "green", "env": "dev"})
    (red,) = lab.build(tags={"team": "red"})
    _policy(lab.client, _rule("DISABLE"), selection={"tagMap": {"team": "blue", "env": "dev"}})
    lab.mock.tick(10 * DAY)
    lab.run()
    assert (lab.status(blue), lab.status(green), lab.status(red)) == (
        "DISABLED",
        "DISABLED",
        "AVAILABLE",
    )


def test_exclusion_tag_skips_the_image(lab: Lab) -> None:
    (keep,) = lab.build(tags={"retain": "true"})
    _policy(lab.client, _rule("DEPRECATE", exclusions={"tagMap": {"retain": "true"}}))
    lab.mock.tick(10 * DAY)
    (execution_id,) = lab.run()
    assert lab.status(keep) == "AVAILABLE"
    assert lab.resources(execution_id) == [
        {
            "accountId": "123456789012",
            "resourceId": keep,
            "state": {
                "status": "SKIPPED",
                "reason": "The image has a tag listed in exclusionRules.tagMap.",
            },
            "action": {"name": "DEPRECATE", "reason": "The image is at least 1 days old."},
            "region": REGION,
            "startTime": START + dt.timedelta(days=11),
            "endTime": START + dt.timedelta(days=11),
        }
    ]
    execution = lab.execution(execution_id)
    assert execution["resourcesImpactedSummary"] == {"hasImpactedResources": False}


def test_excluded_images_take_no_count_slot(lab: Lab) -> None:
    oldest, middle, newest = lab.build(3)
    lab.client.tag_resource(resourceArn=newest, tags={"retain": "yes"})
    _policy(lab.client, _rule("DELETE", "COUNT", 1, exclusions={"tagMap": {"retain": "yes"}}))
    lab.run()
    assert [lab.status(a) for a in (oldest, middle, newest)] == ["GONE", "AVAILABLE", "AVAILABLE"]


def test_progressive_policy_moves_one_step_per_run(lab: Lab) -> None:
    (image,) = lab.build()
    _policy(
        lab.client,
        _rule("DELETE", value=3),
        _rule("DISABLE", value=2),
        _rule("DEPRECATE", value=1),
    )
    lab.mock.tick(10 * DAY)
    steps = []
    for _ in range(3):
        lab.run()
        steps.append(lab.status(image))
    assert steps == ["DEPRECATED", "DISABLED", "GONE"]


def test_nothing_to_do_still_records_an_execution(lab: Lab) -> None:
    lab.build()
    policy = _policy(lab.client, _rule("DELETE", value=100))
    (execution_id,) = lab.run()
    assert lab.execution(execution_id)["resourcesImpactedSummary"] == {
        "hasImpactedResources": False
    }
    assert lab.resources(execution_id) == []
    listed = lab.client.list_lifecycle_executions(resourceArn=policy)["lifecycleExecutions"]
    assert [e["lifecycleExecutionId"] for e in listed] == [execution_id]


def test_disabled_policies_do_not_run(lab: Lab) -> None:
    (image,) = lab.build()
    policy = _policy(lab.client, _rule("DEPRECATE"), status="DISABLED")
    lab.mock.tick(10 * DAY)
    assert lab.run() == []
    assert lab.run(policy) == []
    assert lab.status(image) == "AVAILABLE"
    with pytest.raises(KeyError):
        lab.run(POLICY_PREFIX + "missing")


def test_builds_in_progress_are_never_touched(lab: Lab) -> None:
    lab.mock.set_progression("manual")
    (building,) = lab.build()
    _policy(lab.client, _rule("DELETE", "COUNT", 1))
    lab.mock.tick(10 * DAY)
    lab.run()
    assert lab.status(building) == "PENDING"


def _two_region_distribution(client: Any) -> str:
    arn: str = client.create_distribution_configuration(
        name="two-regions",
        distributions=[
            {
                "region": REGION,
                "amiDistributionConfiguration": {"name": "web {{imagebuilder:buildDate}}"},
            },
            {
                "region": "us-west-2",
                "amiDistributionConfiguration": {"name": "web {{imagebuilder:buildDate}}"},
            },
        ],
    )["distributionConfigurationArn"]
    return arn


def test_delete_includes_amis_and_snapshots(lab: Lab) -> None:
    distribution = _two_region_distribution(lab.client)
    old, _ = lab.build(2, distributionConfigurationArn=distribution)
    amis = [a["image"] for a in lab.image(old)["outputResources"]["amis"]]
    assert len(amis) == 2
    _policy(lab.client, _rule("DELETE", "COUNT", 1, include={"amis": True, "snapshots": True}))
    (execution_id,) = lab.run()
    assert lab.status(old) == "GONE"
    (image_entry,) = lab.resources(execution_id)
    assert image_entry["resourceId"] == old
    children = lab.resources(execution_id, parent=old)
    assert [c["resourceId"] for c in children] == amis
    assert [c["region"] for c in children] == [REGION, "us-west-2"]
    for child in children:
        assert child["state"] == {"status": "SUCCESS"}
        assert child["action"]["name"] == "DELETE"
        (snapshot,) = child["snapshots"]
        assert snapshot["snapshotId"].startswith("snap-")
        assert snapshot["state"] == {"status": "SUCCESS"}
    # An image the execution did not act on has no children in it.
    assert lab.resources(execution_id, parent=f"{old[:-2]}/9") == []


def test_region_exclusion_keeps_the_ami_and_the_image(lab: Lab) -> None:
    distribution = _two_region_distribution(lab.client)
    old, _ = lab.build(2, distributionConfigurationArn=distribution)
    _policy(
        lab.client,
        _rule(
            "DELETE",
            "COUNT",
            1,
            include={"amis": True},
            exclusions={"amis": {"regions": ["us-west-2"]}},
        ),
    )
    (execution_id,) = lab.run()
    (image_entry,) = lab.resources(execution_id)
    assert image_entry["state"] == {
        "status": "SKIPPED",
        "reason": "The image is retained because some of its AMIs were excluded.",
    }
    east, west = lab.resources(execution_id, parent=old)
    assert east["state"] == {"status": "SUCCESS"}
    assert west["state"] == {
        "status": "SKIPPED",
        "reason": "The AMI is in an excluded Region (us-west-2).",
    }
    # The image stays with the AMI it still owns.
    remaining = lab.image(old)["outputResources"]["amis"]
    assert [a["region"] for a in remaining] == ["us-west-2"]


def test_deprecate_including_amis_marks_them(lab: Lab) -> None:
    (image,) = lab.build()
    _policy(lab.client, _rule("DEPRECATE", include={"amis": True}))
    lab.mock.tick(10 * DAY)
    (execution_id,) = lab.run()
    (ami,) = lab.image(image)["outputResources"]["amis"]
    assert ami["state"] == {"status": "DEPRECATED"}
    (child,) = lab.resources(execution_id, parent=image)
    assert child["resourceId"] == ami["image"]
    assert "snapshots" not in child


# -- executions -----------------------------------------------------------------------


def test_execution_errors(lab: Lab) -> None:
    missing = "lce-00000000-0000-0000-0000-000000000000"
    for call in (
        lab.client.get_lifecycle_execution,
        lab.client.list_lifecycle_execution_resources,
        lab.client.cancel_lifecycle_execution,
    ):
        with pytest.raises(ClientError) as caught:
            call(lifecycleExecutionId=missing)
        assert error_of(caught) == (
            "ResourceNotFoundException",
            f"The lifecycle execution '{missing}' does not exist.",
        )
    recipe = _recipe(lab.client)
    with pytest.raises(ClientError) as caught:
        lab.client.list_lifecycle_executions(resourceArn=recipe)
    assert error_of(caught) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'resourceArn' is not valid. Specify a lifecycle "
        "policy ARN or an image build version ARN.",
    )
    unknown = POLICY_PREFIX + "missing"
    with pytest.raises(ClientError) as caught:
        lab.client.list_lifecycle_executions(resourceArn=unknown)
    assert error_of(caught) == (
        "ResourceNotFoundException",
        f"The resource ARN '{unknown}' does not exist.",
    )


def test_executions_are_listed_newest_first_and_outlive_their_policy(lab: Lab) -> None:
    policy = _policy(lab.client, _rule("DELETE", value=100))
    first = lab.run()
    lab.mock.tick(DAY)
    second = lab.run()
    lab.client.delete_lifecycle_policy(lifecyclePolicyArn=policy)
    listed = lab.client.list_lifecycle_executions(resourceArn=policy, maxResults=1)
    assert [e["lifecycleExecutionId"] for e in listed["lifecycleExecutions"]] == second
    rest = lab.client.list_lifecycle_executions(resourceArn=policy, nextToken=listed["nextToken"])
    assert [e["lifecycleExecutionId"] for e in rest["lifecycleExecutions"]] == first


def test_cancel_a_finished_execution(lab: Lab) -> None:
    _policy(lab.client)
    (execution_id,) = lab.run()
    with pytest.raises(ClientError) as caught:
        lab.client.cancel_lifecycle_execution(lifecycleExecutionId=execution_id)
    assert error_of(caught) == (
        "InvalidRequestException",
        f"The lifecycle execution '{execution_id}' is SUCCESS and cannot be cancelled.",
    )


# -- StartResourceStateUpdate ---------------------------------------------------------


def test_state_update_without_resources_applies_at_once(lab: Lab) -> None:
    (image,) = lab.build()
    response = lab.client.start_resource_state_update(
        resourceArn=image, state={"status": "DEPRECATED"}
    )
    assert "lifecycleExecutionId" not in response
    assert response["resourceArn"] == image
    shown = lab.image(image)
    assert shown["state"] == {"status": "DEPRECATED"}
    assert shown["deprecationTime"] == START + dt.timedelta(days=1)
    lab.client.start_resource_state_update(resourceArn=image, state={"status": "DISABLED"})
    assert lab.status(image) == "DISABLED"
    lab.client.start_resource_state_update(resourceArn=image, state={"status": "AVAILABLE"})
    shown = lab.image(image)
    assert shown["state"] == {"status": "AVAILABLE"}
    assert "deprecationTime" not in shown
    # Nothing started an execution for this image.
    listed = lab.client.list_lifecycle_executions(resourceArn=image)["lifecycleExecutions"]
    assert listed == []


def test_state_update_with_resources_runs_an_execution(lab: Lab) -> None:
    (image,) = lab.build()
    response = lab.client.start_resource_state_update(
        resourceArn=image,
        state={"status": "DISABLED"},
        executionRole=ROLE,
        includeResources={"amis": True},
    )
    execution_id = response["lifecycleExecutionId"]
    execution = lab.execution(execution_id)
    assert "lifecyclePolicyArn" not in execution
    assert execution["state"] == {"status": "SUCCESS"}
    assert lab.status(image) == "DISABLED"
    (entry,) = lab.resources(execution_id)
    assert entry["action"] == {
        "name": "DISABLE",
        "reason": "Requested by StartResourceStateUpdate.",
    }
    (ami,) = lab.resources(execution_id, parent=image)
    assert ami["state"] == {"status": "SUCCESS"}
    listed = lab.client.list_lifecycle_executions(resourceArn=image)["lifecycleExecutions"]
    assert [e["lifecycleExecutionId"] for e in listed] == [execution_id]


def test_state_update_to_deleted(lab: Lab) -> None:
    (image,) = lab.build()
    response = lab.client.start_resource_state_update(
        resourceArn=image,
        state={"status": "DELETED"},
        executionRole=ROLE,
        includeResources={"amis": True, "snapshots": True},
    )
    assert lab.status(image) == "GONE"
    # The history of the image outlives it.
    listed = lab.client.list_lifecycle_executions(resourceArn=image)["lifecycleExecutions"]
    assert [e["lifecycleExecutionId"] for e in listed] == [response["lifecycleExecutionId"]]


def test_scheduled_deprecation_waits_for_the_clock(lab: Lab) -> None:
    (image,) = lab.build()
    when = START + dt.timedelta(days=5)
    response = lab.client.start_resource_state_update(
        resourceArn=image, state={"status": "DEPRECATED"}, updateAt=when
    )
    execution_id = response["lifecycleExecutionId"]
    assert lab.execution(execution_id)["state"] == {"status": "PENDING"}
    assert lab.resources(execution_id) == []
    shown = lab.image(image)
    assert shown["state"] == {"status": "AVAILABLE"}
    assert shown["deprecationTime"] == when
    with pytest.raises(ClientError) as caught:
        lab.client.start_resource_state_update(
            resourceArn=image, state={"status": "DEPRECATED"}, updateAt=when
        )
    assert error_of(caught) == (
        "ResourceInUseException",
        f"The image '{image}' already has a lifecycle execution in progress: '{execution_id}'.",
    )
    lab.mock.set_time(when)
    # Any lifecycle operation settles what the clock has reached.
    execution = lab.execution(execution_id)
    assert lab.status(image) == "DEPRECATED"
    assert execution["state"] == {"status": "SUCCESS"}
    assert execution["endTime"] == when
    (entry,) = lab.resources(execution_id)
    assert entry["action"]["name"] == "DEPRECATE"


def test_cancel_a_scheduled_update(lab: Lab) -> None:
    (image,) = lab.build()
    when = START + dt.timedelta(days=5)
    execution_id = lab.client.start_resource_state_update(
        resourceArn=image, state={"status": "DEPRECATED"}, updateAt=when
    )["lifecycleExecutionId"]
    response = lab.client.cancel_lifecycle_execution(lifecycleExecutionId=execution_id)
    assert response["lifecycleExecutionId"] == execution_id
    assert lab.execution(execution_id)["state"] == {
        "status": "CANCELLING",
        "reason": "Cancellation requested.",
    }
    with pytest.raises(ClientError) as caught:
        lab.client.cancel_lifecycle_execution(lifecycleExecutionId=execution_id)
    # The cancellation completed once it had been seen.
    assert error_of(caught) == (
        "InvalidRequestException",
        f"The lifecycle execution '{execution_id}' is CANCELLED and cannot be cancelled.",
    )
    execution = lab.execution(execution_id)
    assert execution["state"] == {
        "status": "CANCELLED",
        "reason": "The lifecycle execution was cancelled.",
    }
    lab.mock.set_time(when + dt.timedelta(days=1))
    lab.execution(execution_id)  # a lifecycle call settles what is due: nothing here
    shown = lab.image(image)
    assert shown["state"] == {"status": "AVAILABLE"}
    assert "deprecationTime" not in shown


def test_cancel_while_cancelling(lab: Lab) -> None:
    (image,) = lab.build()
    execution_id = lab.client.start_resource_state_update(
        resourceArn=image, state={"status": "DEPRECATED"}, updateAt=START + dt.timedelta(days=5)
    )["lifecycleExecutionId"]
    lab.client.cancel_lifecycle_execution(lifecycleExecutionId=execution_id)
    with pytest.raises(ClientError) as caught:
        lab.client.cancel_lifecycle_execution(lifecycleExecutionId=execution_id)
    assert error_of(caught) == (
        "ResourceInUseException",
        f"The lifecycle execution '{execution_id}' is already being cancelled.",
    )


@pytest.mark.parametrize(
    ("status", "extra", "code", "message"),
    [
        (
            "DEPRECATED",
            {"executionRole": ROLE},
            "InvalidParameterCombinationException",
            "executionRole and includeResources must be specified together.",
        ),
        (
            "DEPRECATED",
            {"includeResources": {"amis": True}},
            "InvalidParameterCombinationException",
            "executionRole and includeResources must be specified together.",
        ),
        (
            "DELETED",
            {},
            "InvalidParameterCombinationException",
            "To set an image to DELETED, include its underlying resources; use DeleteImage",
        ),
        (
            "DISABLED",
            {"executionRole": ROLE, "includeResources": {"amis": True, "snapshots": True}},
            "InvalidParameterCombinationException",
            "Snapshots and containers can only be included for DELETED.",
        ),
        (
            "DELETED",
            {"executionRole": ROLE, "includeResources": {"containers": True}},
            "InvalidParameterCombinationException",
            "An AMI image has no containers to include.",
        ),
        (
            "DISABLED",
            {"updateAt": START + dt.timedelta(days=9)},
            "InvalidParameterCombinationException",
            "updateAt is valid only when the status is DEPRECATED.",
        ),
        (
            "DEPRECATED",
            {"updateAt": START},
            "InvalidParameterValueException",
            "The value supplied for parameter 'updateAt' is not valid. updateAt must be a time "
            "in the future.",
        ),
        (
            "AVAILABLE",
            {},
            "InvalidRequestException",
            "cannot move from AVAILABLE to AVAILABLE.",
        ),
    ],
)
def test_state_update_errors(
    lab: Lab, status: str, extra: dict[str, Any], code: str, message: str
) -> None:
    (image,) = lab.build()
    with pytest.raises(ClientError) as caught:
        lab.client.start_resource_state_update(resourceArn=image, state={"status": status}, **extra)
    assert error_of(caught)[0] == code
    assert message in error_of(caught)[1]


def test_state_update_of_images_that_cannot_move(lab: Lab) -> None:
    lab.mock.fail_build(count=1)
    (failed,) = lab.build()
    with pytest.raises(ClientError) as caught:
        lab.client.start_resource_state_update(resourceArn=failed, state={"status": "DEPRECATED"})
    assert error_of(caught) == (
        "InvalidRequestException",
        f"The image '{failed}' cannot move from FAILED to DEPRECATED.",
    )
    lab.mock.set_progression("manual")
    (building,) = lab.build()
    with pytest.raises(ClientError) as caught:
        lab.client.start_resource_state_update(resourceArn=building, state={"status": "DEPRECATED"})
    assert error_of(caught) == (
        "ResourceInUseException",
        f"The image '{building}' has a build in progress (PENDING); its state cannot be "
        "updated until the build finishes.",
    )
    missing = f"{building[:-2]}/99"
    with pytest.raises(ClientError) as caught:
        lab.client.start_resource_state_update(resourceArn=missing, state={"status": "DEPRECATED"})
    assert error_of(caught) == (
        "ResourceNotFoundException",
        f"The resource ARN '{missing}' does not exist.",
    )
    with pytest.raises(ClientError) as caught:
        lab.client.start_resource_state_update(resourceArn=failed, state={})
    assert error_of(caught) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'state.status' is not valid. state.status is required.",
    )


def test_container_policy_deletes_container_images(lab: Lab) -> None:
    recipe = lab.client.create_container_recipe(
        containerType="DOCKER",
        name="svc",
        semanticVersion="1.0.0",
        components=[{"componentArn": COMPONENT}],
        parentImage="amazonlinux:latest",
        dockerfileTemplateData=DOCKERFILE,
        targetRepository={"service": "ECR", "repositoryName": "svc"},
    )["containerRecipeArn"]
    builds = [
        lab.client.create_image(
            containerRecipeArn=recipe, infrastructureConfigurationArn=lab.infrastructure
        )["imageBuildVersionArn"]
        for _ in range(2)
    ]
    (ami_image,) = lab.build()
    uris = lab.image(builds[0])["outputResources"]["containers"][0]["imageUris"]
    _policy(
        lab.client,
        _rule("DELETE", "COUNT", 1, include={"containers": True}),
        resourceType="CONTAINER_IMAGE",
        selection={"recipes": [{"name": "svc", "semanticVersion": "1.0.0"}]},
    )
    (execution_id,) = lab.run()
    assert [lab.status(b) for b in builds] == ["GONE", "AVAILABLE"]
    assert lab.status(ami_image) == "AVAILABLE"
    (entry,) = lab.resources(execution_id)
    assert entry["resourceId"] == builds[0]
    assert entry["imageUris"] == uris
    (child,) = lab.resources(execution_id, parent=builds[0])
    assert child["resourceId"] == uris[0]
    assert child["imageUris"] == uris
