"""ListImagePipelineImages shows the builds of one pipeline ARN, newest first, page by
page, and only those still stored."""

from __future__ import annotations

from typing import Any

import pytest
from builders import build, image_recipe, infrastructure

pytestmark = pytest.mark.imagebuilder(progression="immediate")


def _pipeline(client: Any, name: str, recipe: str, infra: str) -> str:
    arn: str = client.create_image_pipeline(
        name=name, imageRecipeArn=recipe, infrastructureConfigurationArn=infra
    )["imagePipelineArn"]
    return arn


def _run(client: Any, pipeline: str) -> str:
    arn: str = client.start_image_pipeline_execution(imagePipelineArn=pipeline)[
        "imageBuildVersionArn"
    ]
    return arn


def _walk(client: Any, pipeline: str) -> list[str]:
    """Every entry, one page of one at a time."""
    arns: list[str] = []
    params: dict[str, Any] = {"imagePipelineArn": pipeline, "maxResults": 1}
    while True:
        page = client.list_image_pipeline_images(**params)
        arns.extend(entry["arn"] for entry in page["imageSummaryList"])
        if "nextToken" not in page:
            return arns
        params["nextToken"] = page["nextToken"]


def test_pages_show_the_builds_of_one_pipeline_only(imagebuilder_client: Any) -> None:
    client = imagebuilder_client
    recipe, infra = image_recipe(client), infrastructure(client)
    nightly = _pipeline(client, "nightly", recipe, infra)
    weekly = _pipeline(client, "weekly", recipe, infra)
    ran = []
    for pipeline in (nightly, weekly, nightly, weekly, nightly):
        ran.append((pipeline, _run(client, pipeline)))
    # A build of the same recipe that no pipeline started.
    build(client, recipe, infra)
    assert _walk(client, nightly) == [arn for p, arn in reversed(ran) if p == nightly]
    assert _walk(client, weekly) == [arn for p, arn in reversed(ran) if p == weekly]


def test_a_deleted_build_is_no_longer_listed(imagebuilder_client: Any) -> None:
    client = imagebuilder_client
    pipeline = _pipeline(client, "nightly", image_recipe(client), infrastructure(client))
    first, second, third = (_run(client, pipeline) for _ in range(3))
    client.delete_image(imageBuildVersionArn=second)
    assert _walk(client, pipeline) == [third, first]
    client.delete_image(imageBuildVersionArn=third)
    assert _walk(client, pipeline) == [first]


def test_builds_of_a_deleted_pipeline_list_under_a_new_one_of_its_arn(
    imagebuilder_client: Any,
) -> None:
    # The builds name the pipeline by ARN (``sourcePipelineArn``), which a new
    # pipeline of the same name has again.
    client = imagebuilder_client
    recipe, infra = image_recipe(client), infrastructure(client)
    pipeline = _pipeline(client, "nightly", recipe, infra)
    old = _run(client, pipeline)
    client.delete_image_pipeline(imagePipelineArn=pipeline)
    assert client.list_image_pipeline_images(imagePipelineArn=pipeline)["imageSummaryList"] == []
    assert _pipeline(client, "nightly", recipe, infra) == pipeline
    new = _run(client, pipeline)
    assert _walk(client, pipeline) == [new, old]
