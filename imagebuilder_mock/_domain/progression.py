"""The image state machine: one declared table, and how fast images move through it.

A build walks ``PENDING → CREATING → BUILDING → TESTING → DISTRIBUTING →
INTEGRATING → AVAILABLE`` (TESTING only when image tests are on) and ends in
AVAILABLE, FAILED or CANCELLED. DEPRECATED, DISABLED and DELETED come later,
from lifecycle actions. How fast a build moves is the test's choice:

* ``observe`` (default): one status per observation of the image (a GetImage,
  or a List that shows its state), so a polling loop sees every status once
  and finishes without sleeping;
* ``immediate``: a build is finished when it is created;
* ``manual``: a build moves only when the controller's ``advance`` says so;
* ``wall-clock``: each status lasts ``seconds_per_status`` of the mock's clock.

Faults are planned per build: fail at a status with a reason, or hang at a
status until advanced. A fault planned for "the next builds" goes to the next
builds that pass through its status (one without image tests never reaches
TESTING, an import never reaches BUILDING).

A botocore waiter's poll (``waiter_polling``) sees a build as far as it goes
without the test's help: in ``observe`` mode it runs to its end, or to a hang
or a step waiting for an action, before it is shown.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "BUILD_PATH",
    "FAULT_STATUSES",
    "IN_PROGRESS",
    "LIFECYCLE_STATUSES",
    "MODES",
    "TERMINAL",
    "BuildControl",
    "BuildFault",
    "Mode",
    "answering_waiter",
    "build_path",
    "check_fault_status",
    "waiter_polling",
]

Mode = Literal["observe", "immediate", "manual", "wall-clock"]
MODES: tuple[Mode, ...] = ("observe", "immediate", "manual", "wall-clock")

BUILD_PATH = (
    "PENDING",
    "CREATING",
    "BUILDING",
    "TESTING",
    "DISTRIBUTING",
    "INTEGRATING",
    "AVAILABLE",
)
IN_PROGRESS = frozenset(BUILD_PATH[:-1])
# Where a planned fault can strike: any status a build is in before it ends.
FAULT_STATUSES = BUILD_PATH[:-1]
TERMINAL = frozenset({"AVAILABLE", "FAILED", "CANCELLED"})
LIFECYCLE_STATUSES = frozenset({"DEPRECATED", "DISABLED", "DELETED"})


def build_path(*, tests: bool, kind: str = "build") -> tuple[str, ...]:
    """The statuses a new image goes through, in order, ending in AVAILABLE.

    ``kind`` is ``build`` (recipes), ``import`` (ImportVmImage/ImportDiskImage:
    no build or test stage) or ``distribute`` (DistributeImage: distribution only).
    """
    if kind == "import":
        return ("PENDING", "CREATING", "INTEGRATING", "AVAILABLE")
    if kind == "distribute":
        return ("PENDING", "DISTRIBUTING", "INTEGRATING", "AVAILABLE")
    return tuple(s for s in BUILD_PATH if tests or s != "TESTING")


def check_fault_status(at: str) -> None:
    """Refuse a fault at a status no build passes through before it ends."""
    if at not in FAULT_STATUSES:
        raise ValueError(
            f"a build cannot fail or hang at {at!r}; use one of {', '.join(FAULT_STATUSES)}"
        )


# Set while the request being answered is a poll of a botocore waiter.
_WAITER_POLL: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "imagebuilder_waiter_poll", default=False
)


def waiter_polling() -> bool:
    """Whether the request being answered is a botocore waiter's poll."""
    return _WAITER_POLL.get()


@contextlib.contextmanager
def answering_waiter(polling: bool) -> Iterator[None]:
    """Within, ``waiter_polling`` says whether a waiter asked (set by the front door)."""
    token = _WAITER_POLL.set(polling)
    try:
        yield
    finally:
        _WAITER_POLL.reset(token)


@dataclass
class BuildFault:
    """What goes wrong with a build: it fails, or hangs, on reaching ``at``."""

    at: str
    reason: str = "An internal error has occurred."
    hang: bool = False


@dataclass
class BuildControl:
    """Progression settings and planned faults, shared by every backend of a mock."""

    mode: Mode = "observe"
    seconds_per_status: float = 1.0
    # Faults for the next builds to start, consumed in order.
    upcoming: list[BuildFault] = field(default_factory=list)
    # Faults planned for builds that already exist, by image build ARN.
    planned: dict[str, BuildFault] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fault_for_new_build(self, path: tuple[str, ...] | None = None) -> BuildFault | None:
        """The first planned fault a new build with this ``path`` will reach, taken."""
        with self.lock:
            for i, fault in enumerate(self.upcoming):
                if path is None or fault.at in path:
                    return self.upcoming.pop(i)
            return None

    def reset(self) -> None:
        with self.lock:
            self.mode = "observe"
            self.seconds_per_status = 1.0
            self.upcoming.clear()
            self.planned.clear()

    def due_steps(self, entered: dt.datetime, now: dt.datetime) -> int:
        """How many statuses a wall-clock build has moved on since it entered its current one."""
        if self.seconds_per_status <= 0:
            return 1 << 30
        return int((now - entered).total_seconds() // self.seconds_per_status)
