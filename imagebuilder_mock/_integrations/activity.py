"""Whether moto is active, asked without importing moto.

Its own module, below the facade and the modules it re-exports, so that each
of them can ask without importing the facade back.
"""

from __future__ import annotations

import contextlib
import contextvars
import sys
from collections.abc import Iterator

__all__ = ["moto_active", "serving_moto"]

# Set while a request that reached moto's server is answered: moto's backends
# are live in that process even though no in-process mock is.
_SERVING: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "imagebuilder_serving_moto", default=False
)


@contextlib.contextmanager
def serving_moto() -> Iterator[None]:
    """Within, moto counts as active: a request moto's server handed over."""
    token = _SERVING.set(True)
    try:
        yield
    finally:
        _SERVING.reset(token)


def moto_active() -> bool:
    if _SERVING.get():
        return True
    # Only look if moto was imported: the mock must not import it on its own.
    models = sys.modules.get("moto.core.models")
    stubber = getattr(models, "botocore_stubber", None)
    return bool(getattr(stubber, "enabled", False))
