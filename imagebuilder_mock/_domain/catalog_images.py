"""The AWS-managed base images every region offers (``owner=Amazon``).

Recipes name them as ``parentImage`` (usually by wildcard ARN, e.g.
``…:aws:image/amazon-linux-2023-x86/x.x.x``). Each has several versions and
builds, so wildcard resolution has something to choose between.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from .arns import slug
from .backend import Backend
from .image_records import Image, os_version_from_name
from .progression import build_path
from .versioned import located
from .versions import SemanticVersion, parse_version

__all__ = ["BASE_IMAGES", "add_managed_image", "seed_base_images"]

# (name, platform, os version, versions with their number of builds)
BASE_IMAGES: tuple[tuple[str, str, str, tuple[tuple[str, int], ...]], ...] = (
    ("Amazon Linux 2 x86", "Linux", "Amazon Linux 2", (("2025.9.2", 1), ("2025.10.1", 2))),
    ("Amazon Linux 2 ARM64", "Linux", "Amazon Linux 2", (("2025.9.2", 1), ("2025.10.1", 1))),
    ("Amazon Linux 2023 x86", "Linux", "Amazon Linux 2023", (("2025.9.1", 1), ("2025.10.3", 2))),
    ("Amazon Linux 2023 ARM64", "Linux", "Amazon Linux 2023", (("2025.9.1", 1), ("2025.10.3", 1))),
    ("Ubuntu Server 22 LTS x86", "Linux", "Ubuntu 22", (("2025.9.8", 1), ("2025.10.4", 1))),
    ("Ubuntu Server 24 LTS x86", "Linux", "Ubuntu 24", (("2025.9.8", 1), ("2025.10.4", 2))),
    ("Ubuntu Server 24 LTS ARM64", "Linux", "Ubuntu 24", (("2025.10.4", 1),)),
    (
        "Windows Server 2016 English Full Base x86",
        "Windows",
        "Microsoft Windows Server 2016",
        (("2025.9.10", 1), ("2025.10.15", 1)),
    ),
    (
        "Windows Server 2019 English Full Base x86",
        "Windows",
        "Microsoft Windows Server 2019",
        (("2025.9.10", 1), ("2025.10.15", 2)),
    ),
    (
        "Windows Server 2022 English Full Base x86",
        "Windows",
        "Microsoft Windows Server 2022",
        (("2025.9.10", 1), ("2025.10.15", 2)),
    ),
)

_PUBLISHED = dt.datetime(2025, 10, 20, 8, 0, tzinfo=dt.timezone.utc)


def _ami(region: str, arn: str) -> str:
    # Stable per region and build, so repeated runs see the same AMI ids.
    return "ami-" + hashlib.sha256(f"{region}:{arn}".encode()).hexdigest()[:17]


def _base_image(
    backend: Backend,
    name: str,
    version: SemanticVersion,
    build: int,
    platform: str,
    os_version: str,
    created: dt.datetime,
) -> Image:
    place = located(backend, "image", name, version, build, owner="Amazon", date_created=created)
    arn = place["arn"]
    return Image(
        **place,
        platform=platform,
        os_version=os_version,
        status="AVAILABLE",
        path=build_path(tests=False),
        entered_at=created,
        build_type="SCHEDULED",
        image_source="AMAZON_MANAGED",
        details={"enhancedImageMetadataEnabled": True},
        output_resources={
            "amis": [
                {
                    "region": backend.region,
                    "image": _ami(backend.region, arn),
                    "name": f"{name} {version}",
                    "description": f"{name} base image",
                    "state": {"status": "AVAILABLE"},
                    "accountId": "aws",
                }
            ]
        },
    )


def seed_base_images(backend: Backend) -> None:
    """Add the base images to an ``aws`` backend."""
    for name, platform, os_version, versions in BASE_IMAGES:
        for age, (text, builds) in enumerate(reversed(versions)):
            version = parse_version(text)
            for build in range(1, builds + 1):
                created = _PUBLISHED - dt.timedelta(days=30 * age, hours=builds - build)
                backend.add(
                    _base_image(backend, name, version, build, platform, os_version, created)
                )


def add_managed_image(
    backend: Backend,
    name: str,
    version: str,
    *,
    platform: str = "Linux",
    os_version: str | None = None,
    build: int | None = None,
) -> Image:
    """Publish a base image under ``aws`` in the backend's region (for tests).

    ``backend`` is any backend of the region. ``build`` defaults to the next one.
    """
    home = backend.registry.get("aws", backend.region)
    semantic = parse_version(version, "version")
    version_arn = home.arn("image", slug(name), str(semantic))
    same_name = [i for i in home.of_kind(Image) if i.name_slug == slug(name)]
    taken = [i.build or 0 for i in same_name if i.version_arn == version_arn]
    number = build if build is not None else max(taken, default=0) + 1
    # Later builds of a published image keep the operating system it was published with.
    known = next((i.os_version for i in same_name if i.os_version), None)
    image = _base_image(
        home,
        name,
        semantic,
        number,
        platform,
        os_version or known or os_version_from_name(slug(name), platform),
        home.now(),
    )
    home.add(image)
    return image
