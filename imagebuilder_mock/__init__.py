"""imagebuilder-mock: a stateful, in-process AWS EC2 Image Builder for tests.

>>> from imagebuilder_mock import mock_imagebuilder
>>> with mock_imagebuilder() as ib:
...     ...  # boto3.client("imagebuilder", region_name=...) is served in-process;
...     ...  # ib is the MockController: ib.backend(), ib.fail_next(...), ib.advance(...)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._controller import MockController
from ._errors import ImageBuilderError
from ._interception import patch_client
from ._mock import DEFAULT_ACCOUNT_ID, ImageBuilderMock, mock_imagebuilder

if TYPE_CHECKING:
    from ._service import Call

__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "Call",
    "ImageBuilderError",
    "ImageBuilderMock",
    "MockController",
    "mock_imagebuilder",
    "patch_client",
]

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    # ``Call`` lives with the service, which loads the whole domain: importing
    # the package (every pytest run does, through the plugin) must not.
    if name == "Call":
        from ._service import Call

        return Call
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
