"""pytest fixtures: ``imagebuilder_mock`` (the active controller) and ``imagebuilder_client``.

Options come from a marker on the test, its class or module::

    @pytest.mark.imagebuilder(account_id="111122223333", region="eu-west-1")
    def test_something(imagebuilder_client): ...

Loading the plugin imports the package, and with it moto's ``mock_aws`` and
moto's server serve Image Builder too (docs/moto.md): tests that use moto
need nothing more. pytest loads the plugin in every run where the package is
installed, so the mock itself loads only when a test asks for a fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ._controller import MockController

__all__ = ["imagebuilder_client", "imagebuilder_mock"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "imagebuilder(account_id=None, region='us-east-1', check_responses=False, "
        "check_references=True): "
        "options of the imagebuilder_mock fixture",
    )


@pytest.fixture
def imagebuilder_mock(request: pytest.FixtureRequest) -> Iterator[MockController]:
    """An active Image Builder mock with fresh state; yields its controller."""
    from ._mock import ImageBuilderMock

    options: dict[str, Any] = {}
    # Closest marker last, so a test's options override its class's and module's.
    for marker in reversed(list(request.node.iter_markers("imagebuilder"))):
        options.update(marker.kwargs)
    with ImageBuilderMock(**options) as controller:
        yield controller


@pytest.fixture
def imagebuilder_client(imagebuilder_mock: MockController) -> Any:
    """A boto3 Image Builder client served by ``imagebuilder_mock``, in its region."""
    import boto3

    return boto3.client("imagebuilder", region_name=imagebuilder_mock.region)
