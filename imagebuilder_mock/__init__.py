"""imagebuilder-mock: a stateful, in-process AWS EC2 Image Builder for tests.

>>> from imagebuilder_mock import mock_imagebuilder
>>> with mock_imagebuilder() as ib:
...     ...  # boto3.client("imagebuilder", region_name=...) is served in-process;
...     ...  # ib is the MockController: ib.backend(), ib.fail_next(...), ib.advance(...)

Importing the package puts the hooks in (botocore's, once botocore loads, and
moto's, once moto loads) and nothing else: every pytest run imports it through
the plugin, most of them without ever starting a mock. The names below load
with their first use.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING, Any

from . import _interception
from ._interception import patch_client

if TYPE_CHECKING:
    from ._controller import MockController
    from ._errors import ImageBuilderError
    from ._mock import DEFAULT_ACCOUNT_ID, ImageBuilderMock, mock_imagebuilder
    from ._service import Call, Service

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

# Where each name of the public API lives; loaded by ``__getattr__`` on first use.
_HOMES = {
    "DEFAULT_ACCOUNT_ID": "._mock",
    "ImageBuilderMock": "._mock",
    "mock_imagebuilder": "._mock",
    "MockController": "._controller",
    "ImageBuilderError": "._errors",
    # With the service, which loads the whole domain.
    "Call": "._service",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})


def _shared_service() -> Service:
    from ._mock import shared_service

    return shared_service()


def _moto_reset() -> None:
    # Before the mock module is loaded there is no state to drop.
    mock = sys.modules.get(f"{__name__}._mock")
    if mock is not None:
        mock.moto_reset()


# ``mock_aws`` serves the mock's one state, and moto's resets drop it: offered
# now, taken when moto loads, and the mock itself loads with moto's first request.
_interception.share_with_moto(_shared_service, _moto_reset)
