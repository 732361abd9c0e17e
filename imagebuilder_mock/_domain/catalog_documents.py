"""The documents of the AWS-managed catalog, read from the package's data files.

``catalog_data/index.json`` lists what account ``aws`` publishes: each
component and workflow with its document, platform, builds, supported OS
versions and description, and which workflow is the default of each stage.
Each document is a YAML file beside it (``components/<name>.yaml``,
``workflows/<name>.yaml``), kept exactly as GetComponent and GetWorkflow
return it, so its content hash never changes.

The files are read on first use and kept for the life of the process, never
at import: a process that never looks at the ``aws`` catalog never reads them.

This module imports no resource family: components, workflows and the catalog
all read from it, and it reads nothing back from them.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import textwrap
from dataclasses import dataclass
from importlib import resources
from typing import Any

__all__ = [
    "AWS_ACCOUNT",
    "CATALOG_EPOCH",
    "CatalogEntry",
    "catalog_components",
    "catalog_workflows",
    "default_workflow_data",
    "derived_component_data",
]

AWS_ACCOUNT = "aws"
# Catalog entries carry fixed dates so that every run shows the same history.
CATALOG_EPOCH = dt.datetime(2023, 1, 16, 18, 0, tzinfo=dt.timezone.utc)

_PACKAGE = __name__.rpartition(".")[0]
_DATA = "catalog_data"


@dataclass(frozen=True)
class CatalogEntry:
    """One published name: its document and the builds AWS released (``X.Y.Z/N``)."""

    name: str
    data: str
    builds: tuple[str, ...]
    platform: str = "Linux"
    workflow_type: str | None = None
    supported_os_versions: tuple[str, ...] = ()
    description: str | None = None


@functools.cache
def _read(relative: str) -> str:
    """A data file's text; ``relative`` is a ``/``-separated path under ``catalog_data``."""
    node = resources.files(_PACKAGE) / _DATA
    for part in relative.split("/"):
        node = node / part
    # Text mode: a checkout that turned the line ends into CRLF still gives the
    # published bytes (LF), which the content hashes are computed from.
    return node.read_text(encoding="utf-8")


@functools.cache
def _index() -> dict[str, Any]:
    index: dict[str, Any] = json.loads(_read("index.json"))
    return index


@functools.cache
def catalog_components() -> tuple[CatalogEntry, ...]:
    """Every component the ``aws`` account publishes, in the index's order."""
    index = _index()
    os_versions = index["osVersions"]
    return tuple(
        CatalogEntry(
            name=entry["name"],
            data=_read(entry["document"]),
            builds=tuple(entry["builds"]),
            platform=entry["platform"],
            supported_os_versions=tuple(os_versions[entry["supportedOsVersions"]]),
            description=entry.get("description"),
        )
        for entry in index["components"]
    )


@functools.cache
def catalog_workflows() -> tuple[CatalogEntry, ...]:
    """Every workflow the ``aws`` account publishes, in the index's order."""
    return tuple(
        CatalogEntry(
            name=entry["name"],
            data=_read(entry["document"]),
            builds=tuple(entry["builds"]),
            workflow_type=entry["type"],
            description=entry.get("description"),
        )
        for entry in _index()["workflows"]
    )


def default_workflow_data(workflow_type: str) -> str:
    """The document of AWS's default workflow for a stage (BUILD, TEST, DISTRIBUTION).

    build-image runs the seven steps every image build reports; test-image
    launches, scans, tests and terminates; distribute-image distributes.
    """
    index = _index()
    name = index["defaultWorkflows"][workflow_type]
    document = next(e["document"] for e in index["workflows"] if e["name"] == name)
    return _read(document)


def derived_component_data(name: str, platform: str, component_type: str) -> str:
    """The document of an ``aws`` component the catalog lacks: one shell step that
    echoes its name, in the test phase for a TEST component, else in build."""
    phase = "test" if component_type == "TEST" else "build"
    action = "ExecutePowerShell" if platform == "Windows" else "ExecuteBash"
    return textwrap.dedent(
        f"""
        name: {name}
        description: AWS-managed component {name} (imagebuilder-mock derived it from its name).
        schemaVersion: 1.0
        phases:
          - name: {phase}
            steps:
              - name: Run
                action: {action}
                inputs:
                  commands:
                    - echo {name}
        """
    ).lstrip()
