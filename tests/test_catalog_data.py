"""The AWS-managed catalog as package data: the index and documents ship with the
package, are read on first use only, and each one is what the service returns."""

from __future__ import annotations

import fnmatch
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

import imagebuilder_mock

if sys.version_info >= (3, 11):
    import tomllib
else:  # pytest itself depends on tomli before 3.11
    import tomli as tomllib

PACKAGE = "imagebuilder_mock"
ROOT = Path(imagebuilder_mock.__file__).parent
# The checkout the tests run from; the package itself may be installed elsewhere.
PROJECT = Path(__file__).resolve().parent.parent
DATA = resources.files(f"{PACKAGE}._domain") / "catalog_data"
AWS = "arn:aws:imagebuilder:us-east-1:aws"


def _read(relative: str) -> str:
    node = DATA
    for part in relative.split("/"):
        node = node / part
    return node.read_text(encoding="utf-8")


INDEX: dict[str, Any] = json.loads(_read("index.json"))
COMPONENTS: list[dict[str, Any]] = INDEX["components"]
WORKFLOWS: list[dict[str, Any]] = INDEX["workflows"]


def _builds(entries: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str]]:
    return [(entry, build) for entry in entries for build in entry["builds"]]


def _data_files(package: Path = ROOT) -> list[str]:
    base = package / "_domain" / "catalog_data"
    return sorted(p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file())


# -- the data files ------------------------------------------------------------------


def test_every_data_file_is_in_the_index_and_every_indexed_document_exists() -> None:
    indexed = {e["document"] for e in COMPONENTS + WORKFLOWS}
    assert sorted(indexed | {"index.json"}) == _data_files()
    assert len(COMPONENTS) == 9
    assert len(WORKFLOWS) == 3


@pytest.mark.parametrize("entry", COMPONENTS + WORKFLOWS, ids=lambda e: e["name"])
def test_every_document_loads_and_parses(entry: dict[str, Any]) -> None:
    document = yaml.safe_load(_read(entry["document"]))
    assert document["name"] == entry["name"]
    assert document["schemaVersion"] == 1.0
    assert ("phases" in document) == (entry in COMPONENTS)
    assert ("steps" in document) == (entry in WORKFLOWS)


def test_the_index_names_known_os_version_sets_and_one_default_per_stage() -> None:
    assert {e["supportedOsVersions"] for e in COMPONENTS} <= set(INDEX["osVersions"])
    by_name = {w["name"]: w for w in WORKFLOWS}
    assert {stage: by_name[name]["type"] for stage, name in INDEX["defaultWorkflows"].items()} == {
        "BUILD": "BUILD",
        "TEST": "TEST",
        "DISTRIBUTION": "DISTRIBUTION",
    }


def test_the_project_ships_every_data_file_as_package_data() -> None:
    config = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"][PACKAGE]
    prefix = "_domain/catalog_data/"
    source = _data_files(PROJECT / PACKAGE)
    unshipped = [f for f in source if not any(fnmatch.fnmatch(prefix + f, p) for p in patterns)]
    assert unshipped == []
    # Where the package is installed rather than used from the checkout, it holds them all.
    assert _data_files() == source


# -- each document through the public API --------------------------------------------


@pytest.mark.parametrize(
    ("entry", "build"), _builds(COMPONENTS), ids=lambda v: v if isinstance(v, str) else v["name"]
)
def test_every_catalog_component_build_returns_its_document(
    imagebuilder_client: Any, entry: dict[str, Any], build: str
) -> None:
    arn = f"{AWS}:component/{entry['name']}/{build}"
    got = imagebuilder_client.get_component(componentBuildVersionArn=arn)["component"]
    assert got["arn"] == arn
    assert got["data"] == _read(entry["document"])
    assert (got["owner"], got["platform"], got["description"]) == (
        "Amazon",
        entry["platform"],
        entry["description"],
    )
    assert got["supportedOsVersions"] == INDEX["osVersions"][entry["supportedOsVersions"]]


@pytest.mark.parametrize("entry", COMPONENTS, ids=lambda e: e["name"])
def test_every_catalog_component_document_is_a_valid_component_document(
    imagebuilder_client: Any, entry: dict[str, Any]
) -> None:
    # CreateComponent validates a document as the service does: the published ones pass.
    data = _read(entry["document"])
    arn = imagebuilder_client.create_component(
        name=entry["name"], semanticVersion="1.0.0", platform=entry["platform"], data=data
    )["componentBuildVersionArn"]
    mine = imagebuilder_client.get_component(componentBuildVersionArn=arn)["component"]
    amazon = imagebuilder_client.get_component(
        componentBuildVersionArn=f"{AWS}:component/{entry['name']}/x.x.x"
    )["component"]
    assert mine["data"] == data
    assert (mine["type"], mine.get("parameters")) == (amazon["type"], amazon.get("parameters"))


@pytest.mark.parametrize(
    ("entry", "build"), _builds(WORKFLOWS), ids=lambda v: v if isinstance(v, str) else v["name"]
)
def test_every_catalog_workflow_build_returns_its_document(
    imagebuilder_client: Any, entry: dict[str, Any], build: str
) -> None:
    arn = f"{AWS}:workflow/{entry['type'].lower()}/{entry['name']}/{build}"
    got = imagebuilder_client.get_workflow(workflowBuildVersionArn=arn)["workflow"]
    assert got["arn"] == arn
    assert got["data"] == _read(entry["document"])
    assert (got["owner"], got["type"], got["description"]) == (
        "Amazon",
        entry["type"],
        entry["description"],
    )


@pytest.mark.parametrize("entry", WORKFLOWS, ids=lambda e: e["name"])
def test_every_catalog_workflow_document_is_a_valid_workflow_document(
    imagebuilder_client: Any, entry: dict[str, Any]
) -> None:
    data = _read(entry["document"])
    arn = imagebuilder_client.create_workflow(
        name=entry["name"], semanticVersion="1.0.0", type=entry["type"], data=data
    )["workflowBuildVersionArn"]
    assert imagebuilder_client.get_workflow(workflowBuildVersionArn=arn)["workflow"]["data"] == data


@pytest.mark.parametrize("stage", ["BUILD", "TEST", "DISTRIBUTION"])
def test_a_workflow_from_s3_runs_the_default_document_of_its_stage(
    imagebuilder_client: Any, stage: str
) -> None:
    arn = imagebuilder_client.create_workflow(
        name="from-s3", semanticVersion="1.0.0", type=stage, uri="s3://my-bucket/workflow.yaml"
    )["workflowBuildVersionArn"]
    default = next(w for w in WORKFLOWS if w["name"] == INDEX["defaultWorkflows"][stage])
    got = imagebuilder_client.get_workflow(workflowBuildVersionArn=arn)["workflow"]
    assert got["data"] == _read(default["document"])


# -- read on first use -----------------------------------------------------------------


def test_importing_the_package_reads_no_catalog_data_and_the_first_seed_does() -> None:
    # A fresh interpreter: this test process has read the catalog long ago. The
    # audit hook sees every file the interpreter opens.
    probe = (
        "import sys\n"
        "opened = []\n"
        "def watch(event, args):\n"
        "    if event == 'open' and 'catalog_data' in str(args[0]):\n"
        "        opened.append(str(args[0]))\n"
        "sys.addaudithook(watch)\n"
        "import boto3, imagebuilder_mock\n"
        "print(len(opened))\n"
        "with imagebuilder_mock.mock_imagebuilder():\n"
        "    c = boto3.client('imagebuilder', region_name='us-east-1')\n"
        "    c.list_components(owner='Self')\n"
        "    print(len(opened))\n"
        "    c.list_components(owner='Amazon')\n"
        "    print(len(opened))\n"
        "    boto3.client('imagebuilder', region_name='eu-west-1').list_workflows(owner='Amazon')\n"
        "    print(len(opened))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    # Nothing at import, nothing for the caller's own resources, every file once
    # at the first seed, and nothing again for the next region.
    files = str(len(_data_files()))
    assert done.stdout.split() == ["0", "0", files, files]
