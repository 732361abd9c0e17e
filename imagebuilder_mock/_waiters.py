"""botocore waiters under the mock: no sleeping for a state nothing else will change.

A waiter polls, and between polls sleeps its delay (60 s for
``image_available``). The mock answers each poll as far as the build goes
without the test's help (see ``_domain/progression.py``), so when a poll is
not decided another poll a minute later would see the same state, unless
the clock runs (``wall-clock``) or another thread steps in. The waiter's
sleep after a poll the mock answered therefore lasts:

* nothing in ``observe``, ``immediate`` and ``manual`` modes, and in
  ``wall-clock`` mode with a frozen clock: the waiter uses up its attempts at
  once and raises ``WaiterError`` (max attempts exceeded), as a build that never
  moves makes it do against AWS;
* at most ``seconds_per_status`` in ``wall-clock`` mode with a running clock,
  the time the next status takes.

``botocore.waiter`` reads ``time.sleep`` from its module global ``time``; that
global is replaced by a stand-in that sleeps as said after a poll this mock
answered in the same thread and context, and exactly as ``time.sleep`` does
otherwise (other services' waiters, and any waiter while no mock is active).
aiobotocore's waiters await ``asyncio.sleep`` from the global ``asyncio`` of
``aiobotocore.waiter``: the same rule applies there through a second stand-in,
put in place when the mock first answers an async client (the mock never
imports aiobotocore itself). Within one asyncio task the context is the
task's, so the record of a poll reaches that task's waiter only.
"""

from __future__ import annotations

import contextvars
import re
import sys
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._service import Service

__all__ = ["answered_poll", "forget_poll", "install", "install_async", "is_waiter_poll"]

# The SDK user agent's business metrics (``m/...``): ``B`` marks a waiter's request.
_METRICS = re.compile(r"(?:^|\s)m/([^\s]+)")
_WAITER_METRIC = "B"

# How long the waiter may sleep after the last request of this thread/context,
# when that request was a waiter's poll this mock answered; None otherwise.
_PAUSE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "imagebuilder_waiter_pause", default=None
)


def is_waiter_poll(user_agent: str | bytes | None) -> bool:
    """Whether a request's User-Agent says a botocore waiter sent it."""
    if not user_agent:
        return False
    text = user_agent.decode() if isinstance(user_agent, bytes) else user_agent
    match = _METRICS.search(text)
    return match is not None and _WAITER_METRIC in match.group(1).split(",")


def answered_poll(service: Service) -> None:
    """Record that a waiter's poll was just answered, and how long waiting can help."""
    control = service.registry.builds
    clock_runs = service.frozen_time is None
    pause = control.seconds_per_status if control.mode == "wall-clock" and clock_runs else 0.0
    _PAUSE.set(max(pause, 0.0))


def forget_poll(**kwargs: Any) -> None:
    """Any new request, of any service, makes the last poll's record stale."""
    _PAUSE.set(None)


class _WaiterTime:
    """Stands in for the ``time`` module inside ``botocore.waiter``."""

    def __init__(self, module: Any) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)

    def sleep(self, seconds: float) -> None:
        # Looked up on each call, so a test's own patch of ``time.sleep`` still applies.
        self._module.sleep(_granted(seconds))


class _WaiterAsyncio:
    """Stands in for the ``asyncio`` module inside ``aiobotocore.waiter``."""

    def __init__(self, module: Any) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)

    async def sleep(self, seconds: float, result: Any = None) -> Any:
        # Looked up on each call, as above, for a test's own patch of ``asyncio.sleep``.
        return await self._module.sleep(_granted(seconds), result)


def _granted(seconds: float) -> float:
    """How long a waiter asking for ``seconds`` sleeps; uses up the last poll's record."""
    pause = _PAUSE.get()
    _PAUSE.set(None)
    return seconds if pause is None else min(seconds, pause)


def install() -> None:
    """Put the stand-in into ``botocore.waiter`` (once; harmless when repeated)."""
    import botocore.waiter

    # The stubs do not declare the module's imports; the global is there at runtime.
    if not isinstance(getattr(botocore.waiter, "time", None), _WaiterTime):
        setattr(botocore.waiter, "time", _WaiterTime(time))  # noqa: B010


def install_async() -> None:
    """Put the stand-in into ``aiobotocore.waiter`` if it is loaded (harmless when repeated)."""
    module = sys.modules.get("aiobotocore.waiter")
    if module is not None and not isinstance(getattr(module, "asyncio", None), _WaiterAsyncio):
        # aiobotocore has loaded asyncio already; the package's import does not pay for it.
        import asyncio

        setattr(module, "asyncio", _WaiterAsyncio(asyncio))  # noqa: B010
