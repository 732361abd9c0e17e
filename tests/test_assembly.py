"""The composition root: who is told of an image's transitions, in which order,
and that the service settles time-driven work once per request."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from builders import COMPONENT_DOCUMENT
from errors import error_of

from imagebuilder_mock import MockController
from imagebuilder_mock._domain import (
    assemble,
    builds,
    executions,
    handler_table,
    lifecycle,
    pipelines,
)
from imagebuilder_mock._model import service_model

START = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
PARENT = "arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.x.x"


def _rewire(mock: MockController, **changes: Any) -> None:
    """Give the active mock's backends other wiring (what a test needs to watch)."""
    registry = mock.service.registry
    registry.wiring = dataclasses.replace(registry.wiring, **changes)


def _pipeline(client: Any) -> str:
    component = client.create_component(
        name="hello", semanticVersion="1.0.0", platform="Linux", data=COMPONENT_DOCUMENT
    )["componentBuildVersionArn"]
    recipe = client.create_image_recipe(
        name="web",
        semanticVersion="1.0.0",
        parentImage=PARENT,
        components=[{"componentArn": component}],
    )["imageRecipeArn"]
    infrastructure = client.create_infrastructure_configuration(
        name="builders", instanceProfileName="builder-profile"
    )["infrastructureConfigurationArn"]
    arn: str = client.create_image_pipeline(
        name="nightly", imageRecipeArn=recipe, infrastructureConfigurationArn=infrastructure
    )["imagePipelineArn"]
    return arn


def test_every_model_operation_has_exactly_one_handler() -> None:
    assert set(handler_table()) == set(service_model().operation_names)


def test_the_observers_are_declared_in_order() -> None:
    assert assemble().observers == (
        executions.on_transition,
        pipelines.on_transition,
        builds.deliver_outputs,
    )
    assert assemble().settlers == (lifecycle.apply_due_updates,)


def test_every_transition_reaches_the_observers_in_the_declared_order(
    imagebuilder_mock: MockController, imagebuilder_client: Any
) -> None:
    told: list[tuple[str, str, str]] = []

    def watching(observer: Callable[..., None]) -> Callable[..., None]:
        def observe(backend: Any, image: Any, old: str, new: str) -> None:
            told.append((observer.__module__.rpartition(".")[2], old, new))
            observer(backend, image, old, new)

        return observe

    _rewire(
        imagebuilder_mock,
        observers=tuple(watching(o) for o in imagebuilder_mock.service.registry.wiring.observers),
    )
    imagebuilder_mock.set_progression("immediate")
    pipeline = _pipeline(imagebuilder_client)
    image = imagebuilder_client.start_image_pipeline_execution(imagePipelineArn=pipeline)[
        "imageBuildVersionArn"
    ]
    shown = imagebuilder_client.get_image(imageBuildVersionArn=image)["image"]
    assert shown["state"]["status"] == "AVAILABLE"
    # Each change is told to all three, in order, before the next change happens.
    transitions = [(old, new) for _, old, new in told[::3]]
    assert transitions[0] == ("", "PENDING")
    assert transitions[-1][1] == "AVAILABLE"
    for i, (old, new) in enumerate(transitions):
        assert told[3 * i : 3 * i + 3] == [
            ("executions", old, new),
            ("pipelines", old, new),
            ("builds", old, new),
        ]
    # What the observers did: the pipeline recorded its run, the outputs exist,
    # and the workflow executions followed the build.
    assert imagebuilder_client.get_image_pipeline(imagePipelineArn=pipeline)["imagePipeline"][
        "dateLastRun"
    ]
    assert shown["outputResources"]["amis"]
    assert imagebuilder_client.list_workflow_executions(imageBuildVersionArn=image)[
        "workflowExecutions"
    ]


def test_settling_runs_once_per_request_that_reaches_a_handler(
    imagebuilder_mock: MockController, imagebuilder_client: Any
) -> None:
    settled: list[str] = []

    def counting(backend: Any) -> None:
        settled.append(backend.account_id)
        lifecycle.apply_due_updates(backend)

    _rewire(imagebuilder_mock, settlers=(counting,))
    imagebuilder_client.list_components()
    imagebuilder_client.create_infrastructure_configuration(
        name="builders", instanceProfileName="builder-profile"
    )
    imagebuilder_client.list_infrastructure_configurations()
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.get_component(
            componentBuildVersionArn="arn:aws:imagebuilder:us-east-1:123456789012:component/none/1.0.0/1"
        )
    assert error_of(caught)[0] == "ResourceNotFoundException"
    # Refused by validation: no handler runs, so nothing is settled.
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.list_components(owner="Everyone")
    assert error_of(caught)[0] == "InvalidParameterValueException"
    assert settled == ["123456789012"] * 4


def test_any_request_settles_a_scheduled_update_that_has_come_due(
    imagebuilder_mock: MockController, imagebuilder_client: Any
) -> None:
    imagebuilder_mock.set_time(START)
    imagebuilder_mock.set_progression("immediate")
    pipeline = _pipeline(imagebuilder_client)
    image = imagebuilder_client.start_image_pipeline_execution(imagePipelineArn=pipeline)[
        "imageBuildVersionArn"
    ]
    when = START + dt.timedelta(days=5)
    imagebuilder_client.start_resource_state_update(
        resourceArn=image, state={"status": "DEPRECATED"}, updateAt=when
    )
    imagebuilder_mock.set_time(when)
    record = imagebuilder_mock.backend().find(image)
    assert record is not None and record.status == "AVAILABLE"
    # An unrelated request is enough: the service settles before any handler.
    imagebuilder_client.list_distribution_configurations()
    assert record.status == "DEPRECATED"
