"""The AWS-managed catalog: components and workflows published under account ``aws``.

Every region's ``aws`` backend starts with the components AWS documentation and
examples use most (update-linux, update-windows, aws-cli-version-2-*, reboot-*,
simple-boot-test-*, hello-world-linux) and the default workflows (build-image,
test-image, distribute-image). They report ``owner: "Amazon"`` and are listed
with ``owner="Amazon"``. Their documents and attributes are package data,
read by :mod:`.catalog_documents` when the first ``aws`` backend is seeded.

No catalog can hold everything AWS publishes, so a well-formed reference to an
``aws`` component that is not here is accepted as existing, with attributes
derived from its name (:func:`aws_component`, which lives with the components
because finding a component needs it).

Tests add their own entries with :func:`add_managed_component` and
:func:`add_managed_workflow`; the entries live as long as the mock's state.
:func:`seed` fills a new ``aws`` backend; the composition root registers it.
"""

from __future__ import annotations

import datetime as dt

from .arns import slug
from .backend import Backend
from .catalog_documents import (
    AWS_ACCOUNT,
    CATALOG_EPOCH,
    catalog_components,
    catalog_workflows,
    default_workflow_data,
    derived_component_data,
)
from .components import Component, aws_component, managed_component
from .versions import SemanticVersion, parse_version
from .workflows import Workflow, workflow_from_fields, workflow_resource_type

__all__ = [
    "AWS_ACCOUNT",
    "add_managed_component",
    "add_managed_workflow",
    "aws_component",
    "seed",
]


def _split(build: str) -> tuple[SemanticVersion, int]:
    version, number = build.split("/")
    return parse_version(version), int(number)


def _aws_backend(backend: Backend) -> Backend:
    if backend.account_id == AWS_ACCOUNT:
        return backend
    return backend.registry.get(AWS_ACCOUNT, backend.region)


def _release_date(index: int) -> dt.datetime:
    return CATALOG_EPOCH + dt.timedelta(days=45 * index)


def seed(backend: Backend) -> None:
    """Fill a region's ``aws`` backend with the catalog."""
    for entry in catalog_components():
        for index, build in enumerate(entry.builds):
            version, number = _split(build)
            backend.add(
                managed_component(
                    backend,
                    entry.name,
                    entry.data,
                    entry.platform,
                    version,
                    number,
                    _release_date(index),
                    supported_os_versions=list(entry.supported_os_versions),
                    description=entry.description,
                )
            )
    for entry in catalog_workflows():
        for index, build in enumerate(entry.builds):
            version, number = _split(build)
            backend.add(
                workflow_from_fields(
                    backend,
                    name=entry.name,
                    version=version,
                    build=number,
                    account=AWS_ACCOUNT,
                    workflow_type=entry.workflow_type or "BUILD",
                    data=entry.data,
                    date_created=_release_date(index),
                    description=entry.description,
                )
            )


def _next_free_build(
    home: Backend, kind: type[Component] | type[Workflow], version_arn: str
) -> int:
    # Catalog builds are stored with fixed numbers, so count from what is there.
    builds = [r.build or 0 for r in home.of_kind(kind) if r.version_arn == version_arn]
    return max(builds, default=0) + 1


def add_managed_component(
    backend: Backend,
    name: str,
    version: str,
    *,
    platform: str = "Linux",
    data: str | None = None,
    build: int | None = None,
    supported_os_versions: list[str] | None = None,
    description: str | None = None,
    change_description: str | None = None,
    status: str = "ACTIVE",
) -> Component:
    """Publish a component under ``aws`` in the backend's region (for tests).

    ``backend`` is any backend of the region; the entry goes to that region's
    ``aws`` backend and lives until the mock's state is reset. ``data`` is a
    component document (validated as CreateComponent validates it); without
    it the component runs one shell step. ``build`` defaults to the next build
    of that version.
    """
    home = _aws_backend(backend)
    semantic = parse_version(version, "version")
    data = data or derived_component_data(slug(name), platform, "BUILD")
    version_arn = home.arn("component", slug(name), str(semantic))
    number = build if build is not None else _next_free_build(home, Component, version_arn)
    component = managed_component(
        home,
        name,
        data,
        platform,
        semantic,
        number,
        home.now(),
        supported_os_versions=list(supported_os_versions or []),
        description=description,
        change_description=change_description,
        status=status,
    )
    home.add(component)
    return component


def add_managed_workflow(
    backend: Backend,
    name: str,
    version: str,
    workflow_type: str = "BUILD",
    *,
    data: str | None = None,
    build: int | None = None,
    description: str | None = None,
) -> Workflow:
    """Publish a workflow under ``aws`` in the backend's region (for tests).

    Without ``data`` the workflow runs the default steps of its stage.
    """
    home = _aws_backend(backend)
    semantic = parse_version(version, "version")
    version_arn = home.arn(workflow_resource_type(workflow_type), slug(name), str(semantic))
    number = build if build is not None else _next_free_build(home, Workflow, version_arn)
    workflow = workflow_from_fields(
        home,
        name=name,
        version=semantic,
        build=number,
        account=AWS_ACCOUNT,
        workflow_type=workflow_type,
        data=data or default_workflow_data(workflow_type),
        date_created=home.now(),
        description=description,
    )
    home.add(workflow)
    return workflow
