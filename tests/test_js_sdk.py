"""The AWS SDK for JavaScript v3 (``@aws-sdk/client-imagebuilder``) against ``ImageBuilderServer``.

tests/js/ pins the SDK with its package-lock.json; the session installs it once
with ``npm ci`` (from the npm registry, into the git-ignored tests/js/node_modules)
unless the locked release is installed there already, and runs
``node tests/js/script.mjs <endpoint>``, which prints what the SDK returned as JSON.
Node.js 20 or later and npm must be on PATH: without them the test fails and says so.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from imagebuilder_mock import DEFAULT_ACCOUNT_ID
from imagebuilder_mock.server import ImageBuilderServer

JS = Path(__file__).parent / "js"
SDK = "@aws-sdk/client-imagebuilder"
REGION = "eu-west-1"
MINIMUM_NODE_MAJOR = 20
NPM_CI_TIMEOUT_SECONDS = 300
SCRIPT_TIMEOUT_SECONDS = 60


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"{name} is not on PATH: the JavaScript SDK tests need Node.js "
            f"{MINIMUM_NODE_MAJOR} or later and npm (Debian: apt-get install nodejs npm); "
            "they fail rather than skip so that a machine without them is noticed",
            pytrace=False,
        )
    return path


def _locked_sdk_version() -> str:
    lock = json.loads((JS / "package-lock.json").read_text())
    version: str = lock["packages"][f"node_modules/{SDK}"]["version"]
    return version


def _installed_sdk_version() -> str | None:
    manifest = JS / "node_modules" / SDK / "package.json"
    if not manifest.is_file():
        return None
    version: str = json.loads(manifest.read_text())["version"]
    return version


@pytest.fixture(scope="session")
def node() -> str:
    """node, with the locked SDK installed in tests/js/node_modules (``npm ci`` at most
    once a session, and not at all when .ci/run or an earlier session installed it)."""
    node = _tool("node")
    version = subprocess.run(
        [node, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    major = int(version.lstrip("v").split(".")[0])
    assert major >= MINIMUM_NODE_MAJOR, (
        f"node {version} is too old: the SDK needs Node.js {MINIMUM_NODE_MAJOR} or later"
    )
    if _installed_sdk_version() != _locked_sdk_version():
        installed = subprocess.run(
            [_tool("npm"), "ci", "--no-audit", "--no-fund"],
            cwd=JS,
            capture_output=True,
            text=True,
            timeout=NPM_CI_TIMEOUT_SECONDS,
            check=False,
        )
        assert installed.returncode == 0, f"npm ci in {JS} failed:\n{installed.stderr}"
    assert _installed_sdk_version() == _locked_sdk_version()
    return node


@pytest.fixture
def server() -> Iterator[ImageBuilderServer]:
    with ImageBuilderServer(host="127.0.0.1", port=0) as running:
        yield running


def _run_script(node: str, url: str, prefix: str) -> dict[str, Any]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(
        AWS_REGION=REGION,
        AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
        AWS_SECRET_ACCESS_KEY="test-secret",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )
    done = subprocess.run(
        [node, "script.mjs", url, prefix],
        cwd=JS,
        env=env,
        capture_output=True,
        text=True,
        timeout=SCRIPT_TIMEOUT_SECONDS,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _arn(kind: str, *path: str) -> str:
    return "/".join((f"arn:aws:imagebuilder:{REGION}:{DEFAULT_ACCOUNT_ID}:{kind}", *path))


def test_js_sdk_creates_reads_pages_and_catches_not_found(
    node: str, server: ImageBuilderServer
) -> None:
    out = _run_script(node, server.url, "js")

    # Region from the SDK's signature, account from its access key.
    names = [f"js-component-{n}" for n in (1, 2, 3)]
    components = [_arn("component", name, "1.0.0", "1") for name in names]
    assert out["region"] == REGION
    assert out["createdComponents"] == components

    component = out["component"]
    assert component["arn"] == components[0]
    assert (component["name"], component["version"]) == ("js-component-1", "1.0.0")
    assert (component["platform"], component["type"]) == ("Linux", "BUILD")
    assert component["description"] == "made by the JavaScript SDK (js-component-1)"
    assert component["data"].startswith("schemaVersion: 1.0\nphases:\n")
    assert component["tags"] == {"client": "js"}
    assert component["dateCreated"].endswith("Z")

    assert out["recipe"] == {
        "arn": _arn("image-recipe", "js-recipe", "1.0.0"),
        "name": "js-recipe",
        "version": "1.0.0",
        "parentImage": f"arn:aws:imagebuilder:{REGION}:aws:image/amazon-linux-2023-x86/x.x.x",
        "components": [components[0]],
    }

    # paginateListComponents with pageSize 1: three pages, a token on all but the last.
    assert [page["names"] for page in out["pages"]] == [[name] for name in names]
    tokens = [page["nextToken"] for page in out["pages"]]
    assert all(isinstance(token, str) and token for token in tokens[:2])
    assert tokens[2] is None
    lists = [call for call in server.controller.calls if call.operation == "ListComponents"]
    assert [call.params.get("maxResults") for call in lists] == [1, 1, 1]
    assert [call.params.get("nextToken") for call in lists] == [None, *tokens[:2]]

    # The error document became the SDK's modeled class.
    missing = out["missing"]
    assert missing == {
        "instanceOfResourceNotFound": True,
        "instanceOfServiceException": True,
        "name": "ResourceNotFoundException",
        "message": f"The resource ARN '{missing['arn']}' does not exist.",
        "httpStatusCode": 404,
        "fault": "client",
        "arn": _arn("component", "no-such-component", "1.0.0", "1"),
    }

    # Every request reached the server's mock in the account and Region of its signature.
    assert {(c.account_id, c.region) for c in server.controller.calls} == {
        (DEFAULT_ACCOUNT_ID, REGION)
    }
