"""Documents in the shapes real tools write, created through boto3 and read back.

``tests/documents`` holds component documents, workflow documents and
Dockerfile templates written the way users deploy them: Terraform's
``yamlencode()`` (quoted keys, sorted, ``schemaVersion: 1``), CDK's JSON
(compact or indented), CloudFormation inline YAML, PowerShell and bash
components with parameters, constants, loops, ``if`` conditions, chained step
outputs, phases of the document's own and YAML anchors. Every one is accepted,
reads back byte for byte, and has the type and parameters the service derives.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from builders import build, image_recipe, infrastructure

DOCUMENTS = Path(__file__).parent / "documents"


def text(path: Path) -> str:
    # newline="" keeps the file's bytes: the service returns ``data`` verbatim.
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def detail(
    name: str, kind: str, default: list[str] | None = None, description: str = ""
) -> dict[str, Any]:
    found: dict[str, Any] = {"name": name, "type": kind}
    if default is not None:
        found["defaultValue"] = default
    if description:
        found["description"] = description
    return found


# file -> (platform, type, parameters)
COMPONENTS: dict[str, tuple[str, str, list[dict[str, Any]]]] = {
    "tf-yamlencode-hello.yaml": ("Linux", "BUILD", []),
    "tf-yamlencode-parameters.yaml": (
        "Linux",
        "BUILD",
        [
            detail("NodeMajorVersion", "String", ["20"], "Major version of Node.js to install"),
            detail("InstallYarn", "Boolean", ["false"], "Also install yarn through corepack"),
        ],
    ),
    "tf-yamlencode-test.yaml": ("Linux", "TEST", []),
    "cdk-json-compact.json": (
        "Linux",
        "BUILD",
        [
            detail(
                "ConfigParameter",
                "String",
                ["AmazonCloudWatch-linux"],
                "SSM parameter holding the agent configuration",
            )
        ],
    ),
    "cdk-json-pretty-windows.json": ("Windows", "BUILD", []),
    "cfn-inline-nginx.yaml": ("Linux", "BUILD", []),
    "powershell-iis-site.yaml": (
        "Windows",
        "BUILD",
        [
            detail("SiteName", "String", ["Intranet"], "Name of the IIS site"),
            detail("Port", "Integer", ["8080"], "TCP port the site listens on"),
        ],
    ),
    "bash-hardening.yaml": ("Linux", "BUILD", []),
    "loop-s3-packages.yaml": (
        "Linux",
        "BUILD",
        [
            detail("Bucket", "String", None, "Bucket that holds the packages"),
            detail(
                "Packages",
                "StringList",
                ["htop-3.2.2-1.amzn2023.x86_64.rpm", "jq-1.7.1-1.amzn2023.x86_64.rpm"],
                "File names under the packages/ prefix",
            ),
        ],
    ),
    "loop-for-range.yaml": ("Linux", "BUILD", []),
    "if-platform-branches.yaml": (
        "Linux",
        "BUILD",
        [
            detail("Distribution", "String", ["amazon"], "amazon, ubuntu or rhel"),
            detail("EnableDebug", "Boolean", ["false"]),
        ],
    ),
    "chained-outputs.yaml": (
        "Linux",
        "BUILD",
        [
            detail(
                "ArchiveUrl",
                "String",
                ["https://example.com/releases/tool-2.4.0-linux-amd64.tar.gz"],
            ),
            detail(
                "Checksum",
                "String",
                ["8d2c3b8d2a1f0e9c7b6a5f4e3d2c1b0a8d2c3b8d2a1f0e9c7b6a5f4e3d2c1b0a"],
            ),
        ],
    ),
    "constants-and-files.yaml": ("Linux", "BUILD", []),
    "custom-cleanup-phase.yaml": ("Linux", "BUILD", []),
    "test-with-custom-phase.yaml": ("Linux", "TEST", []),
    "anchors-shared-settings.yaml": ("Linux", "BUILD", []),
    "macos-homebrew.yaml": (
        "macOS",
        "BUILD",
        [detail("Formulae", "String", ["git jq xcbeautify"])],
    ),
    "windows-registry-msi.yaml": (
        "Windows",
        "BUILD",
        [detail("InstallerKey", "String", ["installers/agent-5.2.msi"])],
    ),
    "update-os-and-reboot.yaml": ("Linux", "BUILD", []),
    "container-host-test.yaml": ("Linux", "BUILD", []),
    "s3-upload-logs.yaml": (
        "Linux",
        "BUILD",
        [detail("LogBucket", "String", None, "Destination bucket")],
    ),
}

# file -> (type, parameters)
WORKFLOWS: dict[str, tuple[str, list[dict[str, Any]]]] = {
    "build-with-metadata.yaml": (
        "BUILD",
        [
            detail(
                "keepInstance",
                "boolean",
                ["false"],
                "Leave the build instance running after the AMI is created.",
            ),
            detail("launchTimeout", "integer", ["1200"]),
        ],
    ),
    "test-with-approval.yaml": (
        "TEST",
        [
            detail("waitForApproval", "boolean", ["true"]),
            detail(
                "approvalTopic", "string", ["arn:aws:sns:us-east-1:111122223333:image-approvals"]
            ),
        ],
    ),
    "distribute-ami.yaml": (
        "DISTRIBUTION",
        [
            detail("copyRegion", "string", ["eu-west-1"]),
            detail("shareWith", "stringList", ["444455556666"]),
        ],
    ),
    "distribute-container.yaml": ("DISTRIBUTION", []),
    "build-from-iso.yaml": ("BUILD", []),
    "tf-yamlencode-build.yaml": ("BUILD", [detail("waitFor", "string", ["ssmAgent"])]),
    "cdk-json-test.json": ("TEST", [detail("runSecurityChecks", "boolean", ["true"])]),
    "state-machine-gate.yaml": (
        "BUILD",
        [
            detail(
                "stateMachineArn",
                "string",
                ["arn:aws:states:us-east-1:111122223333:stateMachine:ImageCompliance"],
            ),
            detail("complianceLevel", "string", ["high"]),
        ],
    ),
    "container-build.yaml": ("BUILD", []),
    "anchors-shared-inputs.yaml": ("BUILD", []),
    "register-image.yaml": ("BUILD", []),
}

DOCKERFILES = ["amazonlinux.dockerfile", "python-app.dockerfile", "multi-stage.dockerfile"]


def names(kind: str) -> list[str]:
    return sorted(path.name for path in (DOCUMENTS / kind).iterdir())


def test_every_document_on_disk_has_its_expectations() -> None:
    assert names("components") == sorted(COMPONENTS)
    assert names("workflows") == sorted(WORKFLOWS)
    assert names("dockerfiles") == sorted(DOCKERFILES)


@pytest.mark.parametrize("file", sorted(COMPONENTS))
def test_component_document_reads_back_as_written(imagebuilder_client: Any, file: str) -> None:
    platform, kind, parameters = COMPONENTS[file]
    data = text(DOCUMENTS / "components" / file)
    arn = imagebuilder_client.create_component(
        name=Path(file).stem, semanticVersion="1.0.0", platform=platform, data=data
    )["componentBuildVersionArn"]
    got = imagebuilder_client.get_component(componentBuildVersionArn=arn)["component"]
    assert got["data"] == data
    assert (got["platform"], got["type"]) == (platform, kind)
    assert got.get("parameters", []) == parameters


@pytest.mark.parametrize("file", sorted(WORKFLOWS))
def test_workflow_document_reads_back_as_written(imagebuilder_client: Any, file: str) -> None:
    kind, parameters = WORKFLOWS[file]
    data = text(DOCUMENTS / "workflows" / file)
    arn = imagebuilder_client.create_workflow(
        name=Path(file).stem, semanticVersion="1.0.0", type=kind, data=data
    )["workflowBuildVersionArn"]
    got = imagebuilder_client.get_workflow(workflowBuildVersionArn=arn)["workflow"]
    assert got["data"] == data
    assert got["type"] == kind
    assert got.get("parameters", []) == parameters


@pytest.mark.parametrize("file", DOCKERFILES)
def test_dockerfile_template_reads_back_as_written(imagebuilder_client: Any, file: str) -> None:
    component = imagebuilder_client.create_component(
        name="app-setup",
        semanticVersion="1.0.0",
        platform="Linux",
        data=text(DOCUMENTS / "components" / "cfn-inline-nginx.yaml"),
    )["componentBuildVersionArn"]
    template = text(DOCUMENTS / "dockerfiles" / file)
    arn = imagebuilder_client.create_container_recipe(
        containerType="DOCKER",
        name=Path(file).stem,
        semanticVersion="1.0.0",
        components=[{"componentArn": component}],
        parentImage="amazonlinux:2023",
        targetRepository={"service": "ECR", "repositoryName": "apps"},
        dockerfileTemplateData=template,
    )["containerRecipeArn"]
    got = imagebuilder_client.get_container_recipe(containerRecipeArn=arn)["containerRecipe"]
    assert got["dockerfileTemplateData"] == template


def run(client: Any, file: str, **configured: Any) -> list[dict[str, Any]]:
    """Build an image with one workflow document; the steps of its execution."""
    kind, _ = WORKFLOWS[file]
    flow = client.create_workflow(
        name=Path(file).stem,
        semanticVersion="1.0.0",
        type=kind,
        data=text(DOCUMENTS / "workflows" / file),
    )["workflowBuildVersionArn"]
    arn = build(
        client,
        image_recipe(client, name=Path(file).stem),
        infrastructure(client, name=Path(file).stem),
        workflows=[{"workflowArn": flow, **configured}],
    )
    (execution,) = client.list_workflow_executions(imageBuildVersionArn=arn)["workflowExecutions"]
    steps: list[dict[str, Any]] = client.list_workflow_step_executions(
        workflowExecutionId=execution["workflowExecutionId"]
    )["steps"]
    return steps


@pytest.mark.imagebuilder(progression="immediate")
def test_build_workflow_chains_outputs_and_follows_its_conditions(
    imagebuilder_client: Any,
) -> None:
    steps = run(imagebuilder_client, "build-with-metadata.yaml")
    by_name = {s["name"]: s for s in steps}
    instance = json.loads(by_name["LaunchBuildInstance"]["outputs"])["instanceId"]
    for name in ("ApplyBuildComponents", "CreateOutputAMI", "TerminateBuildInstance"):
        assert json.loads(by_name[name]["inputs"]) == {"instanceId": instance}
    # Linux AMI: sanitized, no Sysprep; keepInstance is false, so the instance goes.
    assert by_name["RunSanitizeScript"]["status"] == "COMPLETED"
    assert by_name["RunSysPrepScript"]["status"] == "SKIPPED"
    assert by_name["TerminateBuildInstance"]["status"] == "COMPLETED"


@pytest.mark.imagebuilder(progression="immediate")
def test_build_workflow_parameter_turns_a_step_off(imagebuilder_client: Any) -> None:
    steps = run(
        imagebuilder_client,
        "build-with-metadata.yaml",
        parameters=[{"name": "keepInstance", "value": ["true"]}],
    )
    assert {s["name"]: s["status"] for s in steps}["TerminateBuildInstance"] == "SKIPPED"


@pytest.mark.imagebuilder(progression="immediate")
def test_terraform_workflow_reads_its_parameter_and_anchors_expand(
    imagebuilder_client: Any,
) -> None:
    launch = run(imagebuilder_client, "tf-yamlencode-build.yaml")[0]
    assert json.loads(launch["inputs"]) == {"waitFor": "ssmAgent"}
    steps = run(imagebuilder_client, "anchors-shared-inputs.yaml")
    instance = json.loads(steps[0]["outputs"])["instanceId"]
    assert [json.loads(s["inputs"]) for s in steps[1:]] == [{"instanceId": instance}] * 3
