"""Image pipelines end to end, through a boto3 client: CRUD, runs, schedules, dependencies."""

from __future__ import annotations

import datetime as dt
from typing import Any

import builders
import pytest
from botocore.exceptions import ClientError
from errors import error_of
from model import if_wildcards_allowed, image_version, outcome, requires_member

from imagebuilder_mock import ImageBuilderMock

REGION = "us-east-1"
PIPELINE_ARN = "arn:aws:imagebuilder:us-east-1:123456789012:image-pipeline/"
DEPENDENCY = "Resource dependency error: The resource ARN '{}' has other resources depended on it."
NOON_UTC = dt.datetime(2026, 3, 7, 12, 0, tzinfo=dt.timezone.utc)


def _parts(client: Any) -> tuple[str, str]:
    """The default recipe and infrastructure configuration, made on first use."""
    recipe = f"arn:aws:imagebuilder:{REGION}:123456789012:image-recipe/web/1.0.0"
    infra = f"arn:aws:imagebuilder:{REGION}:123456789012:infrastructure-configuration/build-infra"
    if not client.list_image_recipes()["imageRecipeSummaryList"]:
        assert builders.image_recipe(client) == recipe
        assert builders.infrastructure(client) == infra
    return recipe, infra


def _pipeline(client: Any, name: str = "Nightly Web", **extra: Any) -> str:
    if "imageRecipeArn" not in extra and "containerRecipeArn" not in extra:
        recipe, infra = _parts(client)
        extra = {"imageRecipeArn": recipe, "infrastructureConfigurationArn": infra, **extra}
    arn: str = client.create_image_pipeline(name=name, **extra)["imagePipelineArn"]
    return arn


def _get(client: Any, arn: str) -> dict[str, Any]:
    pipeline: dict[str, Any] = client.get_image_pipeline(imagePipelineArn=arn)["imagePipeline"]
    return pipeline


def _workflow(client: Any, name: str = "custom-build") -> str:
    arn: str = client.create_workflow(
        name=name, semanticVersion="1.0.0", type="BUILD", uri="s3://bucket/build.yaml"
    )["workflowBuildVersionArn"]
    return arn


# -- create and get ---------------------------------------------------------------------------


def test_create_fills_the_service_defaults(imagebuilder_client: Any) -> None:
    recipe, infra = _parts(imagebuilder_client)
    response = imagebuilder_client.create_image_pipeline(
        name="Nightly Web",
        imageRecipeArn=recipe,
        infrastructureConfigurationArn=infra,
        clientToken="token-1",
    )
    assert response["imagePipelineArn"] == PIPELINE_ARN + "nightly-web"
    assert response["clientToken"] == "token-1"
    pipeline = _get(imagebuilder_client, response["imagePipelineArn"])
    assert pipeline["name"] == "Nightly Web"
    assert pipeline["status"] == "ENABLED"
    assert pipeline["enhancedImageMetadataEnabled"] is True
    assert pipeline["imageTestsConfiguration"] == {"imageTestsEnabled": True, "timeoutMinutes": 720}
    assert pipeline["platform"] == "Linux"
    assert pipeline["imageRecipeArn"] == recipe
    assert pipeline["infrastructureConfigurationArn"] == infra
    assert pipeline["dateUpdated"] == pipeline["dateCreated"]
    assert pipeline["tags"] == {}
    assert pipeline["consecutiveFailures"] == 0
    for absent in ("schedule", "dateLastRun", "dateNextRun", "lastRunStatus", "description"):
        assert absent not in pipeline


def test_every_member_round_trips(imagebuilder_client: Any) -> None:
    recipe, infra = _parts(imagebuilder_client)
    dist = builders.distribution(imagebuilder_client, (REGION,))
    workflow = _workflow(imagebuilder_client)
    members: dict[str, Any] = {
        "description": "Builds the web image",
        "distributionConfigurationArn": dist,
        "imageTestsConfiguration": {"imageTestsEnabled": False, "timeoutMinutes": 90},
        "enhancedImageMetadataEnabled": False,
        "status": "DISABLED",
        "imageTags": {"team": "web"},
        "imageScanningConfiguration": {"imageScanningEnabled": True},
        "workflows": [{"workflowArn": workflow}],
        "executionRole": "ImageBuilderWorkflowRole",
        "loggingConfiguration": {"imageLogGroupName": "/custom/images"},
    }
    arn = _pipeline(
        imagebuilder_client,
        imageRecipeArn=recipe,
        infrastructureConfigurationArn=infra,
        tags={"env": "test"},
        **members,
    )
    pipeline = _get(imagebuilder_client, arn)
    for member, value in members.items():
        assert pipeline[member] == value, member
    assert pipeline["tags"] == {"env": "test"}


def test_platform_is_copied_from_the_recipe(imagebuilder_client: Any) -> None:
    recipe = imagebuilder_client.create_image_recipe(
        name="windows-web",
        semanticVersion="1.0.0",
        parentImage=builders.aws_image(REGION, "windows-server-2022-english-full-base-x86"),
        components=[
            {"componentArn": f"arn:aws:imagebuilder:{REGION}:aws:component/update-windows/x.x.x"}
        ],
    )["imageRecipeArn"]
    arn = _pipeline(
        imagebuilder_client,
        imageRecipeArn=recipe,
        infrastructureConfigurationArn=builders.infrastructure(imagebuilder_client),
    )
    assert _get(imagebuilder_client, arn)["platform"] == "Windows"


def test_a_schedule_defaults_its_start_condition(imagebuilder_client: Any) -> None:
    arn = _pipeline(imagebuilder_client, schedule={"scheduleExpression": "cron(0 9 * * ? *)"})
    assert _get(imagebuilder_client, arn)["schedule"] == {
        "scheduleExpression": "cron(0 9 * * ? *)",
        "pipelineExecutionStartCondition": "EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE",
    }


def test_a_wildcard_recipe_arn_builds_the_newest_version(imagebuilder_client: Any) -> None:
    builders.image_recipe(imagebuilder_client, version="1.0.0")
    builders.image_recipe(imagebuilder_client, version="1.2.0")
    wildcard = f"arn:aws:imagebuilder:{REGION}:123456789012:image-recipe/web/1.x.x"
    arn = _pipeline(
        imagebuilder_client,
        imageRecipeArn=wildcard,
        infrastructureConfigurationArn=builders.infrastructure(imagebuilder_client),
    )
    assert _get(imagebuilder_client, arn)["imageRecipeArn"] == wildcard
    image = imagebuilder_client.start_image_pipeline_execution(imagePipelineArn=arn)
    assert image["imageBuildVersionArn"].endswith(":image/web/1.2.0/1")


@pytest.mark.parametrize("recipes", ["both", "neither"])
def test_exactly_one_recipe_is_required(imagebuilder_client: Any, recipes: str) -> None:
    recipe, infra = _parts(imagebuilder_client)
    container = recipe.replace(":image-recipe/", ":container-recipe/")
    arns = {"imageRecipeArn": recipe, "containerRecipeArn": container} if recipes == "both" else {}
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.create_image_pipeline(
            name="Nightly Web", infrastructureConfigurationArn=infra, **arns
        )
    assert error_of(caught) == (
        "InvalidRequestException",
        "You must specify exactly one of imageRecipeArn or containerRecipeArn.",
    )


def _missing(kind: str) -> tuple[str, str, str]:
    prefix = f"arn:aws:imagebuilder:{REGION}:123456789012:"
    return {
        "recipe": (
            "imageRecipeArn",
            prefix + "image-recipe/ghost/1.0.0",
            "The recipe '{}' does not exist.",
        ),
        "infrastructure": (
            "infrastructureConfigurationArn",
            prefix + "infrastructure-configuration/ghost",
            "The InfrastructureConfiguration '{}' does not exist.",
        ),
        "distribution": (
            "distributionConfigurationArn",
            prefix + "distribution-configuration/ghost",
            "The DistributionConfiguration '{}' does not exist.",
        ),
    }[kind]


@pytest.mark.parametrize("kind", ["recipe", "infrastructure", "distribution"])
@pytest.mark.parametrize("operation", ["create", "update"])
def test_referenced_resources_must_exist(
    imagebuilder_client: Any, kind: str, operation: str
) -> None:
    recipe, infra = _parts(imagebuilder_client)
    parameter, ghost, rule = _missing(kind)
    params = {"imageRecipeArn": recipe, "infrastructureConfigurationArn": infra, parameter: ghost}
    with pytest.raises(ClientError) as caught:
        if operation == "create":
            imagebuilder_client.create_image_pipeline(name="Nightly Web", **params)
        else:
            arn = _pipeline(imagebuilder_client, name="Other")
            imagebuilder_client.update_image_pipeline(imagePipelineArn=arn, **params)
    assert error_of(caught) == (
        "InvalidParameterValueException",
        f"The value supplied for parameter '{parameter}' is not valid. " + rule.format(ghost),
    )


def test_referenced_workflows_must_exist(imagebuilder_client: Any) -> None:
    ghost = f"arn:aws:imagebuilder:{REGION}:123456789012:workflow/build/ghost/1.0.0/1"
    with pytest.raises(ClientError) as caught:
        _pipeline(imagebuilder_client, workflows=[{"workflowArn": ghost}])
    assert error_of(caught) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'workflows[0].workflowArn' is not valid. "
        f"The workflow '{ghost}' does not exist.",
    )


def test_names_are_unique_per_account_and_region(imagebuilder_client: Any) -> None:
    arn = _pipeline(imagebuilder_client)
    with pytest.raises(ClientError) as caught:
        _pipeline(imagebuilder_client, name="nightly_web")
    assert error_of(caught) == (
        "ResourceAlreadyExistsException",
        f"The following resource 'ImagePipeline' already exists: '{arn}'.",
    )


@requires_member("CreateImagePipeline", "dryRun")
def test_dry_run_checks_everything_and_creates_nothing(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as caught:
        _pipeline(imagebuilder_client, dryRun=True)
    assert error_of(caught) == (
        "DryRunOperationException",
        "Request would have succeeded, but the DryRun flag is set.",
    )
    assert imagebuilder_client.list_image_pipelines()["imagePipelineList"] == []


def test_get_of_an_unknown_pipeline(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.get_image_pipeline(imagePipelineArn=PIPELINE_ARN + "ghost")
    assert error_of(caught) == (
        "ResourceNotFoundException",
        f"The resource ARN '{PIPELINE_ARN}ghost' does not exist.",
    )


# -- schedules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schedule", "parameter", "rule"),
    [
        (
            {"scheduleExpression": "every day"},
            "schedule.scheduleExpression",
            "'every day' is not a valid schedule expression: use cron(...) or rate(...).",
        ),
        (
            {"scheduleExpression": "cron(0 9 * *)"},
            "schedule.scheduleExpression",
            "'cron(0 9 * *)' is not a valid schedule expression: expected 6 fields "
            "(minutes to year).",
        ),
        (
            {"scheduleExpression": "cron(0 25 * * ? *)"},
            "schedule.scheduleExpression",
            "'cron(0 25 * * ? *)' is not a valid schedule expression: a field is out of "
            "range or malformed.",
        ),
        (
            {"scheduleExpression": "cron(0 9 * * ? 2300)"},
            "schedule.scheduleExpression",
            "'cron(0 9 * * ? 2300)' is not a valid schedule expression: years must lie "
            "within 1970-2199.",
        ),
        (
            {"scheduleExpression": "rate(0 days)"},
            "schedule.scheduleExpression",
            "'rate(0 days)' is not a valid schedule expression: the rate must be at least 1.",
        ),
        (
            {"pipelineExecutionStartCondition": "EXPRESSION_MATCH_ONLY"},
            "schedule.scheduleExpression",
            "A schedule needs a scheduleExpression.",
        ),
        (
            {"scheduleExpression": "rate(1 day)", "timezone": "Mars/Olympus"},
            "schedule.timezone",
            "'Mars/Olympus' is not a timezone of the IANA database.",
        ),
    ],
)
def test_invalid_schedules(
    imagebuilder_client: Any, schedule: dict[str, str], parameter: str, rule: str
) -> None:
    with pytest.raises(ClientError) as caught:
        _pipeline(imagebuilder_client, schedule=schedule)
    assert error_of(caught) == (
        "InvalidParameterValueException",
        f"The value supplied for parameter '{parameter}' is not valid. {rule}",
    )


def test_date_next_run_follows_cron_in_the_schedule_timezone(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock
) -> None:
    # Saturday noon in Los Angeles, which moves to daylight saving time on Sunday at 2am.
    imagebuilder_mock.set_time(NOON_UTC + dt.timedelta(hours=8))
    arn = _pipeline(
        imagebuilder_client,
        schedule={"scheduleExpression": "cron(0 9 * * ? *)", "timezone": "America/Los_Angeles"},
    )
    # 09:00 PDT (UTC-7) on Sunday, not 09:00 PST.
    assert _get(imagebuilder_client, arn)["dateNextRun"] == "2026-03-08T16:00:00.000Z"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # Day of week 2 is Monday in the Image Builder numbering (1 = Sunday).
        ("cron(30 6 ? * 2 *)", "2026-03-09T05:30:00.000Z"),
        # Berlin is on summer time (UTC+2) from March 29.
        ("cron(0 0 L * ? *)", "2026-03-30T22:00:00.000Z"),
        ("cron(0 8 ? * 6#2 *)", "2026-03-13T07:00:00.000Z"),
        ("cron(0 0 1 1 ? 2028)", "2027-12-31T23:00:00.000Z"),
        ("cron(0 0 * * SUN)", "2026-03-07T23:00:00.000Z"),
    ],
)
def test_cron_dialect(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock, expression: str, expected: str
) -> None:
    imagebuilder_mock.set_time(NOON_UTC)
    arn = _pipeline(
        imagebuilder_client,
        schedule={"scheduleExpression": expression, "timezone": "Europe/Berlin"},
    )
    assert _get(imagebuilder_client, arn)["dateNextRun"] == expected


def test_a_schedule_whose_years_are_past_never_runs(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock
) -> None:
    imagebuilder_mock.set_time(NOON_UTC)
    arn = _pipeline(imagebuilder_client, schedule={"scheduleExpression": "cron(0 0 * * ? 2020)"})
    assert "dateNextRun" not in _get(imagebuilder_client, arn)


def test_rate_schedules_count_from_when_they_were_set(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock
) -> None:
    imagebuilder_mock.set_time(NOON_UTC)
    arn = _pipeline(imagebuilder_client, schedule={"scheduleExpression": "rate(6 hours)"})
    assert _get(imagebuilder_client, arn)["dateNextRun"] == "2026-03-07T18:00:00.000Z"


def test_disabled_pipelines_have_no_next_run(imagebuilder_client: Any) -> None:
    arn = _pipeline(
        imagebuilder_client, status="DISABLED", schedule={"scheduleExpression": "rate(1 day)"}
    )
    assert "dateNextRun" not in _get(imagebuilder_client, arn)


# -- update -----------------------------------------------------------------------------------


def test_update_replaces_everything_but_name_and_tags(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock
) -> None:
    imagebuilder_mock.set_time(NOON_UTC)
    recipe, infra = _parts(imagebuilder_client)
    arn = _pipeline(
        imagebuilder_client,
        imageRecipeArn=recipe,
        infrastructureConfigurationArn=infra,
        description="old",
        distributionConfigurationArn=builders.distribution(imagebuilder_client, (REGION,)),
        imageTestsConfiguration={"imageTestsEnabled": False},
        enhancedImageMetadataEnabled=False,
        schedule={"scheduleExpression": "rate(1 day)"},
        status="DISABLED",
        imageTags={"team": "web"},
        tags={"env": "test"},
    )
    before = _get(imagebuilder_client, arn)
    imagebuilder_mock.tick(60)
    other_infra = builders.infrastructure(imagebuilder_client, "other-infra")
    imagebuilder_client.update_image_pipeline(
        imagePipelineArn=arn, imageRecipeArn=recipe, infrastructureConfigurationArn=other_infra
    )
    after = _get(imagebuilder_client, arn)
    assert after["infrastructureConfigurationArn"] == other_infra
    assert after["status"] == "ENABLED"
    assert after["enhancedImageMetadataEnabled"] is True
    assert after["imageTestsConfiguration"] == {"imageTestsEnabled": True, "timeoutMinutes": 720}
    for gone in ("description", "distributionConfigurationArn", "schedule", "imageTags"):
        assert gone not in after, gone
    assert after["name"] == "Nightly Web"
    assert after["tags"] == {"env": "test"}
    assert after["dateCreated"] == before["dateCreated"]
    assert after["dateUpdated"] == "2026-03-07T12:01:00.000Z"


def test_update_of_an_unknown_pipeline(imagebuilder_client: Any) -> None:
    recipe, infra = _parts(imagebuilder_client)
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.update_image_pipeline(
            imagePipelineArn=PIPELINE_ARN + "ghost",
            imageRecipeArn=recipe,
            infrastructureConfigurationArn=infra,
        )
    assert error_of(caught) == (
        "ResourceNotFoundException",
        f"The resource ARN '{PIPELINE_ARN}ghost' does not exist.",
    )


def _container_recipe(client: Any) -> str:
    arn: str = client.create_container_recipe(
        containerType="DOCKER",
        name="web",
        semanticVersion="1.0.0",
        parentImage="amazonlinux:latest",
        targetRepository={"service": "ECR", "repositoryName": "web"},
        dockerfileTemplateData="FROM {{{ imagebuilder:parentImage }}}\n",
    )["containerRecipeArn"]
    return arn


@pytest.mark.parametrize("start", ["image", "container"])
def test_update_cannot_switch_the_recipe_type(imagebuilder_client: Any, start: str) -> None:
    image_recipe, infra = _parts(imagebuilder_client)
    container_recipe = _container_recipe(imagebuilder_client)
    current, other = ("imageRecipeArn", "containerRecipeArn")
    if start == "container":
        current, other = other, current
    recipes = {"imageRecipeArn": image_recipe, "containerRecipeArn": container_recipe}
    arn = _pipeline(
        imagebuilder_client,
        **{current: recipes[current]},
        infrastructureConfigurationArn=infra,
        description="kept",
    )
    before = _get(imagebuilder_client, arn)
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.update_image_pipeline(
            imagePipelineArn=arn, infrastructureConfigurationArn=infra, **{other: recipes[other]}
        )
    kind = "an image" if start == "image" else "a container"
    assert error_of(caught) == (
        "InvalidRequestException",
        f"The value supplied for parameter '{other}' is not valid. The image pipeline "
        f"'{arn}' builds from {kind} recipe and can't be switched to another recipe type; "
        f"specify {current}.",
    )
    assert _get(imagebuilder_client, arn) == before


def test_update_needs_exactly_one_recipe(imagebuilder_client: Any) -> None:
    arn = _pipeline(imagebuilder_client)
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.update_image_pipeline(
            imagePipelineArn=arn,
            infrastructureConfigurationArn=_get(imagebuilder_client, arn)[
                "infrastructureConfigurationArn"
            ],
        )
    assert error_of(caught)[0] == "InvalidRequestException"


# -- list -------------------------------------------------------------------------------------


def test_list_returns_full_pipelines_and_filters(imagebuilder_client: Any) -> None:
    recipe, infra = _parts(imagebuilder_client)
    dist = builders.distribution(imagebuilder_client, (REGION,))
    common = {"imageRecipeArn": recipe, "infrastructureConfigurationArn": infra}
    _pipeline(imagebuilder_client, "web-nightly", description="nightly", **common)
    _pipeline(imagebuilder_client, "web-weekly", distributionConfigurationArn=dist, **common)
    _pipeline(imagebuilder_client, "batch", status="DISABLED", **common)

    def names(*filters: tuple[str, list[str]]) -> list[str]:
        response = imagebuilder_client.list_image_pipelines(
            filters=[{"name": n, "values": v} for n, v in filters]
        )
        return [p["name"] for p in response["imagePipelineList"]]

    everything = imagebuilder_client.list_image_pipelines()["imagePipelineList"]
    assert [p["name"] for p in everything] == ["batch", "web-nightly", "web-weekly"]
    assert everything[0]["imageTestsConfiguration"]["timeoutMinutes"] == 720
    assert outcome(lambda: names(("name", ["web*"]))) == if_wildcards_allowed(
        ["web-nightly", "web-weekly"]
    )
    assert outcome(lambda: names(("name", ["*eek*"]))) == if_wildcards_allowed(["web-weekly"])
    assert names(("name", ["batch"])) == ["batch"]
    assert names(("status", ["DISABLED"])) == ["batch"]
    assert names(("description", ["nightly"])) == ["web-nightly"]
    assert names(("distributionConfigurationArn", [dist])) == ["web-weekly"]
    assert names(("imageRecipeArn", [recipe]), ("status", ["ENABLED"])) == [
        "web-nightly",
        "web-weekly",
    ]
    assert names(("infrastructureConfigurationArn", [infra])) == [
        "batch",
        "web-nightly",
        "web-weekly",
    ]


def test_list_pages(imagebuilder_client: Any) -> None:
    recipe, infra = _parts(imagebuilder_client)
    for name in ("one-p", "two-p", "three-p"):
        _pipeline(
            imagebuilder_client, name, imageRecipeArn=recipe, infrastructureConfigurationArn=infra
        )
    first = imagebuilder_client.list_image_pipelines(maxResults=2)
    second = imagebuilder_client.list_image_pipelines(maxResults=2, nextToken=first["nextToken"])
    assert [p["name"] for p in first["imagePipelineList"]] == ["one-p", "three-p"]
    assert [p["name"] for p in second["imagePipelineList"]] == ["two-p"]
    assert "nextToken" not in second


def test_list_rejects_unknown_filters(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.list_image_pipelines(
            filters=[{"name": "platform", "values": ["Linux"]}]
        )
    code, message = error_of(caught)
    assert code == "InvalidParameterValueException"
    assert message.startswith(
        "The value supplied for parameter 'filters[0].name' is not valid. "
        "Unknown filter name 'platform'."
    )


# -- delete and dependencies ------------------------------------------------------------------


def test_delete_keeps_the_images_and_lets_running_builds_go_on(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock
) -> None:
    imagebuilder_mock.set_progression("manual")
    arn = _pipeline(imagebuilder_client)
    image = imagebuilder_client.start_image_pipeline_execution(imagePipelineArn=arn)[
        "imageBuildVersionArn"
    ]
    assert (
        imagebuilder_client.delete_image_pipeline(imagePipelineArn=arn)["imagePipelineArn"] == arn
    )
    with pytest.raises(ClientError) as caught:
        _get(imagebuilder_client, arn)
    assert error_of(caught)[0] == "ResourceNotFoundException"
    imagebuilder_mock.advance(image, to="AVAILABLE")
    assert builders.status(imagebuilder_client, image) == "AVAILABLE"


def test_delete_of_an_unknown_pipeline(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.delete_image_pipeline(imagePipelineArn=PIPELINE_ARN + "ghost")
    assert error_of(caught) == (
        "ResourceNotFoundException",
        f"The resource ARN '{PIPELINE_ARN}ghost' does not exist.",
    )


def _delete(client: Any, kind: str, arn: str) -> None:
    if kind == "recipe":
        client.delete_image_recipe(imageRecipeArn=arn)
    elif kind == "infrastructure":
        client.delete_infrastructure_configuration(infrastructureConfigurationArn=arn)
    elif kind == "distribution":
        client.delete_distribution_configuration(distributionConfigurationArn=arn)
    else:
        client.delete_workflow(workflowBuildVersionArn=arn)


@pytest.mark.parametrize("kind", ["recipe", "infrastructure", "distribution", "workflow"])
def test_referenced_resources_cannot_be_deleted(imagebuilder_client: Any, kind: str) -> None:
    recipe, infra = _parts(imagebuilder_client)
    dist = builders.distribution(imagebuilder_client, (REGION,))
    workflow = _workflow(imagebuilder_client)
    arn = _pipeline(
        imagebuilder_client,
        imageRecipeArn=recipe,
        infrastructureConfigurationArn=infra,
        distributionConfigurationArn=dist,
        # A version ARN: it still protects the build it resolves to.
        workflows=[{"workflowArn": workflow.rsplit("/", 1)[0]}],
    )
    target = {
        "recipe": recipe,
        "infrastructure": infra,
        "distribution": dist,
        "workflow": workflow,
    }[kind]
    with pytest.raises(ClientError) as caught:
        _delete(imagebuilder_client, kind, target)
    assert error_of(caught) == ("ResourceDependencyException", DEPENDENCY.format(target))
    imagebuilder_client.delete_image_pipeline(imagePipelineArn=arn)
    _delete(imagebuilder_client, kind, target)


# -- runs -------------------------------------------------------------------------------------


def test_start_builds_an_image_from_the_pipeline(imagebuilder_client: Any) -> None:
    arn = _pipeline(imagebuilder_client, imageTags={"team": "web"}, status="DISABLED")
    response = imagebuilder_client.start_image_pipeline_execution(
        imagePipelineArn=arn, tags={"run": "manual"}, clientToken="start-1"
    )
    assert response["clientToken"] == "start-1"
    build = response["imageBuildVersionArn"]
    assert build == "arn:aws:imagebuilder:us-east-1:123456789012:image/web/1.0.0/1"
    image = imagebuilder_client.get_image(imageBuildVersionArn=build)["image"]
    assert image["sourcePipelineArn"] == arn
    assert image["sourcePipelineName"] == "Nightly Web"
    assert image["buildType"] == "USER_INITIATED"
    # Manual builds take the request's tags instead of the pipeline's imageTags.
    assert image["tags"] == {"run": "manual"}


def test_start_of_an_unknown_pipeline(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.start_image_pipeline_execution(imagePipelineArn=PIPELINE_ARN + "ghost")
    assert error_of(caught) == (
        "ResourceNotFoundException",
        f"The resource ARN '{PIPELINE_ARN}ghost' does not exist.",
    )


def test_last_run_status_follows_the_latest_build(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock
) -> None:
    imagebuilder_mock.set_time(NOON_UTC)
    arn = _pipeline(imagebuilder_client)
    imagebuilder_client.start_image_pipeline_execution(imagePipelineArn=arn)
    # Polling the pipeline observes its build, as polling GetImage does.
    seen = [_get(imagebuilder_client, arn)["lastRunStatus"] for _ in range(7)]
    assert seen == [
        "PENDING",
        "CREATING",
        "BUILDING",
        "TESTING",
        "DISTRIBUTING",
        "INTEGRATING",
        "AVAILABLE",
    ]
    assert _get(imagebuilder_client, arn)["dateLastRun"] == "2026-03-07T12:00:00.000Z"


@pytest.mark.imagebuilder(progression="immediate")
def test_last_run_status_of_a_deleted_image(imagebuilder_client: Any) -> None:
    arn = _pipeline(imagebuilder_client)
    build = imagebuilder_client.start_image_pipeline_execution(imagePipelineArn=arn)
    imagebuilder_client.delete_image(imageBuildVersionArn=build["imageBuildVersionArn"])
    assert _get(imagebuilder_client, arn)["lastRunStatus"] == "DELETED"


@pytest.mark.imagebuilder(progression="immediate")
def test_list_image_pipeline_images_after_two_runs(imagebuilder_client: Any) -> None:
    arn = _pipeline(imagebuilder_client)
    other = _pipeline(imagebuilder_client, "Other Web")
    for _ in range(2):
        imagebuilder_client.start_image_pipeline_execution(imagePipelineArn=arn)
    imagebuilder_client.start_image_pipeline_execution(imagePipelineArn=other)
    images = imagebuilder_client.list_image_pipeline_images(imagePipelineArn=arn)[
        "imageSummaryList"
    ]
    assert [i["arn"].rsplit(":", 1)[1] for i in images] == [
        "image/web/1.0.0/2",
        "image/web/1.0.0/1",
    ]
    assert [i["version"] for i in images] == [image_version("1.0.0", 2), image_version("1.0.0", 1)]
    assert {i["state"]["status"] for i in images} == {"AVAILABLE"}
    filtered = imagebuilder_client.list_image_pipeline_images(
        imagePipelineArn=arn, filters=[{"name": "version", "values": ["2.0.0"]}]
    )
    assert filtered["imageSummaryList"] == []
    paged = imagebuilder_client.list_image_pipeline_images(imagePipelineArn=arn, maxResults=1)
    assert len(paged["imageSummaryList"]) == 1
    assert "nextToken" in paged


def test_list_image_pipeline_images_of_an_unknown_pipeline_is_empty(
    imagebuilder_client: Any,
) -> None:
    # The model: "If the ARN that you specify doesn't exist, Image Builder returns an
    # empty list rather than a ResourceNotFoundException error."
    response = imagebuilder_client.list_image_pipeline_images(
        imagePipelineArn=PIPELINE_ARN + "ghost"
    )
    assert response["imageSummaryList"] == []


def test_list_image_pipeline_images_filters_by_name_and_version_only(
    imagebuilder_client: Any,
) -> None:
    arn = _pipeline(imagebuilder_client)
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.list_image_pipeline_images(
            imagePipelineArn=arn, filters=[{"name": "platform", "values": ["Linux"]}]
        )
    assert error_of(caught) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'filters[0].name' is not valid. "
        "Unknown filter name 'platform'. Valid filter names: name, version.",
    )


# -- scheduled runs ---------------------------------------------------------------------------


@pytest.mark.imagebuilder(progression="immediate")
def test_scheduled_runs_start_when_due(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock
) -> None:
    imagebuilder_mock.set_time(NOON_UTC)
    arn = _pipeline(
        imagebuilder_client,
        imageTags={"team": "web"},
        schedule={
            "scheduleExpression": "cron(0 18 * * ? *)",
            "pipelineExecutionStartCondition": "EXPRESSION_MATCH_ONLY",
        },
    )
    assert imagebuilder_mock.run_schedules() == []
    imagebuilder_mock.set_time(NOON_UTC + dt.timedelta(hours=6))
    started = imagebuilder_mock.run_schedules()
    assert len(started) == 1
    image = imagebuilder_client.get_image(imageBuildVersionArn=started[0])["image"]
    assert image["buildType"] == "SCHEDULED"
    assert image["tags"] == {"team": "web"}
    pipeline = _get(imagebuilder_client, arn)
    assert pipeline["dateLastRun"] == "2026-03-07T18:00:00.000Z"
    assert pipeline["dateNextRun"] == "2026-03-08T18:00:00.000Z"
    # Evaluated once: running the scheduler again at the same moment starts nothing.
    assert imagebuilder_mock.run_schedules() == []


@pytest.mark.imagebuilder(progression="immediate")
def test_dependency_updates_condition_builds_only_on_new_versions(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock
) -> None:
    imagebuilder_mock.set_time(NOON_UTC)
    component = builders.component(imagebuilder_client, "tools", "1.0.0")
    recipe = imagebuilder_client.create_image_recipe(
        name="tools-image",
        semanticVersion="1.0.0",
        parentImage=builders.aws_image(REGION),
        components=[{"componentArn": component.rsplit("/", 2)[0] + "/x.x.x"}],
    )["imageRecipeArn"]
    _pipeline(
        imagebuilder_client,
        imageRecipeArn=recipe,
        infrastructureConfigurationArn=builders.infrastructure(imagebuilder_client),
        schedule={"scheduleExpression": "rate(1 hour)"},
    )

    def run_in(hours: int) -> int:
        imagebuilder_mock.tick(hours * 3600)
        return len(imagebuilder_mock.run_schedules())

    assert run_in(1) == 1  # never built yet
    assert run_in(1) == 0  # nothing new
    builders.component(imagebuilder_client, "tools", "1.1.0")
    assert run_in(1) == 1


@pytest.mark.imagebuilder(progression="immediate")
def test_disabled_pipelines_do_not_run_on_schedule(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock
) -> None:
    imagebuilder_mock.set_time(NOON_UTC)
    _pipeline(
        imagebuilder_client, status="DISABLED", schedule={"scheduleExpression": "rate(1 hour)"}
    )
    imagebuilder_mock.tick(7200)
    assert imagebuilder_mock.run_schedules() == []


@pytest.mark.imagebuilder(progression="immediate")
def test_consecutive_scheduled_failures_disable_the_pipeline(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock
) -> None:
    imagebuilder_mock.set_time(NOON_UTC)
    arn = _pipeline(
        imagebuilder_client,
        schedule={
            "scheduleExpression": "rate(1 hour)",
            "pipelineExecutionStartCondition": "EXPRESSION_MATCH_ONLY",
            "autoDisablePolicy": {"failureCount": 2},
        },
    )

    def scheduled_run() -> None:
        imagebuilder_mock.tick(3600)
        imagebuilder_mock.run_schedules()

    imagebuilder_mock.fail_build()
    scheduled_run()
    assert _get(imagebuilder_client, arn)["consecutiveFailures"] == 1
    # A manual failure leaves the count as it is.
    imagebuilder_mock.fail_build()
    imagebuilder_client.start_image_pipeline_execution(imagePipelineArn=arn)
    pipeline = _get(imagebuilder_client, arn)
    assert (pipeline["consecutiveFailures"], pipeline["lastRunStatus"]) == (1, "FAILED")
    imagebuilder_mock.fail_build()
    scheduled_run()
    pipeline = _get(imagebuilder_client, arn)
    assert (pipeline["consecutiveFailures"], pipeline["status"]) == (2, "DISABLED")
    assert "dateNextRun" not in pipeline


@pytest.mark.imagebuilder(progression="immediate")
def test_a_success_or_an_update_resets_consecutive_failures(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock
) -> None:
    imagebuilder_mock.set_time(NOON_UTC)
    schedule = {
        "scheduleExpression": "rate(1 hour)",
        "pipelineExecutionStartCondition": "EXPRESSION_MATCH_ONLY",
    }
    arn = _pipeline(imagebuilder_client, schedule=schedule)
    imagebuilder_mock.fail_build()
    imagebuilder_mock.tick(3600)
    imagebuilder_mock.run_schedules()
    assert _get(imagebuilder_client, arn)["consecutiveFailures"] == 1
    imagebuilder_client.start_image_pipeline_execution(imagePipelineArn=arn)
    assert _get(imagebuilder_client, arn)["consecutiveFailures"] == 0

    imagebuilder_mock.fail_build()
    imagebuilder_mock.tick(3600)
    imagebuilder_mock.run_schedules()
    current = _get(imagebuilder_client, arn)
    assert current["consecutiveFailures"] == 1
    imagebuilder_client.update_image_pipeline(
        imagePipelineArn=arn,
        imageRecipeArn=current["imageRecipeArn"],
        infrastructureConfigurationArn=current["infrastructureConfigurationArn"],
        schedule=schedule,
    )
    assert _get(imagebuilder_client, arn)["consecutiveFailures"] == 0
