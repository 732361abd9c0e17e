"""The AWS-managed base images every region offers (``owner=Amazon``).

Recipes name them as ``parentImage`` (usually by wildcard ARN, e.g.
``…:aws:image/amazon-linux-2023-x86/x.x.x``). Each has several versions and
builds, so wildcard resolution has something to choose between.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from .arns import slug
from .backend import Backend, add_seeder
from .images import Image
from .progression import build_path
from .versions import SemanticVersion

__all__ = ["BASE_IMAGES", "seed_base_images"]

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


def seed_base_images(backend: Backend) -> None:
    """Add the base images to an ``aws`` backend."""
    for name, platform, os_version, versions in BASE_IMAGES:
        name_slug = slug(name)
        for age, (text, builds) in enumerate(reversed(versions)):
            version = SemanticVersion(*(int(n) for n in text.split(".")))
            for build in range(1, builds + 1):
                arn = backend.arn("image", name_slug, text, build)
                created = _PUBLISHED - dt.timedelta(days=30 * age, hours=builds - build)
                backend.add(
                    Image(
                        arn=arn,
                        name=name,
                        owner="Amazon",
                        date_created=created,
                        resource_type="image",
                        name_slug=name_slug,
                        region=backend.region,
                        partition=backend.partition,
                        account=backend.account_id,
                        version=version,
                        build=build,
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
                                    "name": f"{name} {text}",
                                    "description": f"{name} base image",
                                    "state": {"status": "AVAILABLE"},
                                    "accountId": "aws",
                                }
                            ]
                        },
                    )
                )


add_seeder("aws", seed_base_images)
