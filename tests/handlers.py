"""Swap one operation's handler in the active mock's service, for one test."""

from __future__ import annotations

from typing import Any

import pytest

from imagebuilder_mock import ImageBuilderMock
from imagebuilder_mock._domain.operations import Handler


def replace_handler(
    mock: ImageBuilderMock,
    monkeypatch: pytest.MonkeyPatch,
    operation: str,
    handler: Handler | None,
) -> Handler:
    """Serve ``operation`` with ``handler`` (or with none); returns the original."""
    service = mock.service
    table: dict[str, Any] = dict(service.handlers)
    original: Handler = table[operation]
    if handler is None:
        del table[operation]
    else:
        table[operation] = handler
    monkeypatch.setattr(service, "handlers", table)
    return original
