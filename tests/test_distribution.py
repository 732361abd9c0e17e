"""Distribution configurations: CRUD, model round-trip, the documented rules, listing."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.exceptions
import botocore.loaders
import botocore.session
import pytest
from botocore.exceptions import ClientError
from botocore.model import ListShape, MapShape, Shape, StringShape, StructureShape
from builders import build, image_recipe, infrastructure, moto_instance_profile
from errors import error_of
from model import filter_values_allow_wildcards, if_wildcards_allowed, outcome, requires_member
from moto import mock_aws
from moto.ec2.models import ec2_backends

from imagebuilder_mock import mock_imagebuilder
from imagebuilder_mock._domain.resources import Resource

ACCOUNT = "123456789012"
REGION = "us-east-1"
ARN_PREFIX = f"arn:aws:imagebuilder:{REGION}:{ACCOUNT}:distribution-configuration/"
AMI_NAME = "web {{ imagebuilder:buildDate }} {{imagebuilder:buildVersion}}"
ORG_ARN = "arn:aws:organizations::111122223333:organization/o-abcdefghij"
OU_ARN = "arn:aws:organizations::111122223333:ou/o-abcdefghij/ou-ab12-abcdefgh"
LT_ID = "lt-0123456789abcdef0"
ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

MODEL = botocore.session.get_session().get_service_model("imagebuilder")


def _create(client: Any, name: str = "web", **kwargs: Any) -> str:
    kwargs.setdefault("distributions", [{"region": REGION}])
    arn: str = client.create_distribution_configuration(name=name, **kwargs)[
        "distributionConfigurationArn"
    ]
    return arn


def _get(client: Any, arn: str) -> dict[str, Any]:
    config: dict[str, Any] = client.get_distribution_configuration(
        distributionConfigurationArn=arn
    )["distributionConfiguration"]
    return config


# -- a maximal Distribution, generated from the model ---------------------------------------

# Values for the patterned strings of the Distribution shape. A pattern the model
# adds later fails the generator below, so the round-trip test keeps up with it.
EXAMPLES_BY_SHAPE = {
    "AmiNameString": AMI_NAME,
    "AccountId": "111122223333",
    "OrganizationArn": ORG_ARN,
    "OrganizationalUnitArn": OU_ARN,
    "LicenseConfigurationArn": (
        "arn:aws:license-manager:us-east-1:111122223333:license-configuration:"
        "lic-0123456789abcdef0123456789abcdef"
    ),
    "LaunchTemplateId": LT_ID,
    "SsmParameterName": "/images/web/latest",
}
# Members whose documented rules ask for a specific value.
EXAMPLES_BY_MEMBER = {"userGroups": ["all"], "region": "eu-west-1"}


def _example(shape: Shape, member: str, seen: frozenset[str] = frozenset()) -> Any:
    """A valid value for ``shape`` with every optional member filled in."""
    if member in EXAMPLES_BY_MEMBER:
        return EXAMPLES_BY_MEMBER[member]
    kind = shape.type_name
    if isinstance(shape, StructureShape):
        assert shape.name not in seen, f"recursive shape {shape.name}"
        return {
            name: _example(child, name, seen | {shape.name})
            for name, child in shape.members.items()
        }
    if isinstance(shape, ListShape):
        return [_example(shape.member, member, seen)]
    if isinstance(shape, MapShape):
        return {"Key": _example(shape.value, member, seen)}
    if isinstance(shape, StringShape):
        if shape.enum:
            return shape.enum[-1]
        if "pattern" in shape.metadata:
            return EXAMPLES_BY_SHAPE[shape.name]
        return f"example {member}"
    if kind == "integer":
        return int(shape.metadata.get("min", 1))
    if kind == "boolean":
        return False
    raise AssertionError(f"no example for {shape.name} ({kind})")


def _member_paths(value: Any, shape: Shape, prefix: str = "") -> set[str]:
    """The members of ``shape`` that ``value`` actually sets, at every depth."""
    if isinstance(shape, StructureShape):
        paths = set()
        for key, item in value.items():
            path = f"{prefix}.{key}"
            paths |= {path} | _member_paths(item, shape.members[key], path)
        return paths
    if isinstance(shape, ListShape):
        return set().union(*(_member_paths(item, shape.member, prefix) for item in value))
    return set()


def _shape_paths(shape: Shape, prefix: str = "") -> set[str]:
    if isinstance(shape, StructureShape):
        paths = set()
        for name, child in shape.members.items():
            paths |= {f"{prefix}.{name}"} | _shape_paths(child, f"{prefix}.{name}")
        return paths
    if isinstance(shape, ListShape):
        return _shape_paths(shape.member, prefix)
    return set()


def test_maximal_distribution_round_trips(imagebuilder_client: Any) -> None:
    distribution_shape = MODEL.shape_for("Distribution")
    maximal = _example(distribution_shape, "")
    # Every member of the model's Distribution shape, at every depth, is exercised.
    assert _member_paths(maximal, distribution_shape) == _shape_paths(distribution_shape)
    distributions = [{"region": REGION}, maximal]

    arn = _create(imagebuilder_client, description="all of it", distributions=distributions)

    config = _get(imagebuilder_client, arn)
    assert config["distributions"] == distributions
    assert config["description"] == "all of it"


# -- create and get ------------------------------------------------------------------------


def test_create_returns_arn_from_normalised_name(imagebuilder_client: Any) -> None:
    response = imagebuilder_client.create_distribution_configuration(
        name="My Web_Dist", distributions=[{"region": REGION}], clientToken="token-1"
    )

    assert response["distributionConfigurationArn"] == ARN_PREFIX + "my-web-dist"
    assert response["clientToken"] == "token-1"
    assert response["requestId"]


def test_get_minimal_configuration_has_defaults(imagebuilder_client: Any) -> None:
    arn = _create(imagebuilder_client, name="Minimal")

    config = _get(imagebuilder_client, arn)

    assert config == {
        "arn": arn,
        "name": "Minimal",
        "distributions": [{"region": REGION}],
        "timeoutMinutes": 720,
        "dateCreated": config["dateCreated"],
        "tags": {},
    }
    assert ISO_TIME.match(config["dateCreated"])


def test_ami_settings_are_stored_verbatim(imagebuilder_client: Any) -> None:
    ami = {
        "name": AMI_NAME,
        "description": "output",
        "targetAccountIds": [ACCOUNT, "111122223333"],
        "amiTags": {"team": "web", "build": "{{imagebuilder:buildVersion}}"},
        "kmsKeyId": "arn:aws:kms:us-east-1:123456789012:alias/images",
        "launchPermission": {
            "userIds": ["444455556666"],
            "userGroups": ["all"],
            "organizationArns": [ORG_ARN],
            "organizationalUnitArns": [OU_ARN],
        },
    }
    arn = _create(
        imagebuilder_client,
        distributions=[{"region": REGION, "amiDistributionConfiguration": ami}],
        tags={"env": "test"},
    )

    config = _get(imagebuilder_client, arn)

    assert config["distributions"][0]["amiDistributionConfiguration"] == ami
    assert config["tags"] == {"env": "test"}


def test_container_distribution_round_trips(imagebuilder_client: Any) -> None:
    container = {
        "description": "to ECR",
        "containerTags": ["latest", "v1"],
        "targetRepository": {"service": "ECR", "repositoryName": "team-a/web"},
    }
    arn = _create(
        imagebuilder_client,
        distributions=[{"region": REGION, "containerDistributionConfiguration": container}],
    )

    config = _get(imagebuilder_client, arn)

    assert config["distributions"][0]["containerDistributionConfiguration"] == container


def test_create_duplicate_name_is_refused(imagebuilder_client: Any) -> None:
    arn = _create(imagebuilder_client, name="Web Dist")

    # The ARN is built from the normalised name, so case and separators don't matter.
    with pytest.raises(ClientError) as excinfo:
        _create(imagebuilder_client, name="web_dist")

    assert error_of(excinfo) == (
        "ResourceAlreadyExistsException",
        f"The following resource 'DistributionConfiguration' already exists: '{arn}'.",
    )
    assert _get(imagebuilder_client, arn)["name"] == "Web Dist"


@requires_member("CreateDistributionConfiguration", "dryRun")
def test_create_dry_run_checks_without_creating(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        _create(imagebuilder_client, dryRun=True)

    assert error_of(excinfo)[0] == "DryRunOperationException"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    listed = imagebuilder_client.list_distribution_configurations()
    assert listed["distributionConfigurationSummaryList"] == []


@requires_member("CreateDistributionConfiguration", "dryRun")
def test_create_dry_run_still_reports_invalid_requests(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        _create(imagebuilder_client, dryRun=True, distributions=[{"region": REGION}] * 2)

    assert error_of(excinfo)[0] == "InvalidParameterCombinationException"


def test_create_with_same_client_token_is_idempotent(imagebuilder_client: Any) -> None:
    first = imagebuilder_client.create_distribution_configuration(
        name="web", distributions=[{"region": REGION}], clientToken="same"
    )
    again = imagebuilder_client.create_distribution_configuration(
        name="web", distributions=[{"region": REGION}], clientToken="same"
    )

    assert again["distributionConfigurationArn"] == first["distributionConfigurationArn"]
    assert again["clientToken"] == "same"
    listed = imagebuilder_client.list_distribution_configurations()
    assert len(listed["distributionConfigurationSummaryList"]) == 1


def test_same_client_token_with_other_parameters_is_refused(imagebuilder_client: Any) -> None:
    _create(imagebuilder_client, clientToken="same")

    with pytest.raises(ClientError) as excinfo:
        _create(imagebuilder_client, name="other", clientToken="same")

    code, message = error_of(excinfo)
    assert code == "IdempotentParameterMismatchException"
    assert "'same'" in message


def test_get_unknown_arn_names_it(imagebuilder_client: Any) -> None:
    arn = ARN_PREFIX + "missing"

    with pytest.raises(ClientError) as excinfo:
        _get(imagebuilder_client, arn)

    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        f"The resource ARN '{arn}' does not exist.",
    )
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_get_with_another_kind_of_arn_is_invalid(imagebuilder_client: Any) -> None:
    arn = f"arn:aws:imagebuilder:{REGION}:{ACCOUNT}:infrastructure-configuration/web"

    with pytest.raises(ClientError) as excinfo:
        _get(imagebuilder_client, arn)

    code, message = error_of(excinfo)
    assert code == "InvalidParameterValueException"
    assert message.startswith(
        "The value supplied for parameter 'distributionConfigurationArn' is not valid."
    )


# -- documented rules ------------------------------------------------------------------------


def _combination(parameter: str, rule: str) -> tuple[str, str]:
    return (
        "InvalidParameterCombinationException",
        f"The value supplied for parameter '{parameter}' is not valid. {rule}",
    )


def _value(parameter: str, rule: str) -> tuple[str, str]:
    return (
        "InvalidParameterValueException",
        f"The value supplied for parameter '{parameter}' is not valid. {rule}",
    )


@dataclass
class Rule:
    distributions: list[dict[str, Any]]
    expected: tuple[str, str]


def _lt(account: str | None = None) -> dict[str, Any]:
    config: dict[str, Any] = {"launchTemplateId": LT_ID}
    if account is not None:
        config["accountId"] = account
    return config


RULES = {
    "region-twice": Rule(
        [{"region": REGION}, {"region": "eu-west-1"}, {"region": REGION}],
        _combination(
            "distributions[2].region",
            f"Region '{REGION}' appears more than once; a Region can appear at most once "
            "in the list.",
        ),
    ),
    "launch-templates-same-account": Rule(
        [{"region": REGION, "launchTemplateConfigurations": [_lt("111122223333")] * 2}],
        _combination(
            "distributions[0].launchTemplateConfigurations[1].accountId",
            "More than one launch template configuration for account '111122223333' in the "
            "same Region.",
        ),
    ),
    "launch-templates-caller-by-default": Rule(
        [{"region": REGION, "launchTemplateConfigurations": [_lt(), _lt(ACCOUNT)]}],
        _combination(
            "distributions[0].launchTemplateConfigurations[1].accountId",
            f"More than one launch template configuration for account '{ACCOUNT}' in the "
            "same Region.",
        ),
    ),
    "fast-launch-same-account": Rule(
        [{"region": REGION, "fastLaunchConfigurations": [{"enabled": True}, {"enabled": False}]}],
        _combination(
            "distributions[0].fastLaunchConfigurations[1].accountId",
            f"More than one fast launch configuration for account '{ACCOUNT}' in the same Region.",
        ),
    ),
    "ssm-account-not-a-target": Rule(
        [
            {
                "region": REGION,
                "amiDistributionConfiguration": {"targetAccountIds": ["111122223333"]},
                "ssmParameterConfigurations": [
                    {"parameterName": "a", "amiAccountId": "111122223333"},
                    {"parameterName": "b", "amiAccountId": ACCOUNT},
                ],
            }
        ],
        _combination(
            "distributions[0].ssmParameterConfigurations[1].amiAccountId",
            f"Account '{ACCOUNT}' is not a target account of the distribution for Region "
            f"'{REGION}'.",
        ),
    ),
    "ssm-account-without-targets": Rule(
        [
            {
                "region": REGION,
                "ssmParameterConfigurations": [
                    {"parameterName": "a", "amiAccountId": "111122223333"}
                ],
            }
        ],
        _combination(
            "distributions[0].ssmParameterConfigurations[0].amiAccountId",
            f"Account '111122223333' is not a target account of the distribution for Region "
            f"'{REGION}'.",
        ),
    ),
    "ami-name-without-build-date": Rule(
        [{"region": REGION, "amiDistributionConfiguration": {"name": "web-{{imagebuilder:x}}"}}],
        _value(
            "distributions[0].amiDistributionConfiguration.name",
            "The AMI name must include the {{imagebuilder:buildDate}} dynamic tag so that each "
            "build produces a uniquely named AMI.",
        ),
    ),
    "user-group-not-all": Rule(
        [
            {
                "region": REGION,
                "amiDistributionConfiguration": {
                    "launchPermission": {"userGroups": ["all", "admins"]}
                },
            }
        ],
        _value(
            "distributions[0].amiDistributionConfiguration.launchPermission.userGroups[1]",
            "'admins' is not a supported user group; the only supported value is 'all'.",
        ),
    ),
    "repository-with-registry-host": Rule(
        [
            {
                "region": REGION,
                "containerDistributionConfiguration": {
                    "targetRepository": {
                        "service": "ECR",
                        "repositoryName": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/web",
                    }
                },
            }
        ],
        _value(
            "distributions[0].containerDistributionConfiguration.targetRepository.repositoryName",
            f"'{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/web' includes a registry hostname; "
            "provide the repository name only.",
        ),
    ),
}


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_create_enforces_documented_rules(imagebuilder_client: Any, rule: Rule) -> None:
    with pytest.raises(ClientError) as excinfo:
        _create(imagebuilder_client, distributions=rule.distributions)

    assert error_of(excinfo) == rule.expected
    listed = imagebuilder_client.list_distribution_configurations()
    assert listed["distributionConfigurationSummaryList"] == []


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_update_enforces_documented_rules(imagebuilder_client: Any, rule: Rule) -> None:
    arn = _create(imagebuilder_client)

    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.update_distribution_configuration(
            distributionConfigurationArn=arn, distributions=rule.distributions
        )

    assert error_of(excinfo) == rule.expected
    assert _get(imagebuilder_client, arn)["distributions"] == [{"region": REGION}]


def test_rules_accept_what_they_allow(imagebuilder_client: Any) -> None:
    other = "111122223333"
    distributions = [
        {
            "region": REGION,
            "amiDistributionConfiguration": {"name": "a-{{imagebuilder:buildDate}}"},
            # One launch template and one fast-launch setting per account.
            "launchTemplateConfigurations": [_lt(), _lt(other)],
            "fastLaunchConfigurations": [{"enabled": True}, {"enabled": True, "accountId": other}],
            # Without targetAccountIds the caller's account is the target.
            "ssmParameterConfigurations": [{"parameterName": "p", "amiAccountId": ACCOUNT}],
            "containerDistributionConfiguration": {
                "targetRepository": {"service": "ECR", "repositoryName": "team.a/web.app"}
            },
        },
        {"region": "eu-west-1", "launchTemplateConfigurations": [_lt()]},
    ]

    arn = _create(imagebuilder_client, distributions=distributions)

    assert _get(imagebuilder_client, arn)["distributions"] == distributions


# -- update ----------------------------------------------------------------------------------


def test_update_replaces_everything_but_tags(
    imagebuilder_client: Any, imagebuilder_mock: Any
) -> None:
    created_at = dt.datetime(2024, 5, 1, 12, 0, 0, 123000, tzinfo=dt.timezone.utc)
    imagebuilder_mock.service.frozen_time = created_at
    arn = _create(
        imagebuilder_client,
        description="first",
        tags={"env": "test"},
        distributions=[
            {"region": REGION, "amiDistributionConfiguration": {"name": AMI_NAME}},
            {"region": "eu-west-1"},
        ],
    )
    assert "dateUpdated" not in _get(imagebuilder_client, arn)
    imagebuilder_mock.service.frozen_time = created_at + dt.timedelta(hours=1)

    response = imagebuilder_client.update_distribution_configuration(
        distributionConfigurationArn=arn,
        distributions=[
            {
                "region": "us-west-2",
                "licenseConfigurationArns": [EXAMPLES_BY_SHAPE["LicenseConfigurationArn"]],
            }
        ],
        clientToken="update-1",
    )

    assert response["distributionConfigurationArn"] == arn
    assert response["clientToken"] == "update-1"
    config = _get(imagebuilder_client, arn)
    assert "description" not in config  # omitted, so cleared
    assert config["distributions"] == [
        {
            "region": "us-west-2",
            "licenseConfigurationArns": [EXAMPLES_BY_SHAPE["LicenseConfigurationArn"]],
        }
    ]
    assert config["tags"] == {"env": "test"}
    assert config["timeoutMinutes"] == 720
    assert config["dateCreated"] == "2024-05-01T12:00:00.123Z"
    assert config["dateUpdated"] == "2024-05-01T13:00:00.123Z"


def test_update_unknown_arn_names_it(imagebuilder_client: Any) -> None:
    arn = ARN_PREFIX + "missing"

    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.update_distribution_configuration(
            distributionConfigurationArn=arn, distributions=[{"region": REGION}]
        )

    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        f"The resource ARN '{arn}' does not exist.",
    )


# -- delete ----------------------------------------------------------------------------------


def test_delete_removes_the_configuration(imagebuilder_client: Any) -> None:
    arn = _create(imagebuilder_client)

    response = imagebuilder_client.delete_distribution_configuration(
        distributionConfigurationArn=arn
    )

    assert response["distributionConfigurationArn"] == arn
    with pytest.raises(ClientError) as excinfo:
        _get(imagebuilder_client, arn)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_delete_unknown_arn_names_it(imagebuilder_client: Any) -> None:
    arn = ARN_PREFIX + "missing"

    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.delete_distribution_configuration(distributionConfigurationArn=arn)

    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        f"The resource ARN '{arn}' does not exist.",
    )


@dataclass(eq=False)
class _Referrer(Resource):
    """Stands in for a pipeline: a resource that names the configuration."""

    target: str = ""

    def references(self) -> Iterator[str]:
        yield self.target


def test_delete_while_referenced_is_refused(
    imagebuilder_client: Any, imagebuilder_mock: Any
) -> None:
    arn = _create(imagebuilder_client)
    backend = imagebuilder_mock.backend()
    referrer = _Referrer(
        arn=f"arn:aws:imagebuilder:{REGION}:{ACCOUNT}:image-pipeline/p",
        name="p",
        owner=ACCOUNT,
        date_created=dt.datetime.now(dt.timezone.utc),
        target=arn,
    )
    backend.add(referrer)

    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.delete_distribution_configuration(distributionConfigurationArn=arn)

    assert error_of(excinfo) == (
        "ResourceDependencyException",
        f"Resource dependency error: The resource ARN '{arn}' has other resources depended on it.",
    )
    backend.remove(referrer)
    imagebuilder_client.delete_distribution_configuration(distributionConfigurationArn=arn)


# -- list ------------------------------------------------------------------------------------


def test_list_summaries_carry_regions(imagebuilder_client: Any) -> None:
    arn = _create(
        imagebuilder_client,
        description="two regions",
        tags={"env": "test"},
        distributions=[{"region": "eu-west-1"}, {"region": REGION}],
    )

    summaries = imagebuilder_client.list_distribution_configurations()[
        "distributionConfigurationSummaryList"
    ]

    assert summaries == [
        {
            "arn": arn,
            "name": "web",
            "description": "two regions",
            "dateCreated": summaries[0]["dateCreated"],
            "tags": {"env": "test"},
            "regions": ["eu-west-1", REGION],
        }
    ]


def test_list_pages_through_a_name_filter(imagebuilder_client: Any) -> None:
    for name in ["web-a", "web-b", "web-c", "web-d", "web-e", "db-a"]:
        _create(imagebuilder_client, name=name)
    names: list[str] = []
    pages = 0
    # Models before botocore 1.44 refuse '*' in filter values: name each one instead.
    values = ["web*"] if filter_values_allow_wildcards() else [f"web-{c}" for c in "abcde"]
    request: dict[str, Any] = {"filters": [{"name": "name", "values": values}], "maxResults": 2}

    # Bounded, so tokens that never run out fail the test instead of hanging it.
    for _ in range(10):
        response = imagebuilder_client.list_distribution_configurations(**request)
        pages += 1
        names += [s["name"] for s in response["distributionConfigurationSummaryList"]]
        if "nextToken" not in response:
            break
        request["nextToken"] = response["nextToken"]
    else:
        pytest.fail("list_distribution_configurations still returns a nextToken after 10 pages")

    assert names == ["web-a", "web-b", "web-c", "web-d", "web-e"]
    assert pages == 3


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["Web Main"], ["Web Main"]),
        (["web main"], []),  # case-sensitive, and not the ARN's slug
        (["Web*"], if_wildcards_allowed(["Web Main", "Web Side"])),
        (["*Side*"], if_wildcards_allowed(["DB Side", "Web Side"])),
        (["DB Side", "Web Main"], ["DB Side", "Web Main"]),
    ],
)
def test_list_name_filter(imagebuilder_client: Any, values: list[str], expected: Any) -> None:
    for name in ["Web Main", "Web Side", "DB Side"]:
        _create(imagebuilder_client, name=name)

    def names() -> list[str]:
        response = imagebuilder_client.list_distribution_configurations(
            filters=[{"name": "name", "values": values}]
        )
        return [s["name"] for s in response["distributionConfigurationSummaryList"]]

    assert outcome(names) == expected


def test_list_name_filter_wildcards_match_anywhere(imagebuilder_client: Any) -> None:
    for name in ["Web Main", "Web Side", "DB Side"]:
        _create(imagebuilder_client, name=name)

    def names() -> list[str]:
        response = imagebuilder_client.list_distribution_configurations(
            filters=[{"name": "name", "values": ["*Side", "W*n"]}]
        )
        return [s["name"] for s in response["distributionConfigurationSummaryList"]]

    assert outcome(names) == if_wildcards_allowed(["DB Side", "Web Main", "Web Side"])


def test_list_refuses_unknown_filter(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.list_distribution_configurations(
            filters=[{"name": "region", "values": [REGION]}]
        )

    assert error_of(excinfo) == _value(
        "filters[0].name", "Unknown filter name 'region'. Valid filter names: name."
    )


def test_list_refuses_foreign_token(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.list_distribution_configurations(nextToken="not-a-token")

    code, message = error_of(excinfo)
    assert code == "InvalidPaginationTokenException"
    assert "'not-a-token'" in message


# -- Regions ---------------------------------------------------------------------------------


def _botocore_regions(partition: str) -> set[str]:
    """The Regions the installed botocore lists for a partition (pseudo-regions left out)."""
    loader = botocore.loaders.create_loader()
    regions: set[str] = set()
    for name, key in (("endpoints", "partition"), ("partitions", "id")):
        try:
            partitions = loader.load_data(name)["partitions"]
        except botocore.exceptions.DataNotFoundError:
            continue
        for entry in partitions:
            if entry[key] == partition:
                pattern = re.compile(entry["regionRegex"])
                regions.update(r for r in entry["regions"] if pattern.match(r))
    return regions


def test_a_region_botocore_does_not_list_is_refused(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        _create(imagebuilder_client, distributions=[{"region": REGION}, {"region": "us-east-7"}])
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'distributions[1].region' is not valid. "
        "'us-east-7' is not a Region of the 'aws' partition.",
    )
    assert (
        imagebuilder_client.list_distribution_configurations()[
            "distributionConfigurationSummaryList"
        ]
        == []
    )


def test_update_to_an_unknown_region_leaves_the_configuration(imagebuilder_client: Any) -> None:
    arn = _create(imagebuilder_client)
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.update_distribution_configuration(
            distributionConfigurationArn=arn, distributions=[{"region": "eu-mars-1"}]
        )
    assert error_of(excinfo)[0] == "InvalidParameterValueException"
    assert "'eu-mars-1' is not a Region of the 'aws' partition." in error_of(excinfo)[1]
    assert _get(imagebuilder_client, arn)["distributions"] == [{"region": REGION}]


def test_a_region_of_another_partition_is_refused(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        _create(imagebuilder_client, distributions=[{"region": "cn-north-1"}])
    assert error_of(excinfo)[1].endswith("'cn-north-1' is not a Region of the 'aws' partition.")


def test_every_region_botocore_lists_is_accepted(imagebuilder_client: Any) -> None:
    regions = sorted(_botocore_regions("aws"))
    assert REGION in regions
    arn = _create(imagebuilder_client, distributions=[{"region": r} for r in regions])
    assert [d["region"] for d in _get(imagebuilder_client, arn)["distributions"]] == regions


def test_a_build_reaches_a_region_moto_does_not_know_yet() -> None:
    """A Region newer than moto's EC2 still builds under mock_aws: its AMI is the mock's own."""
    with mock_aws(), mock_imagebuilder(progression="immediate"):
        client = boto3.client("imagebuilder", region_name=REGION)
        moto_regions = set(ec2_backends[ACCOUNT].regions)
        # The newest Region botocore lists that moto does not (one moto knows if none).
        unknown = sorted(_botocore_regions("aws") - moto_regions) or ["us-west-2"]
        target = unknown[-1]
        config = _create(client, distributions=[{"region": REGION}, {"region": target}])
        moto_instance_profile()
        image = build(
            client,
            image_recipe(client),
            infrastructure(client),
            distributionConfigurationArn=config,
        )
        got = client.get_image(imageBuildVersionArn=image)["image"]
        assert got["state"]["status"] == "AVAILABLE"
        amis = {ami["region"]: ami["image"] for ami in got["outputResources"]["amis"]}
        assert set(amis) == {REGION, target}
        ec2 = boto3.client("ec2", region_name=REGION)
        assert [i["ImageId"] for i in ec2.describe_images(Owners=["self"])["Images"]] == [
            amis[REGION]
        ]
        versions = client.list_image_build_versions(imageVersionArn=image.rsplit("/", 1)[0])
        assert [v["arn"] for v in versions["imageSummaryList"]] == [image]
