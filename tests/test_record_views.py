"""List entries of components, recipes, configurations and pipelines show what Get
shows for the same record: every member set on it, with the same values."""

from __future__ import annotations

from typing import Any

import pytest
from builders import COMPONENT_DOCUMENT, aws_image, build, component, infrastructure
from model import members

pytestmark = pytest.mark.imagebuilder(progression="immediate")

ACCOUNT = "123456789012"
TEMPLATE = (
    "FROM {{{ imagebuilder:parentImage }}}\n"
    "{{{ imagebuilder:environments }}}\n"
    "{{{ imagebuilder:components }}}\n"
)
KMS_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def _cut(view: dict[str, Any], shape: str) -> dict[str, Any]:
    """The members of ``view`` that a ``shape`` entry has too."""
    return {m: v for m, v in view.items() if m in members(shape)}


def test_component_entries_show_what_get_component_shows(imagebuilder_client: Any) -> None:
    arn = imagebuilder_client.create_component(
        name="full",
        semanticVersion="1.0.0",
        platform="Linux",
        data=COMPONENT_DOCUMENT,
        description="every member",
        changeDescription="first",
        supportedOsVersions=["Amazon Linux 2023"],
        kmsKeyId=KMS_KEY,
        tags={"team": "web"},
    )["componentBuildVersionArn"]
    got = imagebuilder_client.get_component(componentBuildVersionArn=arn)["component"]
    for member in ("description", "changeDescription", "supportedOsVersions", "tags", "state"):
        assert member in got, member
    (summary,) = imagebuilder_client.list_component_build_versions(
        componentVersionArn=arn.rsplit("/", 1)[0]
    )["componentSummaryList"]
    assert summary == _cut(got, "ComponentSummary")
    (entry,) = imagebuilder_client.list_components()["componentVersionList"]
    # The entry stands for the version, and ``status`` is a member of its own.
    assert entry == {
        **_cut(got, "ComponentVersion"),
        "arn": arn.rsplit("/", 1)[0],
        "status": got["state"]["status"],
    }


def test_recipe_entries_show_what_get_recipe_shows(imagebuilder_client: Any) -> None:
    arn = imagebuilder_client.create_image_recipe(
        name="full",
        semanticVersion="1.0.0",
        components=[{"componentArn": component(imagebuilder_client, "full-nginx")}],
        parentImage=aws_image("us-east-1"),
        description="every member",
        tags={"team": "web"},
    )["imageRecipeArn"]
    got = imagebuilder_client.get_image_recipe(imageRecipeArn=arn)["imageRecipe"]
    assert (got["type"], got["version"], got["tags"]) == ("AMI", "1.0.0", {"team": "web"})
    (summary,) = imagebuilder_client.list_image_recipes()["imageRecipeSummaryList"]
    assert summary == _cut(got, "ImageRecipeSummary")


def test_container_recipe_entries_show_what_get_container_recipe_shows(
    imagebuilder_client: Any,
) -> None:
    arn = imagebuilder_client.create_container_recipe(
        containerType="DOCKER",
        name="full",
        semanticVersion="1.0.0",
        components=[{"componentArn": component(imagebuilder_client, "full-nginx")}],
        parentImage="amazonlinux:latest",
        targetRepository={"service": "ECR", "repositoryName": "my-app"},
        dockerfileTemplateData=TEMPLATE,
        instanceConfiguration={"image": "ami-0123456789abcdef0"},
        tags={"team": "web"},
    )["containerRecipeArn"]
    got = imagebuilder_client.get_container_recipe(containerRecipeArn=arn)["containerRecipe"]
    assert (got["encrypted"], got["version"]) == (True, "1.0.0")
    (summary,) = imagebuilder_client.list_container_recipes()["containerRecipeSummaryList"]
    # ``instanceImage`` is a List member only: the image of the instance configuration.
    assert summary == {
        **_cut(got, "ContainerRecipeSummary"),
        "instanceImage": "ami-0123456789abcdef0",
    }


def test_configuration_entries_show_what_get_shows_once_updated(
    imagebuilder_client: Any,
) -> None:
    client = imagebuilder_client
    infra = infrastructure(client)
    dist = client.create_distribution_configuration(
        name="dist", description="first", distributions=[{"region": "us-east-1"}]
    )["distributionConfigurationArn"]

    def views() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]:
        got_infra = client.get_infrastructure_configuration(infrastructureConfigurationArn=infra)
        (infra_entry,) = client.list_infrastructure_configurations()[
            "infrastructureConfigurationSummaryList"
        ]
        got_dist = client.get_distribution_configuration(distributionConfigurationArn=dist)
        (dist_entry,) = client.list_distribution_configurations()[
            "distributionConfigurationSummaryList"
        ]
        return (
            got_infra["infrastructureConfiguration"],
            infra_entry,
            got_dist["distributionConfiguration"],
            dist_entry,
        )

    got_infra, infra_entry, got_dist, dist_entry = views()
    # Never updated: no ``dateUpdated``, and the service's timeout.
    assert "dateUpdated" not in got_infra and "dateUpdated" not in got_dist
    assert got_dist["timeoutMinutes"] == 720
    assert infra_entry == _cut(got_infra, "InfrastructureConfigurationSummary")
    assert dist_entry == {
        **_cut(got_dist, "DistributionConfigurationSummary"),
        "regions": ["us-east-1"],
    }

    client.update_infrastructure_configuration(
        infrastructureConfigurationArn=infra,
        instanceProfileName="EC2InstanceProfileForImageBuilder",
        description="second",
    )
    client.update_distribution_configuration(
        distributionConfigurationArn=dist,
        description="second",
        distributions=[{"region": "us-east-1"}, {"region": "eu-west-1"}],
    )
    got_infra, infra_entry, got_dist, dist_entry = views()
    assert got_infra["description"] == got_dist["description"] == "second"
    assert "dateUpdated" in got_infra and "dateUpdated" in got_dist
    assert infra_entry == _cut(got_infra, "InfrastructureConfigurationSummary")
    assert dist_entry == {
        **_cut(got_dist, "DistributionConfigurationSummary"),
        "regions": ["us-east-1", "eu-west-1"],
    }


def test_pipeline_entries_show_what_get_image_pipeline_shows(imagebuilder_client: Any) -> None:
    client = imagebuilder_client
    recipe = client.create_image_recipe(
        name="web",
        semanticVersion="1.0.0",
        components=[{"componentArn": component(client, "web-nginx")}],
        parentImage=aws_image("us-east-1"),
    )["imageRecipeArn"]
    infra = infrastructure(client)
    arn = client.create_image_pipeline(
        name="nightly",
        description="every member",
        imageRecipeArn=recipe,
        infrastructureConfigurationArn=infra,
        schedule={"scheduleExpression": "cron(0 0 * * ? *)"},
        tags={"team": "web"},
    )["imagePipelineArn"]
    build(client, recipe, infra)
    client.start_image_pipeline_execution(imagePipelineArn=arn)
    got = client.get_image_pipeline(imagePipelineArn=arn)["imagePipeline"]
    for member in ("description", "dateUpdated", "dateLastRun", "lastRunStatus", "dateNextRun"):
        assert member in got, member
    assert (got["status"], got["platform"], got["consecutiveFailures"]) == ("ENABLED", "Linux", 0)
    (entry,) = client.list_image_pipelines()["imagePipelineList"]
    assert entry == got
