"""Under ``mock_aws``, what a request names in IAM, EC2, SNS, KMS and ECR must exist in moto.

Each reference is refused when moto lacks it, accepted once it is made there, not
checked when the checks are off, and not checked at all without moto.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from builders import aws_image, component, image_recipe
from errors import error_of
from moto import mock_aws

from imagebuilder_mock import MockController, mock_imagebuilder

REGION = "us-east-1"
OTHER_REGION = "eu-west-1"
ACCOUNT = "123456789012"
DOCKERFILE = "FROM {{{ imagebuilder:parentImage }}}\n{{{ imagebuilder:components }}}"
DOCUMENT = """\
schemaVersion: 1.0
steps:
  - name: Wait
    action: WaitForAction
"""
MISSING_KEY = "11111111-2222-3333-4444-555555555555"


def _missing(parameter: str, what: str, value: str, region: str | None = None) -> tuple[str, str]:
    where = f" in Region '{region}'" if region else ""
    return (
        "InvalidParameterValueException",
        f"The value supplied for parameter '{parameter}' is not valid. The provided {what} "
        f"'{value}' does not exist{where}. Please specify a different {what} and try again.",
    )


MISSING_PROFILE = (
    "InvalidParameterValueException",
    "The value supplied for parameter 'instanceProfileName' is not valid. The provided "
    "instance profile does not exist. Please specify a different instance profile and try "
    "again.",
)


@pytest.fixture
def ib(monkeypatch: pytest.MonkeyPatch) -> Iterator[MockController]:
    # Only the AMIs a test registers: moto's catalogue of public AMIs is slow to load.
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    with mock_aws(), mock_imagebuilder(progression="immediate") as controller:
        yield controller


@contextlib.contextmanager
def _unchecked() -> Iterator[None]:
    """References taken as given: an inner mock with the checks turned off (it
    shares the state; leaving it turns them back on)."""
    with mock_imagebuilder(check_references=False):
        yield


def _client(service: str, region: str = REGION) -> Any:
    return boto3.client(service, region_name=region)


def _refused(call: Callable[[], Any]) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call()
    return error_of(caught)


# -- what moto holds ------------------------------------------------------------------------


def _profile(name: str = "builder") -> str:
    _client("iam").create_instance_profile(InstanceProfileName=name)
    return name


def _role(name: str = "ImageBuilderExecution", path: str = "/") -> str:
    role = _client("iam").create_role(RoleName=name, Path=path, AssumeRolePolicyDocument="{}")
    arn: str = role["Role"]["Arn"]
    return arn


def _network() -> tuple[str, str]:
    ec2 = _client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet: str = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    group: str = ec2.create_security_group(GroupName="builders", Description="b", VpcId=vpc)[
        "GroupId"
    ]
    return subnet, group


def _key(region: str = REGION) -> dict[str, str]:
    kms = _client("kms", region)
    metadata = kms.create_key()["KeyMetadata"]
    kms.create_alias(AliasName="alias/builds", TargetKeyId=metadata["KeyId"])
    return {"id": metadata["KeyId"], "arn": metadata["Arn"], "alias": "alias/builds"}


def _repository(name: str = "web", region: str = REGION) -> str:
    _client("ecr", region).create_repository(repositoryName=name)
    return name


# -- infrastructure configurations ------------------------------------------------------------


def _infrastructure(name: str = "builders", **members: Any) -> str:
    members.setdefault("instanceProfileName", "builder")
    arn: str = _client("imagebuilder").create_infrastructure_configuration(name=name, **members)[
        "infrastructureConfigurationArn"
    ]
    return arn


def _listed_infrastructure() -> list[str]:
    listed = _client("imagebuilder").list_infrastructure_configurations()
    return [s["arn"] for s in listed["infrastructureConfigurationSummaryList"]]


def test_a_missing_instance_profile_is_refused_and_nothing_is_stored(ib: MockController) -> None:
    assert _refused(_infrastructure) == MISSING_PROFILE
    assert _listed_infrastructure() == []


def test_an_instance_profile_moto_holds_is_accepted(ib: MockController) -> None:
    _profile()
    arn = _infrastructure()
    assert _listed_infrastructure() == [arn]


def test_the_instance_profile_is_looked_up_in_the_callers_account(ib: MockController) -> None:
    sts = _client("sts")
    credentials = sts.assume_role(
        RoleArn="arn:aws:iam::222222222222:role/builder", RoleSessionName="session"
    )["Credentials"]
    other = boto3.client(
        "imagebuilder",
        region_name=REGION,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    _profile()  # in the default account only
    refused = _refused(
        lambda: other.create_infrastructure_configuration(
            name="builders", instanceProfileName="builder"
        )
    )
    assert refused == MISSING_PROFILE


@pytest.mark.parametrize(
    ("member", "value", "expected"),
    [
        (
            "subnetId",
            "subnet-0123456789abcdef0",
            _missing("subnetId", "subnet", "subnet-0123456789abcdef0"),
        ),
        (
            "securityGroupIds",
            ["sg-0123456789abcdef0"],
            _missing("securityGroupIds[0]", "security group", "sg-0123456789abcdef0"),
        ),
        ("keyPair", "builders", _missing("keyPair", "key pair", "builders")),
        (
            "snsTopicArn",
            f"arn:aws:sns:{REGION}:{ACCOUNT}:builds",
            _missing("snsTopicArn", "SNS topic", f"arn:aws:sns:{REGION}:{ACCOUNT}:builds"),
        ),
    ],
)
def test_a_missing_network_key_pair_or_topic_is_refused(
    ib: MockController, member: str, value: Any, expected: tuple[str, str]
) -> None:
    _profile()
    assert _refused(lambda: _infrastructure(**{member: value})) == expected
    assert _listed_infrastructure() == []


def test_what_moto_holds_is_accepted_on_create_and_update(ib: MockController) -> None:
    _profile()
    _profile("other")
    subnet, group = _network()
    _client("ec2").create_key_pair(KeyName="builders")
    topic = _client("sns").create_topic(Name="builds")["TopicArn"]
    members = {
        "subnetId": subnet,
        "securityGroupIds": [group],
        "keyPair": "builders",
        "snsTopicArn": topic,
    }
    arn = _infrastructure(**members)
    client = _client("imagebuilder")
    client.update_infrastructure_configuration(
        infrastructureConfigurationArn=arn, instanceProfileName="other", **members
    )
    shown = client.get_infrastructure_configuration(infrastructureConfigurationArn=arn)
    assert shown["infrastructureConfiguration"]["instanceProfileName"] == "other"


def test_an_update_naming_what_is_missing_changes_nothing(ib: MockController) -> None:
    _profile()
    arn = _infrastructure(description="before")
    client = _client("imagebuilder")
    refused = _refused(
        lambda: client.update_infrastructure_configuration(
            infrastructureConfigurationArn=arn,
            instanceProfileName="builder",
            description="after",
            keyPair="nowhere",
        )
    )
    assert refused == _missing("keyPair", "key pair", "nowhere")
    shown = client.get_infrastructure_configuration(infrastructureConfigurationArn=arn)
    assert shown["infrastructureConfiguration"]["description"] == "before"


def test_a_topic_of_another_region_is_looked_up_there(ib: MockController) -> None:
    _profile()
    topic = _client("sns", OTHER_REGION).create_topic(Name="builds")["TopicArn"]
    assert topic.split(":")[3] == OTHER_REGION
    arn = _infrastructure(snsTopicArn=topic)
    assert _listed_infrastructure() == [arn]


def test_the_checks_off_take_every_infrastructure_reference_as_given(
    ib: MockController,
) -> None:
    with _unchecked():
        arn = _infrastructure(
            subnetId="subnet-0123456789abcdef0",
            securityGroupIds=["sg-0123456789abcdef0"],
            keyPair="nowhere",
            snsTopicArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:nowhere",
        )
    assert _listed_infrastructure() == [arn]


def test_without_moto_nothing_is_checked() -> None:
    with mock_imagebuilder():
        client = _client("imagebuilder")
        client.create_infrastructure_configuration(
            name="builders",
            instanceProfileName="nowhere",
            subnetId="subnet-0123456789abcdef0",
            securityGroupIds=["sg-0123456789abcdef0"],
            keyPair="nowhere",
            snsTopicArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:nowhere",
        )
        client.create_image_recipe(
            name="web", semanticVersion="1.0.0", parentImage="ami-0123456789abcdef0"
        )
        client.create_component(
            name="encrypted",
            semanticVersion="1.0.0",
            platform="Linux",
            data=_COMPONENT,
            kmsKeyId=MISSING_KEY,
        )
        client.create_distribution_configuration(
            name="containers",
            distributions=[
                {
                    "region": REGION,
                    "containerDistributionConfiguration": {
                        "targetRepository": {"service": "ECR", "repositoryName": "nowhere"}
                    },
                }
            ],
        )
        policy = client.create_lifecycle_policy(**_lifecycle_members("nowhere"))
        assert policy["lifecyclePolicyArn"]


# -- execution roles --------------------------------------------------------------------------


def _lifecycle_members(role: str, name: str = "retention") -> dict[str, Any]:
    return {
        "name": name,
        "executionRole": role,
        "resourceType": "AMI_IMAGE",
        "policyDetails": [{"action": {"type": "DELETE"}, "filter": {"type": "COUNT", "value": 1}}],
        "resourceSelection": {"recipes": [{"name": "web", "semanticVersion": "1.0.0"}]},
    }


def _build_inputs(client: Any) -> tuple[str, str]:
    _profile()
    return image_recipe(client), _infrastructure()


def _calls_with_role(client: Any, ib: MockController) -> dict[str, Callable[[str], Any]]:
    """Each operation that takes an execution role, ready but for the role."""
    recipe, infrastructure = _build_inputs(client)
    image = client.create_image(
        imageRecipeArn=recipe, infrastructureConfigurationArn=infrastructure
    )["imageBuildVersionArn"]
    distribution = client.create_distribution_configuration(
        name="here", distributions=[{"region": REGION, "amiDistributionConfiguration": {}}]
    )["distributionConfigurationArn"]
    pipeline = client.create_image_pipeline(
        name="nightly", imageRecipeArn=recipe, infrastructureConfigurationArn=infrastructure
    )["imagePipelineArn"]
    policy = client.create_lifecycle_policy(**_lifecycle_members(_role("Existing")))[
        "lifecyclePolicyArn"
    ]
    return {
        "CreateImage": lambda role: client.create_image(
            imageRecipeArn=recipe, infrastructureConfigurationArn=infrastructure, executionRole=role
        ),
        "CreateImagePipeline": lambda role: client.create_image_pipeline(
            name="other",
            imageRecipeArn=recipe,
            infrastructureConfigurationArn=infrastructure,
            executionRole=role,
        ),
        "UpdateImagePipeline": lambda role: client.update_image_pipeline(
            imagePipelineArn=pipeline,
            imageRecipeArn=recipe,
            infrastructureConfigurationArn=infrastructure,
            executionRole=role,
        ),
        "CreateLifecyclePolicy": lambda role: client.create_lifecycle_policy(
            **_lifecycle_members(role, "other")
        ),
        "UpdateLifecyclePolicy": lambda role: client.update_lifecycle_policy(
            lifecyclePolicyArn=policy,
            **{k: v for k, v in _lifecycle_members(role).items() if k != "name"},
        ),
        "StartResourceStateUpdate": lambda role: client.start_resource_state_update(
            resourceArn=image,
            state={"status": "DISABLED"},
            executionRole=role,
            includeResources={"amis": True},
        ),
        "DistributeImage": lambda role: client.distribute_image(
            sourceImage=image, distributionConfigurationArn=distribution, executionRole=role
        ),
        "ImportDiskImage": lambda role: client.import_disk_image(
            name="iso",
            semanticVersion="1.0.0",
            platform="Windows",
            osVersion="Microsoft Windows Server 2022",
            infrastructureConfigurationArn=infrastructure,
            uri="s3://isos/server.iso",
            executionRole=role,
        ),
    }


ROLE_OPERATIONS = [
    "CreateImage",
    "CreateImagePipeline",
    "UpdateImagePipeline",
    "CreateLifecyclePolicy",
    "UpdateLifecyclePolicy",
    "StartResourceStateUpdate",
    "DistributeImage",
    "ImportDiskImage",
]


@pytest.mark.parametrize("operation", ROLE_OPERATIONS)
def test_a_missing_execution_role_is_refused_and_changes_nothing(
    ib: MockController, operation: str
) -> None:
    client = _client("imagebuilder")
    calls = _calls_with_role(client, ib)
    before = sorted(ib.backend().resources)
    role = f"arn:aws:iam::{ACCOUNT}:role/Missing"
    assert _refused(lambda: calls[operation](role)) == _missing("executionRole", "role", role)
    assert sorted(ib.backend().resources) == before


@pytest.mark.parametrize("operation", ROLE_OPERATIONS)
def test_an_execution_role_moto_holds_is_accepted(ib: MockController, operation: str) -> None:
    client = _client("imagebuilder")
    calls = _calls_with_role(client, ib)
    calls[operation](_role("Builder", path="/service-role/"))


@pytest.mark.parametrize("role", ["Builder", "service-role/Builder"])
def test_an_execution_role_may_be_named_without_its_arn(ib: MockController, role: str) -> None:
    _role("Builder", path="/service-role/")
    client = _client("imagebuilder")
    client.create_lifecycle_policy(**_lifecycle_members(role))
    refused = _refused(
        lambda: client.create_lifecycle_policy(**_lifecycle_members("Nope", "other"))
    )
    assert refused == _missing("executionRole", "role", "Nope")


def test_a_role_arn_is_looked_up_in_the_account_it_names(ib: MockController) -> None:
    _role("Builder")  # in the caller's account, not in 210987654321
    role = "arn:aws:iam::210987654321:role/Builder"
    refused = _refused(
        lambda: _client("imagebuilder").create_lifecycle_policy(**_lifecycle_members(role))
    )
    assert refused == _missing("executionRole", "role", role)


def test_the_checks_off_take_an_execution_role_as_given(ib: MockController) -> None:
    with _unchecked():
        arn = _client("imagebuilder").create_lifecycle_policy(**_lifecycle_members("Nowhere"))
    assert arn["lifecyclePolicyArn"]


# -- KMS keys ---------------------------------------------------------------------------------


def _kms_calls(client: Any) -> dict[str, Callable[[str], Any]]:
    """Each operation that encrypts what it stores with the caller's key at once."""
    _repository()
    container_component = component(client, "for-container")
    return {
        "CreateComponent": lambda key: client.create_component(
            name="encrypted",
            semanticVersion="1.0.0",
            platform="Linux",
            data=_COMPONENT,
            kmsKeyId=key,
        ),
        "ImportComponent": lambda key: client.import_component(
            name="imported",
            semanticVersion="1.0.0",
            type="BUILD",
            format="SHELL",
            platform="Linux",
            data="echo hello",
            kmsKeyId=key,
        ),
        "CreateWorkflow": lambda key: client.create_workflow(
            name="flow", semanticVersion="1.0.0", type="TEST", data=DOCUMENT, kmsKeyId=key
        ),
        "CreateContainerRecipe": lambda key: client.create_container_recipe(
            containerType="DOCKER",
            name="container",
            semanticVersion="1.0.0",
            parentImage="amazonlinux:latest",
            components=[{"componentArn": container_component}],
            dockerfileTemplateData=DOCKERFILE,
            targetRepository={"service": "ECR", "repositoryName": "web"},
            kmsKeyId=key,
        ),
    }


_COMPONENT = """\
schemaVersion: 1.0
phases:
  - name: build
    steps:
      - name: Hello
        action: ExecuteBash
        inputs:
          commands:
            - echo hello
"""
KMS_OPERATIONS = ["CreateComponent", "ImportComponent", "CreateWorkflow", "CreateContainerRecipe"]


@pytest.mark.parametrize("operation", KMS_OPERATIONS)
def test_a_missing_kms_key_is_refused_and_changes_nothing(
    ib: MockController, operation: str
) -> None:
    calls = _kms_calls(_client("imagebuilder"))
    key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{MISSING_KEY}"
    before = sorted(ib.backend().resources)
    assert _refused(lambda: calls[operation](key)) == _missing("kmsKeyId", "KMS key", key)
    assert sorted(ib.backend().resources) == before


@pytest.mark.parametrize("operation", KMS_OPERATIONS)
@pytest.mark.parametrize("form", ["id", "arn", "alias"])
def test_a_kms_key_moto_holds_is_accepted_by_id_arn_or_alias(
    ib: MockController, operation: str, form: str
) -> None:
    key = _key()[form]
    _kms_calls(_client("imagebuilder"))[operation](key)


def test_a_kms_key_arn_is_looked_up_in_its_own_region(ib: MockController) -> None:
    elsewhere = _key(OTHER_REGION)["arn"]
    calls = _kms_calls(_client("imagebuilder"))
    calls["CreateComponent"](elsewhere)
    missing = elsewhere.replace(OTHER_REGION, REGION)
    assert _refused(lambda: calls["CreateWorkflow"](missing)) == _missing(
        "kmsKeyId", "KMS key", missing
    )


def test_keys_used_only_when_a_build_runs_are_not_looked_up(ib: MockController) -> None:
    """An EBS volume's key and a distribution's AMI key serve a later build, not the Create."""
    client = _client("imagebuilder")
    missing = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{MISSING_KEY}"
    image_recipe(
        client,
        blockDeviceMappings=[
            {"deviceName": "/dev/xvda", "ebs": {"encrypted": True, "kmsKeyId": missing}}
        ],
    )
    client.create_distribution_configuration(
        name="encrypted",
        distributions=[{"region": REGION, "amiDistributionConfiguration": {"kmsKeyId": missing}}],
    )


def test_the_checks_off_take_a_kms_key_as_given(ib: MockController) -> None:
    calls = _kms_calls(_client("imagebuilder"))
    with _unchecked():
        calls["CreateComponent"](MISSING_KEY)


# -- ECR repositories -------------------------------------------------------------------------


def _container_distribution(region: str, repository: str) -> Any:
    """AMIs at home and container images in ``region`` (the container entry is second)."""
    container = {
        "region": region,
        "containerDistributionConfiguration": {
            "targetRepository": {"service": "ECR", "repositoryName": repository}
        },
    }
    return _client("imagebuilder").create_distribution_configuration(
        name="containers",
        distributions=[{"region": REGION, "amiDistributionConfiguration": {}}, container],
    )


def test_a_missing_container_repository_is_refused_in_its_region(ib: MockController) -> None:
    _repository("web", REGION)  # not in OTHER_REGION
    refused = _refused(lambda: _container_distribution(OTHER_REGION, "web"))
    assert refused == _missing(
        "distributions[1].containerDistributionConfiguration.targetRepository.repositoryName",
        "ECR repository",
        "web",
        OTHER_REGION,
    )
    listed = _client("imagebuilder").list_distribution_configurations()
    assert listed["distributionConfigurationSummaryList"] == []


def test_a_container_repository_moto_holds_is_accepted_on_create_and_update(
    ib: MockController,
) -> None:
    _repository("web", OTHER_REGION)
    arn = _container_distribution(OTHER_REGION, "web")["distributionConfigurationArn"]
    client = _client("imagebuilder")
    target = {"service": "ECR", "repositoryName": "api"}
    update = {
        "distributionConfigurationArn": arn,
        "distributions": [
            {
                "region": OTHER_REGION,
                "containerDistributionConfiguration": {"targetRepository": target},
            }
        ],
    }
    refused = _refused(lambda: client.update_distribution_configuration(**update))
    assert refused == _missing(
        "distributions[0].containerDistributionConfiguration.targetRepository.repositoryName",
        "ECR repository",
        "api",
        OTHER_REGION,
    )
    _repository("api", OTHER_REGION)
    client.update_distribution_configuration(**update)


def test_a_container_recipe_needs_its_target_repository(ib: MockController) -> None:
    client = _client("imagebuilder")
    container_component = component(client, "for-container")

    def create() -> Any:
        return client.create_container_recipe(
            containerType="DOCKER",
            name="container",
            semanticVersion="1.0.0",
            parentImage="amazonlinux:latest",
            components=[{"componentArn": container_component}],
            dockerfileTemplateData=DOCKERFILE,
            targetRepository={"service": "ECR", "repositoryName": "web"},
        )

    assert _refused(create) == _missing(
        "targetRepository.repositoryName", "ECR repository", "web", REGION
    )
    _repository("web")
    create()


def test_the_checks_off_take_a_repository_as_given(ib: MockController) -> None:
    with _unchecked():
        _container_distribution(OTHER_REGION, "nowhere")


# -- parent AMIs ------------------------------------------------------------------------------


def _recipe_from(parent: str, name: str = "from-ami") -> Any:
    return _client("imagebuilder").create_image_recipe(
        name=name, semanticVersion="1.0.0", parentImage=parent
    )


def test_a_missing_parent_ami_is_refused_and_nothing_is_stored(ib: MockController) -> None:
    parent = "ami-0123456789abcdef0"
    assert _refused(lambda: _recipe_from(parent)) == _missing("parentImage", "image", parent)
    assert _client("imagebuilder").list_image_recipes()["imageRecipeSummaryList"] == []


def test_a_parent_ami_moto_holds_is_accepted(ib: MockController) -> None:
    parent = _client("ec2").register_image(Name="base", RootDeviceName="/dev/xvda")["ImageId"]
    assert _recipe_from(parent)["imageRecipeArn"]


def test_a_parent_ami_of_another_region_is_missing_here(ib: MockController) -> None:
    elsewhere = _client("ec2", OTHER_REGION).register_image(
        Name="base", RootDeviceName="/dev/xvda"
    )["ImageId"]
    assert _refused(lambda: _recipe_from(elsewhere)) == _missing("parentImage", "image", elsewhere)


def test_an_ami_a_build_left_in_moto_can_be_a_parent(ib: MockController) -> None:
    client = _client("imagebuilder")
    recipe, infrastructure = _build_inputs(client)
    image = client.create_image(
        imageRecipeArn=recipe, infrastructureConfigurationArn=infrastructure
    )
    built = client.get_image(imageBuildVersionArn=image["imageBuildVersionArn"])["image"]
    ami = built["outputResources"]["amis"][0]["image"]
    assert _recipe_from(ami)["imageRecipeArn"]


def test_parents_that_are_not_ami_ids_are_not_looked_up_in_ec2(ib: MockController) -> None:
    client = _client("imagebuilder")
    client.create_image_recipe(
        name="from-arn", semanticVersion="1.0.0", parentImage=aws_image(REGION)
    )
    client.create_image_recipe(
        name="from-ssm", semanticVersion="1.0.0", parentImage="ssm:/my/parent/ami"
    )


def test_the_checks_off_take_a_parent_ami_as_given(ib: MockController) -> None:
    with _unchecked():
        assert _recipe_from("ami-0123456789abcdef0")["imageRecipeArn"]


def test_leaving_a_mock_that_turned_the_checks_off_turns_them_back_on(ib: MockController) -> None:
    with _unchecked():
        _infrastructure(name="unchecked", instanceProfileName="nowhere")
    with pytest.raises(ClientError) as caught:
        _infrastructure(name="checked", instanceProfileName="nowhere")
    assert error_of(caught)[0] == "InvalidParameterValueException"
    assert _listed_infrastructure() != []


@pytest.mark.imagebuilder(check_references=False)
def test_the_fixture_marker_turns_the_checks_off(imagebuilder_mock: MockController) -> None:
    with mock_aws():
        arn = _infrastructure(name="marked", instanceProfileName="nowhere")
        assert _listed_infrastructure() == [arn]
