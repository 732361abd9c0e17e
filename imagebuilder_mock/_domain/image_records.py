"""The image record: what a build, an import or an AWS base image is.

An image is named after its recipe (``image/<recipe>/<X.Y.Z>/<N>``) and keeps
copies of the recipe and configurations as they were when the build started,
so later edits to them never rewrite history.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from dataclasses import dataclass, field
from typing import Any

from .._model import member_pattern
from .backend import Backend
from .progression import (
    LIFECYCLE_STATUSES,
    TERMINAL,
    BuildFault,
)
from .resources import Bag
from .versioned import Versioned

__all__ = [
    "AmiTarget",
    "Image",
    "created",
    "os_version_from_name",
    "transition",
]

_OS_VERSIONS = (
    ("amazon-linux-2023", "Amazon Linux 2023"),
    ("amazon-linux-2", "Amazon Linux 2"),
    ("ubuntu-server-24", "Ubuntu 24"),
    ("ubuntu-server-22", "Ubuntu 22"),
    ("ubuntu-server-20", "Ubuntu 20"),
    ("windows-server-2025", "Microsoft Windows Server 2025"),
    ("windows-server-2022", "Microsoft Windows Server 2022"),
    ("windows-server-2019", "Microsoft Windows Server 2019"),
    ("windows-server-2016", "Microsoft Windows Server 2016"),
    ("macos", "macOS"),
)


def os_version_from_name(name: str, platform: str) -> str:
    """The operating system an AWS image name speaks of, or the platform's name."""
    lowered = name.lower()
    for prefix, os_version in _OS_VERSIONS:
        if lowered.startswith(prefix) or prefix in lowered:
            return os_version
    return {"Windows": "Microsoft Windows Server 2022", "macOS": "macOS"}.get(
        platform, "Amazon Linux 2023"
    )


@functools.cache
def _version_shows_build() -> bool:
    """Whether image ``version`` members carry the build number (``1.0.0/2``).

    The service has always answered so; botocore models before 1.44 declared
    the member as plain ``X.Y.Z``, and the installed model is the contract.
    """
    pattern = str(member_pattern("Image", "version"))
    return "/" in pattern


def _image_version(image: Image) -> str:
    if _version_shows_build():
        return f"{image.version}/{image.build}"
    return str(image.version)


@dataclass(frozen=True)
class AmiTarget:
    """One AMI a build leaves: where, for whom, and how it is named and tagged."""

    region: str
    account: str
    name: str | None
    description: str | None
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(eq=False)
class Image(Versioned):
    kind = "Image"

    image_type: str = "AMI"
    platform: str = "Linux"
    os_version: str | None = None
    status: str = "PENDING"
    reason: str | None = None
    # The statuses this image goes through, in order, and when it entered its current one.
    path: tuple[str, ...] = ()
    entered_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    fault: BuildFault | None = None
    # Set while a workflow step waits for SendWorkflowStepAction.
    held_by: str | None = None
    # Where a failed or cancelled build stopped, so RetryImage resumes there.
    stopped_at: str | None = None
    retried: bool = False
    build_type: str = "USER_INITIATED"
    image_source: str = "CUSTOM"
    recipe_arn: str | None = None
    pipeline_arn: str | None = None
    # Members stored as given or copied at build time (recipe, configurations, ...).
    details: dict[str, Any] = field(default_factory=dict)
    output_resources: dict[str, Any] = field(default_factory=dict)
    deprecation_time: dt.datetime | None = None
    lifecycle_execution_id: str | None = None
    # Planned AMI copies, one per distribution region and target account.
    ami_targets: list[AmiTarget] = field(default_factory=list)
    container_targets: list[tuple[str, str]] = field(default_factory=list)
    # Inspection of the build for ListImagePackages.
    packages: list[dict[str, str]] = field(default_factory=list)

    @property
    def state(self) -> dict[str, Any]:
        state: dict[str, Any] = {"status": self.status}
        if self.reason:
            state["reason"] = self.reason
        return state

    # Members stored as given at build time, then those the record keeps itself.
    layers = (
        *Versioned.layers,
        Bag("details"),
        {
            "type": operator.attrgetter("image_type"),
            "version": _image_version,
            "platform": operator.attrgetter("platform"),
            "osVersion": operator.attrgetter("os_version"),
            "state": operator.attrgetter("state"),
            "outputResources": operator.attrgetter("output_resources"),
            "buildType": operator.attrgetter("build_type"),
            "imageSource": operator.attrgetter("image_source"),
            "deprecationTime": operator.attrgetter("deprecation_time"),
            "lifecycleExecutionId": operator.attrgetter("lifecycle_execution_id"),
        },
    )

    @property
    def is_finished(self) -> bool:
        return self.status in TERMINAL or self.status in LIFECYCLE_STATUSES


# -- the one writer of image state -----------------------------------------------------


def created(backend: Backend, image: Image) -> None:
    """Store a new image and tell the observers it entered its first status."""
    backend.add(image)
    _tell(backend, image, "", image.status)


def transition(
    backend: Backend,
    image: Image,
    status: str,
    reason: str | None = None,
    *,
    at: dt.datetime | None = None,
) -> None:
    """Move an image to ``status``: the only place an image's state is written.

    Builds, controller verbs and lifecycle actions all come here, so every
    change stamps the time it was entered, keeps the deprecation time in step
    with the status, and reaches the observers the composition root declared,
    in its order.
    """
    old = image.status
    moment = at or backend.now()
    image.status = status
    image.reason = reason
    image.entered_at = moment
    if status == "DEPRECATED":
        image.deprecation_time = moment
    elif status == "AVAILABLE":
        # Restored (or never deprecated): no deprecation time stays behind.
        image.deprecation_time = None
    _tell(backend, image, old, status)


def _tell(backend: Backend, image: Image, old: str, new: str) -> None:
    for observe in backend.wiring.observers:
        observe(backend, image, old, new)
