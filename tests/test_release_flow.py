"""A release flow as a platform team runs it: component versions and builds come and go,
recipes pin some and float on others, and a clean-up job deletes old builds.

Component ``app-setup`` is released as 1.0.0, 1.0.1 (built twice) and 1.1.0. Three
recipes use it: one pinned to the 1.0.0 build ARN, one floating on ``1.x.x`` and one
tracking patches with ``1.0.x``. The clean-up keeps the newest build only, and meets
ResourceDependencyException wherever a recipe still holds a build, whether it names
the build or a wildcard resolves to it.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from errors import error_of

PREFIX = "arn:aws:imagebuilder:us-east-1:123456789012"
COMPONENT = f"{PREFIX}:component/app-setup"
PARENT = "arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.x.x"
DATA = (
    "name: app-setup\nschemaVersion: 1.0\n"
    "parameters:\n  - Release:\n      type: string\n      default: stable\n"
    "phases:\n  - name: build\n    steps:\n      - name: Install\n        action: ExecuteBash\n"
    "        inputs:\n          commands:\n            - echo installing {{ Release }}\n"
)


def release(client: Any, version: str, note: str) -> str:
    return str(
        client.create_component(
            name="app-setup",
            semanticVersion=version,
            platform="Linux",
            data=DATA,
            changeDescription=note,
        )["componentBuildVersionArn"]
    )


def resolved(client: Any, selector: str) -> str:
    """The build a version or wildcard ARN picks now."""
    got = client.get_component(componentBuildVersionArn=f"{COMPONENT}/{selector}")
    return str(got["component"]["arn"])


def assert_resolution(client: Any, expected: dict[str, str]) -> None:
    assert {s: resolved(client, s) for s in expected} == {
        s: f"{COMPONENT}/{build}" for s, build in expected.items()
    }


def recipe(client: Any, name: str, component_arn: str) -> str:
    return str(
        client.create_image_recipe(
            name=name,
            semanticVersion="1.0.x",
            parentImage=PARENT,
            components=[
                {
                    "componentArn": component_arn,
                    "parameters": [{"name": "Release", "value": ["candidate"]}],
                }
            ],
        )["imageRecipeArn"]
    )


def builds(client: Any) -> list[str]:
    """Every build of every version, as a clean-up job finds them."""
    found: list[str] = []
    versions = client.get_paginator("list_components").paginate(
        filters=[{"name": "name", "values": ["app-setup"]}]
    )
    for page in versions:
        for version in page["componentVersionList"]:
            pages = client.get_paginator("list_component_build_versions").paginate(
                componentVersionArn=version["arn"], PaginationConfig={"PageSize": 1}
            )
            found += [b["arn"] for p in pages for b in p["componentSummaryList"]]
    return found


def blocked(client: Any, build_arn: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.delete_component(componentBuildVersionArn=build_arn)
    assert error_of(excinfo) == (
        "ResourceDependencyException",
        f"Resource dependency error: The resource ARN '{build_arn}' has other resources "
        "depended on it.",
    )


def test_release_flow_with_build_clean_up(imagebuilder_client: Any) -> None:
    client = imagebuilder_client

    # 1.0.0: the first release. Every selector picks it.
    first = release(client, "1.0.0", "Initial release")
    assert first == f"{COMPONENT}/1.0.0/1"
    assert_resolution(client, {"x.x.x": "1.0.0/1", "1.x.x": "1.0.0/1", "1.0.x": "1.0.0/1"})
    pinned = recipe(client, "web-pinned", first)
    floating = recipe(client, "web-latest", f"{COMPONENT}/1.x.x")
    assert (pinned, floating) == (
        f"{PREFIX}:image-recipe/web-pinned/1.0.0",
        f"{PREFIX}:image-recipe/web-latest/1.0.0",
    )

    # 1.0.1: a patch, built twice (the second build fixes the first).
    patch = release(client, "1.0.1", "Patch: retry downloads")
    rebuilt = release(client, "1.0.1", "Patch: retry downloads, rebuilt")
    assert (patch, rebuilt) == (f"{COMPONENT}/1.0.1/1", f"{COMPONENT}/1.0.1/2")
    assert_resolution(
        client,
        {"x.x.x": "1.0.1/2", "1.x.x": "1.0.1/2", "1.0.x": "1.0.1/2", "1.0.0": "1.0.0/1"},
    )
    tracking = recipe(client, "web-patches", f"{COMPONENT}/1.0.x")

    # 1.1.0: a feature release. The patch track stays on 1.0.1.
    feature = release(client, "1.1.0", "Feature: health checks")
    assert feature == f"{COMPONENT}/1.1.0/1"
    assert_resolution(
        client,
        {"x.x.x": "1.1.0/1", "1.x.x": "1.1.0/1", "1.0.x": "1.0.1/2", "1.0.1": "1.0.1/2"},
    )
    # The floating recipe gets a new version; its reference stays a wildcard.
    floating_next = recipe(client, "web-latest", f"{COMPONENT}/1.x.x")
    assert floating_next == f"{PREFIX}:image-recipe/web-latest/1.0.1"
    got = client.get_image_recipe(imageRecipeArn=f"{PREFIX}:image-recipe/web-latest/x.x.x")
    assert got["imageRecipe"]["arn"] == floating_next
    assert got["imageRecipe"]["components"][0]["componentArn"] == f"{COMPONENT}/1.x.x"

    # The clean-up job: newest version first, newest build first.
    assert builds(client) == [feature, rebuilt, patch, first]

    # Keep the newest build; try to delete everything else.
    blocked(client, first)  # pinned by its build ARN
    blocked(client, rebuilt)  # 1.0.x resolves to it
    client.delete_component(componentBuildVersionArn=patch)  # nothing resolves to /1 any more
    # And the newest build is held by the wildcards 1.x.x of two recipe versions.
    blocked(client, feature)
    assert builds(client) == [feature, rebuilt, first]
    assert_resolution(client, {"1.0.1": "1.0.1/2", "1.0.x": "1.0.1/2"})

    # Retire the recipes that hold old builds, then finish the clean-up.
    client.delete_image_recipe(imageRecipeArn=pinned)
    client.delete_image_recipe(imageRecipeArn=tracking)
    client.delete_component(componentBuildVersionArn=first)
    client.delete_component(componentBuildVersionArn=rebuilt)
    assert builds(client) == [feature]
    assert_resolution(client, {"x.x.x": "1.1.0/1", "1.x.x": "1.1.0/1"})
    for gone in ("1.0.x", "1.0.1", "1.0.0"):
        with pytest.raises(ClientError) as excinfo:
            resolved(client, gone)
        err = excinfo.value.response["Error"]
        assert (err["Code"], err["Message"]) == (
            "ResourceNotFoundException",
            f"The resource ARN '{COMPONENT}/{gone}' does not exist.",
        )
    versions = client.list_components()["componentVersionList"]
    assert [v["arn"] for v in versions] == [f"{COMPONENT}/1.1.0"]
    gone_builds = client.list_component_build_versions(componentVersionArn=f"{COMPONENT}/1.0.1")
    assert gone_builds["componentSummaryList"] == []

    # The floating recipes still build from 1.1.0 until they too are retired.
    blocked(client, feature)
    client.delete_image_recipe(imageRecipeArn=floating)
    blocked(client, feature)
    client.delete_image_recipe(imageRecipeArn=floating_next)
    client.delete_component(componentBuildVersionArn=feature)
    assert builds(client) == []
    assert client.list_image_recipes()["imageRecipeSummaryList"] == []


def test_a_recipe_on_a_retired_component_cannot_be_created(imagebuilder_client: Any) -> None:
    client = imagebuilder_client
    build = release(client, "1.0.0", "Initial release")
    client.delete_component(componentBuildVersionArn=build)
    with pytest.raises(ClientError) as excinfo:
        recipe(client, "web", f"{COMPONENT}/1.x.x")
    err = excinfo.value.response["Error"]
    assert (err["Code"], err["Message"]) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'components[0].componentArn' is not valid. "
        f"The component '{COMPONENT}/1.x.x' does not exist.",
    )
    # A new release makes the same reference good again.
    release(client, "1.2.0", "Back again")
    assert recipe(client, "web", f"{COMPONENT}/1.x.x") == f"{PREFIX}:image-recipe/web/1.0.0"
