"""``mock_imagebuilder``: decorator, context manager, async, generator and TestCase activation.

One class does all of it. Activation is process-wide and reference-counted:
nested scopes share one state, and leaving the outermost scope drops it, so no
test sees another test's resources. The options of the scope entered last are
in force for every thread until it ends.

``moto.mock_aws`` serves the same state (see ``_interception``). While it is
active, the state is moto's: entering or leaving a ``mock_imagebuilder`` keeps
its resources (leaving drops only the mock's settings), and moto's resets drop
them, whichever of the two was entered first.
"""

from __future__ import annotations

import functools
import inspect
import os
import threading
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from types import TracebackType
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Concatenate,
    Generic,
    ParamSpec,
    TypeVar,
    cast,
    overload,
)

from . import _interception, _requests_mock
from ._controller import MockController
from ._domain.progression import MODES, Mode
from ._integrations import join_moto, moto_active

if TYPE_CHECKING:
    import unittest

    from ._service import Call, Service, State

__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "ImageBuilderMock",
    "mock_imagebuilder",
    "moto_reset",
    "shared_service",
]

DEFAULT_ACCOUNT_ID = "123456789012"
_FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": _interception.FAKE_ACCESS_KEY,
    "AWS_SECRET_ACCESS_KEY": _interception.FAKE_SECRET_KEY,
}
_REAL_CREDENTIAL_VARIABLES = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")

F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound="type[unittest.TestCase]")
P = ParamSpec("P")
R = TypeVar("R")


class _Activation:
    """The process-wide state behind every mock: who is active, how deep."""

    lock: ClassVar[threading.RLock] = threading.RLock()
    depth: ClassVar[int] = 0
    # The one shared service, built on first need (see ``shared_service``).
    service: ClassVar[Service | None] = None
    building: ClassVar[threading.Lock] = threading.Lock()
    stack: ClassVar[list[ImageBuilderMock]] = []
    saved_environment: ClassVar[dict[str, str | None]] = {}


def shared_service() -> Service:
    """The state every mock and ``mock_aws`` share, built the first time it is needed.

    Building it loads the domain, the protocol layer and the model; a process
    that imports the package (every pytest run, through the plugin) but never
    sends Image Builder a request or starts a mock pays none of that. Its own
    lock, not the activation lock: moto's resets and requests served for moto
    alone come here too, and they take none of the mock's locks.
    """
    service = _Activation.service
    if service is not None:
        return service
    with _Activation.building:
        service = _Activation.service
        if service is None:
            from ._service import Service

            service = Service()
            # It starts with the settings no mock chose, as after ``_drop_settings``.
            service.check_responses = _env_checks()
            _Activation.service = service
        return service


def _missing_profile(name: str) -> bool:
    import botocore.session

    return name not in botocore.session.Session().available_profiles


def _isolate_environment(saved: dict[str, str | None]) -> None:
    """Make sure no real credential can be picked up while the mock is active.

    Fake keys come first in botocore's credential chain, so nothing reaches a
    real profile, SSO cache or the instance metadata service (which also keeps
    client creation fast on machines without network). A profile named in the
    environment that does not exist would make every client creation fail, so
    it is set aside for the duration. ``saved`` records each original value
    before it changes, so a failure half-way can still be undone.
    """

    def put(key: str, value: str | None) -> None:
        saved.setdefault(key, os.environ.get(key))
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value

    for key, value in _FAKE_CREDENTIALS.items():
        put(key, value)
    for key in _REAL_CREDENTIAL_VARIABLES:
        put(key, None)
    for key in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        profile = os.environ.get(key)
        if profile and _missing_profile(profile):
            put(key, None)


def _restore_environment(saved: dict[str, str | None]) -> None:
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _live() -> bool:
    """Whether any mock is active, so that the shared state is in use."""
    return bool(_Activation.stack)


def _env_checks() -> bool:
    return os.environ.get("IMAGEBUILDER_MOCK_CHECK_RESPONSES", "") in ("1", "true")


def _drop_settings() -> None:
    """Back to the settings no mock chose: what ``mock_aws`` alone serves with."""
    service = _Activation.service
    if service is None:
        return  # not built yet: it is built with these settings
    service.check_responses = _env_checks()
    service.registry.check_references = True
    service.frozen_time = None


def _drop_state() -> None:
    """Forget everything the shared service holds, settings included."""
    if _Activation.service is None:
        return  # not built yet: nothing to forget
    _Activation.service.reset()
    _drop_settings()


def _release_state() -> None:
    """The last mock has ended: its state goes, unless ``mock_aws`` still serves it.

    Then only what the mock chose goes (settings, how builds progress, planned
    build faults): moto drops the resources at its own reset.
    """
    if moto_active():
        _drop_settings()
        if _Activation.service is not None:
            _Activation.service.registry.builds.reset()
    else:
        _drop_state()


def moto_reset() -> None:
    """moto reset its services (a ``mock_aws`` start or stop, ``/moto-api/reset``).

    Image Builder's resources, calls and faults go too. A ``mock_imagebuilder``
    in force keeps its settings, as its controller's ``reset`` does. Called
    under moto's backend lock: it takes none of the mock's activation lock.
    """
    if not _live():
        _drop_state()
        return
    service = shared_service()
    control = service.registry.builds
    mode, seconds = control.mode, control.seconds_per_status
    service.reset()
    control = service.registry.builds
    control.mode, control.seconds_per_status = mode, seconds


class _Verb(Generic[P, R]):
    """A controller verb offered on the mock itself, answered by the mock's controller.

    With the bare decorator a test has only ``mock_imagebuilder`` to steer the
    mock with (``mock_imagebuilder.fail_build(...)``), so every verb stays
    callable there; the controller's method runs, with its signature and its
    refusals.
    """

    def __init__(self, method: Callable[Concatenate[MockController, P], R]) -> None:
        self._name = method.__name__
        self.__doc__ = method.__doc__

    @overload
    def __get__(self, mock: None, owner: type) -> _Verb[P, R]: ...

    @overload
    def __get__(self, mock: ImageBuilderMock, owner: type) -> Callable[P, R]: ...

    def __get__(self, mock: ImageBuilderMock | None, owner: type) -> Any:
        if mock is None:
            return self
        return getattr(mock.controller, self._name)


class ImageBuilderMock:
    """An in-process EC2 Image Builder: decorator, context manager and pytest fixture.

    Use the module-level ``mock_imagebuilder`` bare, or call it with options for
    a configured instance::

        @mock_imagebuilder
        def test_a(): ...

        @mock_imagebuilder(account_id="111122223333")
        def test_b(): ...

        with mock_imagebuilder() as ib:
            ...  # ib is the mock's controller

    Each mock makes one ``MockController``; ``with`` (and the fixture) hands it
    out, and the mock offers the same verbs, answered by that controller.
    """

    def __init__(
        self,
        *,
        account_id: str | None = None,
        region: str = "us-east-1",
        check_responses: bool | None = None,
        check_references: bool | None = None,
        progression: Mode = "observe",
        seconds_per_status: float = 1.0,
    ) -> None:
        if progression not in MODES:
            raise ValueError(f"progression must be one of {', '.join(MODES)}, not {progression!r}")
        self._account_id = account_id
        self._region = region
        self.initial_progression: Mode = progression
        self.initial_seconds_per_status = seconds_per_status
        self._check_responses = check_responses
        self._check_references = check_references
        # The account this mock acts as while active, fixed when it starts.
        self._started_account: str | None = None
        # Per decorated TestCase class: the state its setUpClass left (None until
        # its first test), kept only while the class runs.
        self._class_states: weakref.WeakKeyDictionary[type, State | None] = (
            weakref.WeakKeyDictionary()
        )
        self._controller = MockController(shared_service, self, _live)

    @property
    def controller(self) -> MockController:
        """The controller of this mock: what ``with`` and the fixture hand out."""
        return self._controller

    # -- options and decoration ---------------------------------------------------------

    @overload
    def __call__(self, func: F) -> F: ...

    @overload
    def __call__(
        self,
        func: None = None,
        *,
        account_id: str | None = None,
        region: str = "us-east-1",
        check_responses: bool | None = None,
        check_references: bool | None = None,
        progression: Mode = "observe",
        seconds_per_status: float = 1.0,
    ) -> ImageBuilderMock: ...

    def __call__(
        self,
        func: Any = None,
        *,
        account_id: str | None = None,
        region: str = "us-east-1",
        check_responses: bool | None = None,
        check_references: bool | None = None,
        progression: Mode = "observe",
        seconds_per_status: float = 1.0,
    ) -> Any:
        if func is None:
            return ImageBuilderMock(
                account_id=account_id,
                region=region,
                check_responses=check_responses,
                check_references=check_references,
                progression=progression,
                seconds_per_status=seconds_per_status,
            )
        return self._decorate(func)

    def _decorate(self, target: Any) -> Any:
        if isinstance(target, type):
            # Only here: the package's import does not pay for unittest, and a
            # class to decorate is a TestCase, whose module loaded unittest already.
            import unittest

            if issubclass(target, unittest.TestCase):
                return self._decorate_test_case(target)
            raise TypeError(
                "mock_imagebuilder can decorate functions and unittest.TestCase classes"
            )
        if inspect.isasyncgenfunction(target):
            return self._decorate_async_generator(target)
        if inspect.isgeneratorfunction(target):
            return self._decorate_generator(target)
        if inspect.iscoroutinefunction(target):

            @functools.wraps(target)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                async with self:
                    return await target(*args, **kwargs)

            return run_async

        @functools.wraps(target)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self:
                return target(*args, **kwargs)

        return run

    def _decorate_generator(self, target: Callable[..., Iterator[Any]]) -> Any:
        # Calling a generator function runs none of its body, so the mock is
        # entered when iteration starts and left when the generator finishes or
        # is closed; between items it stays on (a yield fixture's test runs there).
        @functools.wraps(target)
        def run(*args: Any, **kwargs: Any) -> Iterator[Any]:
            with self:
                return (yield from target(*args, **kwargs))

        return run

    def _decorate_async_generator(self, target: Callable[..., AsyncIterator[Any]]) -> Any:
        @functools.wraps(target)
        async def run(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
            async with self:
                inner: Any = target(*args, **kwargs)
                try:
                    item = await inner.__anext__()
                    while True:
                        # Forward what the consumer sends or throws, as ``yield from`` would.
                        try:
                            sent = yield item
                        except GeneratorExit:
                            await inner.aclose()
                            raise
                        except BaseException as error:
                            item = await inner.athrow(error)
                        else:
                            item = await inner.asend(sent)
                except StopAsyncIteration:
                    return

        return run

    def _decorate_test_case(self, cls: C) -> C:
        """Cover the class from ``setUpClass`` to ``tearDownClass``.

        The mock starts before ``setUpClass`` and stops after ``tearDownClass``
        (as a class cleanup, so also when ``setUpClass`` fails). The state
        ``setUpClass`` leaves is kept, and each test starts from a copy of it,
        so what one test changes is gone in the next. A test run on its own,
        outside a suite (``TestCase.run``/``debug``), gets a mock of its own.
        """
        mock = self
        own_set_up_class = cls.__dict__.get("setUpClass")
        original_set_up = cls.setUp

        def setUpClass(klass: type[unittest.TestCase]) -> None:
            mock.start()
            klass.addClassCleanup(mock._end_class, klass)
            mock._class_states[klass] = None
            if isinstance(own_set_up_class, classmethod):
                own_set_up_class.__func__(klass)
            else:
                # What the class inherits: unittest's own, or a base class's.
                inherited: Any = super(cast("type[unittest.TestCase]", cls), klass)
                inherited.setUpClass()

        def setUp(test: unittest.TestCase) -> None:
            klass = type(test)
            if klass in mock._class_states:
                state = mock._class_states[klass]
                if state is None:
                    # The first test: what setUpClass (and anything above it) left.
                    mock._class_states[klass] = shared_service().save()
                else:
                    shared_service().restore(state)
            else:
                mock.start()
                test.addCleanup(mock.stop)
            original_set_up(test)

        cls.setUpClass = classmethod(setUpClass)  # type: ignore[assignment]
        cls.setUp = setUp  # type: ignore[method-assign, assignment]
        return cls

    def _end_class(self, klass: type) -> None:
        self._class_states.pop(klass, None)
        self.stop()

    # -- activation ------------------------------------------------------------------------

    def start(self) -> ImageBuilderMock:
        with _Activation.lock:
            outermost = _Activation.depth == 0
            saved: dict[str, str | None] = {}
            entered = False
            try:
                if outermost:
                    # Nothing a controller call made while no mock was active may
                    # survive into this one; but under ``mock_aws`` the state is
                    # moto's, shared with the requests it served already.
                    if not moto_active():
                        _drop_state()
                    _isolate_environment(saved)
                    join_moto()
                    _requests_mock.start()
                self._started_account = (
                    self._account_id or os.environ.get("MOTO_ACCOUNT_ID") or DEFAULT_ACCOUNT_ID
                )
                _Activation.stack.append(self)
                _Activation.depth += 1
                entered = True
                self._apply()
                # The outermost scope sets how builds progress; an inner one only if it asks.
                if outermost or self.initial_progression != "observe":
                    self.set_progression(
                        self.initial_progression,
                        seconds_per_status=self.initial_seconds_per_status,
                    )
            except BaseException:
                # A failed start leaves everything as it found it.
                if entered:
                    self._leave()
                    if not outermost:
                        _Activation.stack[-1]._apply()
                if outermost:
                    _interception.deactivate()
                    _requests_mock.stop()
                    _release_state()
                    _restore_environment(saved)
                raise
            if outermost:
                _Activation.saved_environment = saved
        return self

    def _leave(self) -> None:
        # Remove the innermost entry of this mock; nesting order is respected.
        for i in range(len(_Activation.stack) - 1, -1, -1):
            if _Activation.stack[i] is self:
                del _Activation.stack[i]
                break
        _Activation.depth -= 1

    def stop(self) -> None:
        with _Activation.lock:
            if self not in _Activation.stack:
                raise RuntimeError("this mock_imagebuilder is not active")
            self._leave()
            if _Activation.depth == 0:
                _interception.deactivate()
                _requests_mock.stop()
                _release_state()
                _restore_environment(_Activation.saved_environment)
                _Activation.saved_environment = {}
            else:
                _Activation.stack[-1]._apply()

    def _apply(self) -> None:
        """Make this mock's options the ones in force (the innermost scope wins)."""
        service = shared_service()
        service.check_responses = self._checks() or any(m._checks() for m in _Activation.stack)
        # Under moto, references are checked unless the innermost mock that says so turns them off.
        chosen = [m._check_references for m in _Activation.stack if m._check_references is not None]
        service.registry.check_references = chosen[-1] if chosen else True
        _interception.activate(service, account_id=self._own_account(), region=self._region)

    def __enter__(self) -> MockController:
        return self.start().controller

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> MockController:
        return self.start().controller

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _checks(self) -> bool:
        if self._check_responses is not None:
            return self._check_responses
        return _env_checks()

    @property
    def check_responses(self) -> bool:
        """Whether each response is checked against its output shape.

        Checking costs time; a suite turns it on for all its mocks with
        ``IMAGEBUILDER_MOCK_CHECK_RESPONSES=1``, read when the mock starts (so the
        module-level ``mock_imagebuilder`` sees a variable set after import).
        """
        return self._checks()

    @property
    def active(self) -> bool:
        return self in _Activation.stack

    # -- controller ------------------------------------------------------------------------

    def _own_account(self) -> str:
        if self._started_account is not None and self.active:
            return self._started_account
        return self._account_id or os.environ.get("MOTO_ACCOUNT_ID") or DEFAULT_ACCOUNT_ID

    @property
    def account_id(self) -> str:
        """The account callers act as unless their access key names another.

        While any mock is active this is the account in force (that of the
        scope entered last, fixed when it started), the one requests use.
        """
        stack = _Activation.stack
        return stack[-1]._own_account() if stack else self._own_account()

    @property
    def region(self) -> str:
        """The default region: the one in force while any mock is active."""
        stack = _Activation.stack
        return stack[-1]._region if stack else self._region

    # The controller's verbs, on the mock too (see ``_Verb``).
    reset = _Verb(MockController.reset)
    backend = _Verb(MockController.backend)
    fail_next = _Verb(MockController.fail_next)
    set_progression = _Verb(MockController.set_progression)
    advance = _Verb(MockController.advance)
    finish_builds = _Verb(MockController.finish_builds)
    fail_build = _Verb(MockController.fail_build)
    hang_build = _Verb(MockController.hang_build)
    run_schedules = _Verb(MockController.run_schedules)
    run_lifecycle_policies = _Verb(MockController.run_lifecycle_policies)
    add_scan_finding = _Verb(MockController.add_scan_finding)
    add_managed_component = _Verb(MockController.add_managed_component)
    add_managed_workflow = _Verb(MockController.add_managed_workflow)
    add_managed_image = _Verb(MockController.add_managed_image)
    now = _Verb(MockController.now)
    set_time = _Verb(MockController.set_time)
    tick = _Verb(MockController.tick)

    @property
    def service(self) -> Service:
        """The state the mock's controller acts on (refused while no mock is active)."""
        return self._controller.service

    @property
    def calls(self) -> list[Call]:
        """Every request answered since the mock started (or was reset), oldest first."""
        return self._controller.calls

    @property
    def progression(self) -> Mode:
        """``observe`` (default), ``immediate``, ``manual`` or ``wall-clock``."""
        return self._controller.progression

    def __repr__(self) -> str:
        state = "active" if self.active else "inactive"
        return (
            f"<ImageBuilderMock account_id={self._own_account()!r} region={self._region!r} {state}>"
        )


mock_imagebuilder = ImageBuilderMock()
