"""Small builders for the resources an image build needs, through the public API."""

from __future__ import annotations

from typing import Any

COMPONENT_DOCUMENT = """\
schemaVersion: 1.0
phases:
  - name: build
    steps:
      - name: InstallNginx
        action: ExecuteBash
        inputs:
          commands:
            - sudo dnf install -y nginx
"""


def aws_image(region: str, name: str = "amazon-linux-2023-x86") -> str:
    return f"arn:aws:imagebuilder:{region}:aws:image/{name}/x.x.x"


def component(client: Any, name: str = "nginx", version: str = "1.0.0") -> str:
    arn: str = client.create_component(
        name=name, semanticVersion=version, platform="Linux", data=COMPONENT_DOCUMENT
    )["componentBuildVersionArn"]
    return arn


def image_recipe(client: Any, name: str = "web", version: str = "1.0.0", **extra: Any) -> str:
    region = client.meta.region_name
    arn: str = client.create_image_recipe(
        name=name,
        semanticVersion=version,
        components=[{"componentArn": component(client, f"{name}-nginx", version)}],
        parentImage=aws_image(region),
        **extra,
    )["imageRecipeArn"]
    return arn


INSTANCE_PROFILE = "EC2InstanceProfileForImageBuilder"


def infrastructure(client: Any, name: str = "build-infra") -> str:
    arn: str = client.create_infrastructure_configuration(
        name=name, instanceProfileName=INSTANCE_PROFILE
    )["infrastructureConfigurationArn"]
    return arn


def moto_instance_profile(name: str = INSTANCE_PROFILE, **credentials: Any) -> str:
    """Make ``name`` in moto's IAM (under ``mock_aws``, in the account of ``credentials``):
    while moto is active, an infrastructure configuration must name an instance profile
    that exists there."""
    import boto3

    iam = boto3.client("iam", region_name="us-east-1", **credentials)
    iam.create_instance_profile(InstanceProfileName=name)
    return name


def distribution(
    client: Any, regions: tuple[str, ...], name: str = "dist", ami: dict[str, Any] | None = None
) -> str:
    arn: str = client.create_distribution_configuration(
        name=name,
        distributions=[
            {"region": region, "amiDistributionConfiguration": ami} if ami else {"region": region}
            for region in regions
        ],
    )["distributionConfigurationArn"]
    return arn


def build(client: Any, recipe: str, infra: str, **extra: Any) -> str:
    arn: str = client.create_image(
        imageRecipeArn=recipe, infrastructureConfigurationArn=infra, **extra
    )["imageBuildVersionArn"]
    return arn


def status(client: Any, arn: str) -> str:
    value: str = client.get_image(imageBuildVersionArn=arn)["image"]["state"]["status"]
    return value
