"""The AWS CLI (v1, from PyPI: the test extra) against ``ImageBuilderServer``.

Each command runs ``python -m awscli`` in a subprocess with ``--endpoint-url`` and
``--output json``, as a user's shell script would, with credentials and Region
from the environment only: no profile, config or credentials file is read.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from builders import COMPONENT_DOCUMENT
from model import MODEL
from waiters import image_available_definition

from imagebuilder_mock import DEFAULT_ACCOUNT_ID
from imagebuilder_mock.server import ImageBuilderServer

REGION = "eu-west-1"
PARENT = f"arn:aws:imagebuilder:{REGION}:aws:image/amazon-linux-2023-x86/x.x.x"
# The CLI's exit code for an error the service returned (a ClientError), and for a
# waiter that reached a failure state (AWS CLI v1; v2 answers 254 and 255).
SERVICE_ERROR_EXIT = 255
# No command may hang the suite: a stuck server fails the test instead.
COMMAND_TIMEOUT_SECONDS = 60


def _cli_missing_message() -> str:
    return (
        "the AWS CLI is not installed in this environment: install the test extra "
        "(pip install -e '.[test]'), which brings awscli from PyPI"
    )


@pytest.fixture(scope="module")
def cli() -> list[str]:
    """The command that runs the CLI of the interpreter running the tests."""
    assert importlib.util.find_spec("awscli") is not None, _cli_missing_message()
    return [sys.executable, "-m", "awscli"]


@pytest.fixture
def server() -> Iterator[ImageBuilderServer]:
    with ImageBuilderServer(host="127.0.0.1", port=0) as running:
        yield running


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """The environment of every command: the machine's, less anything ``AWS_*``, plus
    test credentials and Region; the config and credentials files are empty files."""
    empty = tmp_path / "empty-aws-config"
    empty.write_text("")
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
        AWS_SECRET_ACCESS_KEY="test-secret",
        AWS_DEFAULT_REGION=REGION,
        AWS_CONFIG_FILE=str(empty),
        AWS_SHARED_CREDENTIALS_FILE=str(empty),
        # One attempt: an error reaches the test at once, never after the CLI's back-off.
        AWS_MAX_ATTEMPTS="1",
        AWS_PAGER="",
        # Credentials come from the environment: never look for an instance's.
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


class Aws:
    """``aws imagebuilder <operation> ...`` against one server."""

    def __init__(self, cli: list[str], url: str, env: dict[str, str]) -> None:
        self.cli = cli
        self.url = url
        self.env = env

    def run(self, operation: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [
            *self.cli,
            "imagebuilder",
            operation,
            *args,
            "--endpoint-url",
            self.url,
            "--output",
            "json",
        ]
        return subprocess.run(
            command,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_SECONDS,
            check=False,
        )

    def __call__(self, operation: str, *args: str) -> Any:
        """Run a command that must succeed; its output, parsed."""
        done = self.run(operation, *args)
        assert done.returncode == 0, (operation, done.returncode, done.stderr)
        return json.loads(done.stdout) if done.stdout.strip() else None


@pytest.fixture
def aws(cli: list[str], server: ImageBuilderServer, cli_env: dict[str, str]) -> Aws:
    return Aws(cli, server.url, cli_env)


def _arn(kind: str, name: str, *version: str) -> str:
    return "/".join((f"arn:aws:imagebuilder:{REGION}:{DEFAULT_ACCOUNT_ID}:{kind}", name, *version))


def _component(aws: Aws, document: Path, name: str) -> str:
    created = aws(
        "create-component",
        "--name",
        name,
        "--semantic-version",
        "1.0.0",
        "--platform",
        "Linux",
        "--data",
        f"file://{document}",
    )
    arn: str = created["componentBuildVersionArn"]
    return arn


@pytest.fixture
def document(tmp_path: Path) -> Path:
    path = tmp_path / "component.yaml"
    path.write_text(COMPONENT_DOCUMENT)
    return path


# An AWS-managed component: the recipe's lifecycle does not depend on the component's.
MANAGED_COMPONENT = f"arn:aws:imagebuilder:{REGION}:aws:component/update-linux/x.x.x"


@dataclass(frozen=True)
class Kind:
    """One resource kind's commands, what its Create sends and what its Get returns."""

    noun: str  # "image-recipe": create-image-recipe, get-image-recipe, list-image-recipes...
    arn_key: str  # the ARN's member in the Create and Delete outputs ...
    name: str
    arn: str
    create_args: list[str]
    get_key: str
    list_args: list[str]
    expected: dict[str, Any]

    @property
    def arn_flag(self) -> str:
        """... and its option in the Get and Delete commands."""
        return "--" + re.sub(r"([A-Z])", lambda m: "-" + m.group(1).lower(), self.arn_key)


def _kinds(document: Path) -> list[Kind]:
    component_arn = _arn("component", "cli-hello", "1.0.0", "1")
    distributions = [
        {"region": REGION, "amiDistributionConfiguration": {"amiTags": {"team": "cli"}}},
        {"region": "us-east-1"},
    ]
    return [
        Kind(
            # The document comes from a file, as `file://` reads it; tags in shorthand.
            "component",
            "componentBuildVersionArn",
            "cli-hello",
            component_arn,
            [
                "--semantic-version",
                "1.0.0",
                "--platform",
                "Linux",
                "--data",
                f"file://{document}",
                "--tags",
                "team=cli",
            ],
            "component",
            ["--owner", "Self"],
            {
                "version": "1.0.0",
                "platform": "Linux",
                "data": COMPONENT_DOCUMENT,
                "tags": {"team": "cli"},
            },
        ),
        Kind(
            # A list of structures in the CLI's shorthand syntax.
            "image-recipe",
            "imageRecipeArn",
            "cli-web",
            _arn("image-recipe", "cli-web", "1.0.0"),
            [
                "--semantic-version",
                "1.0.0",
                "--parent-image",
                PARENT,
                "--components",
                f"componentArn={MANAGED_COMPONENT}",
            ],
            "imageRecipe",
            ["--owner", "Self"],
            {"parentImage": PARENT, "components": [{"componentArn": MANAGED_COMPONENT}]},
        ),
        Kind(
            # A list argument and a boolean flag.
            "infrastructure-configuration",
            "infrastructureConfigurationArn",
            "cli-builders",
            _arn("infrastructure-configuration", "cli-builders"),
            [
                "--instance-profile-name",
                "EC2InstanceProfileForImageBuilder",
                "--instance-types",
                "t3.micro",
                "m5.large",
                "--terminate-instance-on-failure",
            ],
            "infrastructureConfiguration",
            [],
            {"instanceTypes": ["t3.micro", "m5.large"], "terminateInstanceOnFailure": True},
        ),
        Kind(
            # A nested structure given as JSON.
            "distribution-configuration",
            "distributionConfigurationArn",
            "cli-everywhere",
            _arn("distribution-configuration", "cli-everywhere"),
            ["--distributions", json.dumps(distributions)],
            "distributionConfiguration",
            [],
            {"distributions": distributions},
        ),
    ]


def _lifecycle(aws: Aws, kind: Kind) -> None:
    """Create, get, list, delete: what each step prints, checked."""
    created = aws(f"create-{kind.noun}", "--name", kind.name, *kind.create_args)
    assert created[kind.arn_key] == kind.arn
    assert created["clientToken"]  # the CLI fills the idempotency token in
    got = aws(f"get-{kind.noun}", kind.arn_flag, kind.arn)[kind.get_key]
    assert (got["arn"], got["name"]) == (kind.arn, kind.name)
    assert {key: got[key] for key in kind.expected} == kind.expected
    plural = f"list-{kind.noun}s"
    listed = aws(plural, *kind.list_args)
    (items,) = (value for value in listed.values() if isinstance(value, list))
    assert [item["name"] for item in items] == [kind.name]
    assert aws(f"delete-{kind.noun}", kind.arn_flag, kind.arn)[kind.arn_key] == kind.arn


def test_cli_creates_gets_lists_and_deletes_each_kind(
    aws: Aws, document: Path, server: ImageBuilderServer
) -> None:
    kinds = _kinds(document)
    # The kinds do not depend on each other: their commands run side by side, which
    # shortens the run (each command starts a Python process).
    with ThreadPoolExecutor(max_workers=len(kinds)) as pool:
        for done in [pool.submit(_lifecycle, aws, kind) for kind in kinds]:
            done.result()

    # Every command reached the server's mock, in the account and Region of the
    # request, and the Deletes left nothing behind.
    assert server.controller.backend(region=REGION).resources == {}
    calls = server.controller.calls
    assert len(calls) == 4 * len(kinds)
    assert {(call.account_id, call.region, call.status) for call in calls} == {
        (DEFAULT_ACCOUNT_ID, REGION, 200)
    }
    assert {call.operation for call in calls} >= {
        "CreateComponent",
        "GetImageRecipe",
        "ListInfrastructureConfigurations",
        "DeleteDistributionConfiguration",
    }


def _decoded(token: str) -> dict[str, Any]:
    """The CLI's NextToken: base64 of JSON with the service's token and how many of
    the last page's items the CLI already printed."""
    decoded: dict[str, Any] = json.loads(base64.b64decode(token))
    return decoded


def test_cli_pages_with_max_items_and_starting_token(aws: Aws, document: Path) -> None:
    names = ["cli-page-a", "cli-page-b", "cli-page-c"]
    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        list(pool.map(lambda name: _component(aws, document, name), names))

    # One item a page, one page a request: the CLI's NextToken carries the service's.
    seen: list[str] = []
    tokens: list[dict[str, Any]] = []
    args = ["--owner", "Self", "--page-size", "1", "--max-items", "1"]
    out = aws("list-components", *args)
    while True:
        seen += [item["name"] for item in out["componentVersionList"]]
        if "NextToken" not in out:
            break
        tokens.append(_decoded(out["NextToken"]))
        out = aws("list-components", *args, "--starting-token", out["NextToken"])
    assert seen == names
    assert len(tokens) == 2
    assert all(isinstance(token["nextToken"], str) and token["nextToken"] for token in tokens)

    # Without --page-size the service answers all three at once; the CLI prints two
    # and keeps the place of the third in its own token.
    out = aws("list-components", "--owner", "Self", "--max-items", "2")
    assert [item["name"] for item in out["componentVersionList"]] == names[:2]
    assert _decoded(out["NextToken"]) == {"nextToken": None, "boto_truncate_amount": 2}
    rest = aws(
        "list-components",
        "--owner",
        "Self",
        "--max-items",
        "2",
        "--starting-token",
        out["NextToken"],
    )
    assert [item["name"] for item in rest["componentVersionList"]] == names[2:]
    assert "NextToken" not in rest


def _cli_has_image_available() -> bool:
    """Whether the CLI's own copy of the service model has the waiter (found without
    importing the CLI into the test process)."""
    spec = importlib.util.find_spec("awscli")
    assert spec is not None and spec.submodule_search_locations, _cli_missing_message()
    data = Path(next(iter(spec.submodule_search_locations))) / "botocore" / "data"
    for waiters in data.glob("imagebuilder/*/waiters-2.json*"):
        if "ImageAvailable" in waiters.read_bytes().decode("utf-8", "replace"):
            return True
    return False


@pytest.fixture
def waiter_aws(aws: Aws, tmp_path: Path) -> Aws:
    """``aws`` with ``wait image-available``. AWS CLI v1 carries its own copy of
    botocore's models, and the copy in awscli 1.46 predates the waiter; the CLI reads
    extra model files from ``AWS_DATA_PATH`` (what ``aws configure add-model`` is for),
    so the waiter's definition goes there when the CLI lacks it."""
    if _cli_has_image_available():
        return aws
    models = tmp_path / "models"
    folder = models / "imagebuilder" / str(MODEL.api_version)
    folder.mkdir(parents=True)
    (folder / "waiters-2.json").write_text(json.dumps(image_available_definition()))
    return Aws(aws.cli, aws.url, {**aws.env, "AWS_DATA_PATH": str(models)})


def _image_inputs(aws: Aws) -> list[str]:
    recipe = aws(
        "create-image-recipe",
        "--name",
        "cli-built",
        "--semantic-version",
        "1.0.0",
        "--parent-image",
        PARENT,
        "--components",
        f"componentArn={MANAGED_COMPONENT}",
    )["imageRecipeArn"]
    infrastructure = aws(
        "create-infrastructure-configuration",
        "--name",
        "cli-build-infra",
        "--instance-profile-name",
        "EC2InstanceProfileForImageBuilder",
    )["infrastructureConfigurationArn"]
    return ["--image-recipe-arn", recipe, "--infrastructure-configuration-arn", infrastructure]


def _polls(server: ImageBuilderServer, image: str) -> list[str]:
    """The statuses the server answered to GetImage of ``image``, in order."""
    return [
        call.response["image"]["state"]["status"]
        for call in server.controller.calls
        if call.operation == "GetImage"
        and call.params.get("imageBuildVersionArn") == image
        and call.response is not None
    ]


def test_cli_waits_for_an_image(waiter_aws: Aws, server: ImageBuilderServer) -> None:
    aws = waiter_aws
    build = _image_inputs(aws)

    # observe mode (the server's default): the waiter's poll runs the build to its
    # end, so its first answer is AVAILABLE and the CLI never sleeps its 60 s.
    image = aws("create-image", *build)["imageBuildVersionArn"]
    record = server.controller.backend(region=REGION).find(image)
    assert record is not None and getattr(record, "status", None) == "PENDING"
    started = time.monotonic()
    waited = aws.run("wait", "image-available", "--image-build-version-arn", image)
    assert (waited.returncode, waited.stdout, waited.stderr) == (0, "", "")
    assert time.monotonic() - started < COMMAND_TIMEOUT_SECONDS / 2
    assert _polls(server, image) == ["AVAILABLE"]

    # A build that fails: the waiter stops on the failure state, with the CLI's
    # non-zero exit and the waiter's message.
    server.controller.fail_build(at="BUILDING", reason="Component update-linux failed.")
    failing = aws("create-image", *build)["imageBuildVersionArn"]
    waited = aws.run("wait", "image-available", "--image-build-version-arn", failing)
    assert waited.returncode == SERVICE_ERROR_EXIT
    assert waited.stdout == ""
    assert waited.stderr.strip() == (
        "Waiter ImageAvailable failed: Waiter encountered a terminal failure state: "
        'For expression "image.state.status" we matched expected path: "FAILED"'
    )
    image_out = aws("get-image", "--image-build-version-arn", failing)["image"]
    assert image_out["state"] == {"status": "FAILED", "reason": "Component update-linux failed."}
    assert _polls(server, failing) == ["FAILED", "FAILED"]


def test_cli_exits_non_zero_with_the_service_error(aws: Aws, document: Path) -> None:
    missing = _arn("component", "cli-missing", "1.0.0", "1")
    done = aws.run("get-component", "--component-build-version-arn", missing)
    assert done.returncode == SERVICE_ERROR_EXIT
    assert done.stdout == ""
    assert done.stderr.strip() == (
        "An error occurred (ResourceNotFoundException) when calling the GetComponent "
        f"operation: The resource ARN '{missing}' does not exist."
    )

    # A value the service refuses (the CLI checks only the model's types and
    # required members): the server's validation error, and nothing made.
    done = aws.run(
        "create-component",
        "--name",
        "cli-bad",
        "--semantic-version",
        "1.0",
        "--platform",
        "Linux",
        "--data",
        f"file://{document}",
    )
    assert done.returncode == SERVICE_ERROR_EXIT
    request = MODEL.operation_model("CreateComponent").input_shape
    assert request is not None
    pattern = request.members["semanticVersion"].metadata["pattern"]
    assert done.stderr.strip() == (
        "An error occurred (InvalidParameterValueException) when calling the CreateComponent "
        "operation: The value supplied for parameter 'semanticVersion' is not valid. "
        f"'semanticVersion' must match pattern {pattern}"
    )
    assert aws("list-components", "--owner", "Self")["componentVersionList"] == []
