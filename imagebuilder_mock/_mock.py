"""``mock_imagebuilder``: decorator, context manager, async and TestCase activation.

One class does all of it. Activation is process-wide and reference-counted:
nested scopes share one state, and leaving the outermost scope drops it, so no
test sees another test's resources.
"""

from __future__ import annotations

import functools
import inspect
import os
import threading
import unittest
from collections.abc import Callable
from types import TracebackType
from typing import Any, ClassVar, TypeVar, overload

from . import _interception
from ._controller import BuildController
from ._domain import Backend
from ._domain.progression import Mode
from ._errors import ImageBuilderError, error_class
from ._service import Call, Service

__all__ = ["DEFAULT_ACCOUNT_ID", "ImageBuilderMock", "mock_imagebuilder"]

DEFAULT_ACCOUNT_ID = "123456789012"
_FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "FOOBARKEY",
    "AWS_SECRET_ACCESS_KEY": "FOOBARSECRET",
}
_REAL_CREDENTIAL_VARIABLES = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")

F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound=type[unittest.TestCase])


class _Activation:
    """The process-wide state behind every mock: who is active, how deep."""

    lock: ClassVar[threading.RLock] = threading.RLock()
    depth: ClassVar[int] = 0
    service: ClassVar[Service] = Service()
    stack: ClassVar[list[ImageBuilderMock]] = []
    saved_environment: ClassVar[dict[str, str | None]] = {}


def _missing_profile(name: str) -> bool:
    import botocore.session

    return name not in botocore.session.Session().available_profiles


def _isolate_environment() -> dict[str, str | None]:
    """Make sure no real credential can be picked up while the mock is active.

    Fake keys come first in botocore's credential chain, so nothing reaches a
    real profile, SSO cache or the instance metadata service (which also keeps
    client creation fast on machines without network). A profile named in the
    environment that does not exist would make every client creation fail, so
    it is set aside for the duration.
    """
    saved: dict[str, str | None] = {}

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
    return saved


def _restore_environment(saved: dict[str, str | None]) -> None:
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


class ImageBuilderMock(BuildController):
    """An in-process EC2 Image Builder, and the controller of its state.

    Use the module-level ``mock_imagebuilder`` bare, or call it with options for
    a configured instance::

        @mock_imagebuilder
        def test_a(): ...

        @mock_imagebuilder(account_id="111122223333")
        def test_b(): ...

        with mock_imagebuilder() as ib:
            ...
    """

    def __init__(
        self,
        *,
        account_id: str | None = None,
        region: str = "us-east-1",
        check_responses: bool | None = None,
        progression: Mode = "observe",
        seconds_per_status: float = 1.0,
    ) -> None:
        self._account_id = account_id
        self.region = region
        self.initial_progression: Mode = progression
        self.initial_seconds_per_status = seconds_per_status
        self._check_responses = check_responses

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
        progression: Mode = "observe",
        seconds_per_status: float = 1.0,
    ) -> Any:
        if func is None:
            return ImageBuilderMock(
                account_id=account_id,
                region=region,
                check_responses=check_responses,
                progression=progression,
                seconds_per_status=seconds_per_status,
            )
        return self._decorate(func)

    def _decorate(self, target: Any) -> Any:
        if isinstance(target, type):
            if issubclass(target, unittest.TestCase):
                return self._decorate_test_case(target)
            raise TypeError(
                "mock_imagebuilder can decorate functions and unittest.TestCase classes"
            )
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

    def _decorate_test_case(self, cls: C) -> C:
        # Each test gets fresh state: the mock starts before setUp and stops
        # after the test's own cleanups, like a decorator on every method.
        original_setup = cls.setUp

        def setUp(test: unittest.TestCase) -> None:
            self.start()
            test.addCleanup(self.stop)
            original_setup(test)

        cls.setUp = setUp  # type: ignore[method-assign, assignment]
        return cls

    # -- activation ------------------------------------------------------------------------

    def start(self) -> ImageBuilderMock:
        with _Activation.lock:
            if _Activation.depth == 0:
                _Activation.saved_environment = _isolate_environment()
            _Activation.depth += 1
            _Activation.stack.append(self)
            self._apply()
            # The outermost scope sets how builds progress; an inner one only if it asks.
            if _Activation.depth == 1 or self.initial_progression != "observe":
                self.set_progression(
                    self.initial_progression, seconds_per_status=self.initial_seconds_per_status
                )
        return self

    def stop(self) -> None:
        with _Activation.lock:
            if self not in _Activation.stack:
                raise RuntimeError("this mock_imagebuilder is not active")
            # Remove the innermost entry of this mock; nesting order is respected.
            for i in range(len(_Activation.stack) - 1, -1, -1):
                if _Activation.stack[i] is self:
                    del _Activation.stack[i]
                    break
            _Activation.depth -= 1
            if _Activation.depth == 0:
                _interception.deactivate()
                _Activation.service.reset()
                _Activation.service.check_responses = False
                _Activation.service.frozen_time = None
                _restore_environment(_Activation.saved_environment)
                _Activation.saved_environment = {}
            else:
                _Activation.stack[-1]._apply()

    def _apply(self) -> None:
        """Make this mock's options the ones in force (the innermost scope wins)."""
        service = _Activation.service
        service.check_responses = self.check_responses or any(
            m.check_responses for m in _Activation.stack
        )
        _interception.activate(service, self.account_id)
        _interception._Active.default_region = self.region

    def __enter__(self) -> ImageBuilderMock:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> ImageBuilderMock:
        return self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def check_responses(self) -> bool:
        """Whether each response is checked against its output shape.

        Checking costs time; a suite turns it on for all its mocks with
        ``IMAGEBUILDER_MOCK_CHECK_RESPONSES=1``, read when the mock starts (so the
        module-level ``mock_imagebuilder`` sees a variable set after import).
        """
        if self._check_responses is not None:
            return self._check_responses
        return os.environ.get("IMAGEBUILDER_MOCK_CHECK_RESPONSES", "") in ("1", "true")

    @property
    def active(self) -> bool:
        return self in _Activation.stack

    # -- controller ------------------------------------------------------------------------

    @property
    def account_id(self) -> str:
        """The account callers act as unless their access key names another."""
        return self._account_id or os.environ.get("MOTO_ACCOUNT_ID") or DEFAULT_ACCOUNT_ID

    @property
    def service(self) -> Service:
        return _Activation.service

    def reset(self) -> None:
        """Forget every resource, call and pending fault; the mock stays active."""
        _Activation.service.reset()

    def backend(self, region: str | None = None, account_id: str | None = None) -> Backend:
        """The state of one account in one region, for inspection and seeding."""
        return _Activation.service.registry.get(
            account_id or self.account_id, region or self.region
        )

    def _backend_of(self, region: str | None, account_id: str | None) -> Backend:
        return self.backend(region=region, account_id=account_id)

    @property
    def calls(self) -> list[Call]:
        """Every request answered since the mock started (or was reset), oldest first."""
        return _Activation.service.calls

    def fail_next(
        self,
        operation: str,
        error: str | type[ImageBuilderError] = "ServiceUnavailableException",
        message: str | None = None,
        *,
        count: int = 1,
    ) -> None:
        """Answer the next ``count`` calls of ``operation`` (or ``"*"``) with a modeled error."""
        cls = error_class(error) if isinstance(error, str) else error
        text = message or f"Injected {cls.code} for {operation}."
        _Activation.service.inject(operation, lambda: cls(text), count)

    def __repr__(self) -> str:
        state = "active" if self.active else "inactive"
        return f"<ImageBuilderMock account_id={self.account_id!r} region={self.region!r} {state}>"


mock_imagebuilder = ImageBuilderMock()
