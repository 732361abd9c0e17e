"""The mock controller: what a test does to the mock's state besides sending requests.

A ``MockController`` is its own object, made by each ``ImageBuilderMock`` with
the ``Service`` it controls and handed out by ``with mock_imagebuilder() as ib``
and the ``imagebuilder_mock`` fixture. State is process-wide, so any controller
reaches the state of whichever mock is active, under the lock of the backend
concerned; while no mock is active every verb is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from ._domain.progression import MODES, BuildFault, Mode, check_fault_status
from ._integrations import join_moto

if TYPE_CHECKING:
    from ._domain import Backend
    from ._domain.image_records import Image
    from ._errors import ImageBuilderError
    from ._service import Call, Service

__all__ = ["INACTIVE", "MockController", "Scope"]

INACTIVE = (
    "mock_imagebuilder is not active: controller calls need an active mock "
    "(inside the decorated test, a `with mock_imagebuilder() as ib:` block, or "
    "with the imagebuilder_mock fixture). Made outside one, they would carry "
    "over into the next test's mock."
)


class Scope(Protocol):
    """What a controller reads from the mock that made it."""

    @property
    def active(self) -> bool: ...

    @property
    def account_id(self) -> str: ...

    @property
    def region(self) -> str: ...

    @property
    def check_responses(self) -> bool: ...


def _statuses_ahead(image: Image) -> tuple[str, ...]:
    """The statuses where a fault on this build can still strike (its current one included)."""
    if image.is_finished or image.status not in image.path:
        return ()
    return image.path[image.path.index(image.status) : -1]


class MockController:
    """Inspect and steer the mock: resources, faults, how builds move, and the clock.

    ``service`` gives the state it acts on; ``scope`` is the mock that handed it
    out (its options and whether it is active); ``live`` says whether any mock
    is active, that is whether the state is in use (a change made while none
    is would carry over into the next mock).
    """

    def __init__(
        self, service: Callable[[], Service], scope: Scope, live: Callable[[], bool]
    ) -> None:
        # Asked for on each use: the mock builds its service on first need.
        self._service = service
        self._scope = scope
        self._live = live

    def __repr__(self) -> str:
        return f"<MockController of {self._scope!r}>"

    # -- the mock it came from -----------------------------------------------------------

    @property
    def active(self) -> bool:
        """Whether the mock that handed out this controller is active."""
        return self._scope.active

    @property
    def account_id(self) -> str:
        """The account callers act as unless their access key names another.

        While any mock is active this is the account in force (that of the
        scope entered last, fixed when it started), the one requests use.
        """
        return self._scope.account_id

    @property
    def region(self) -> str:
        """The default region: the one in force while any mock is active."""
        return self._scope.region

    @property
    def check_responses(self) -> bool:
        """Whether the mock that handed out this controller checks each response's shape."""
        return self._scope.check_responses

    @property
    def service(self) -> Service:
        """The state this controller acts on; refused while no mock is active."""
        if not self._live():
            raise RuntimeError(INACTIVE)
        # What the controller seeds must go with moto's next reset, as requests' does.
        join_moto()
        return self._service()

    # -- resources, calls and faults -----------------------------------------------------

    def reset(self) -> None:
        """Forget every resource, call and pending fault; the mock stays active.

        Settings stay as they are: the progression mode and the clock.
        """
        service = self.service
        control = service.registry.builds
        mode, seconds = control.mode, control.seconds_per_status
        service.reset()
        self.set_progression(mode, seconds_per_status=seconds)

    def backend(self, region: str | None = None, account_id: str | None = None) -> Backend:
        """The state of one account in one region, for inspection and seeding."""
        return self.service.registry.get(account_id or self.account_id, region or self.region)

    @property
    def calls(self) -> list[Call]:
        """Every request answered since the mock started (or was reset), oldest first."""
        return self.service.calls

    def fail_next(
        self,
        operation: str,
        error: str | type[ImageBuilderError] = "ServiceUnavailableException",
        message: str | None = None,
        *,
        count: int = 1,
    ) -> None:
        """Answer the next ``count`` calls of ``operation`` (or ``"*"``) with a modeled error.

        The operation must be one of the service's, and the error one it declares
        (for ``"*"``, one every operation declares); anything else is refused here.
        """
        from ._faults import error_for  # it reads the model: not at the package's import

        cls = error_for(operation, error, count)
        text = message or f"Injected {cls.code} for {operation}."
        self.service.inject(operation, lambda: cls(text), count, cls.code)

    # -- progression ---------------------------------------------------------------------

    @property
    def progression(self) -> Mode:
        """``observe`` (default), ``immediate``, ``manual`` or ``wall-clock``."""
        return self.service.registry.builds.mode

    def set_progression(self, mode: Mode, *, seconds_per_status: float | None = None) -> None:
        """Choose how builds move on; ``seconds_per_status`` applies to ``wall-clock``."""
        if mode not in MODES:
            raise ValueError(f"progression must be one of {', '.join(MODES)}, not {mode!r}")
        control = self.service.registry.builds
        control.mode = mode
        if seconds_per_status is not None:
            control.seconds_per_status = seconds_per_status

    def advance(self, image_arn: str, to: str | None = None, *, reason: str | None = None) -> str:
        """Move a build one status on, or until it reaches ``to``; returns its status.

        Releases a hang or a step waiting for an action. ``to="FAILED"`` or
        ``"CANCELLED"`` ends the build there with ``reason``.
        """
        from ._domain import builds

        backend, image = self._image(image_arn)
        with backend.lock:
            builds.advance(backend, image, to, reason)
            return image.status

    def finish_builds(self) -> None:
        """Run every build in progress, in every account and region, as far as it goes."""
        from ._domain import builds, image_records

        for backend in self.service.registry.existing():
            with backend.lock:
                for image in list(backend.of_kind(image_records.Image)):
                    builds.run_to_end(backend, image)

    def fail_build(
        self,
        image_arn: str | None = None,
        *,
        at: str = "BUILDING",
        reason: str = "An internal error has occurred.",
        count: int = 1,
    ) -> None:
        """Make a build fail when it reaches status ``at``.

        With ``image_arn``, that build; without, the next ``count`` builds to start
        that pass through ``at``. A status the build cannot reach any more is refused.
        """
        self._plan(image_arn, BuildFault(at=at, reason=reason), count)

    def hang_build(
        self, image_arn: str | None = None, *, at: str = "BUILDING", count: int = 1
    ) -> None:
        """Make a build stop at status ``at`` until ``advance`` moves it on."""
        self._plan(image_arn, BuildFault(at=at, hang=True), count)

    def _plan(self, image_arn: str | None, fault: BuildFault, count: int) -> None:
        from ._domain import builds
        from ._faults import require_count

        check_fault_status(fault.at)
        require_count(count)
        if image_arn is None:
            control = self.service.registry.builds
            with control.lock:
                control.upcoming.extend(
                    BuildFault(fault.at, fault.reason, fault.hang) for _ in range(count)
                )
            return
        if count != 1:
            raise ValueError("count applies to the next builds, not to a build named by its ARN")
        backend, image = self._image(image_arn)
        with backend.lock:
            ahead = _statuses_ahead(image)
            if fault.at not in ahead:
                can = f"it can still stop at {', '.join(ahead)}" if ahead else "it has ended"
                raise ValueError(
                    f"{image_arn} will not reach {fault.at} (it is {image.status} on its path "
                    f"{' → '.join(image.path)}); {can}"
                )
            builds.plan_fault(backend, image_arn, fault)

    def _image(self, image_arn: str) -> tuple[Backend, Image]:
        from ._domain import image_records
        from ._domain.arns import parse_arn

        parsed = parse_arn(image_arn)
        if parsed is None:
            raise ValueError(f"not an image ARN: {image_arn}")
        # Looking an image up creates nothing, like a read.
        backend = self.service.registry.find(parsed.account, parsed.region)
        image = backend.find(image_arn) if backend is not None else None
        if backend is None or not isinstance(image, image_records.Image):
            raise KeyError(f"no image build {image_arn} in {parsed.account}/{parsed.region}")
        return backend, image

    # -- scheduled work ------------------------------------------------------------------

    def run_schedules(self) -> list[str]:
        """Start the scheduled pipeline builds due by the mock's clock, everywhere.

        Returns the build ARNs started. Pair with ``set_time``/``tick`` to step
        through a pipeline's cron schedule.
        """
        from ._domain import pipelines

        started: list[str] = []
        for backend in self.service.registry.existing():
            with backend.lock:
                started.extend(image.arn for image in pipelines.run_due_schedules(backend))
        return started

    def run_lifecycle_policies(
        self,
        policy_arn: str | None = None,
        *,
        region: str | None = None,
        account_id: str | None = None,
    ) -> list[str]:
        """Run lifecycle policies now, as their daily run would; returns execution ids.

        With ``policy_arn``, that policy (in the account and region its ARN names);
        otherwise every enabled policy of one account and region (the mock's
        defaults unless given).
        """
        from ._domain import lifecycle
        from ._domain.arns import parse_arn

        if policy_arn is not None:
            parsed = parse_arn(policy_arn)
            if parsed is None:
                raise ValueError(f"not a lifecycle policy ARN: {policy_arn}")
            backend = self.service.registry.get(parsed.account, parsed.region)
        else:
            backend = self.backend(region, account_id)
        return lifecycle.run_lifecycle_policies(backend, policy_arn)

    # The verbs taking ``**options`` keep ``self`` positional-only, so an option can
    # never be mistaken for it (and the mock's delegating verbs type-check).
    def add_scan_finding(
        self, /, *, region: str | None = None, account_id: str | None = None, **fields: Any
    ) -> dict[str, Any]:
        """Seed an image scan finding (``ImageScanFinding`` members as keywords,
        e.g. ``severity="HIGH"``, ``imageBuildVersionArn=...``, ``vulnerabilityId=...``);
        returns it as ListImageScanFindings shows it."""
        from ._domain import scans

        backend = self.backend(region, account_id)
        with backend.lock:
            return scans.add_finding(backend, **fields)

    # -- the AWS-managed catalog ---------------------------------------------------------

    def add_managed_component(
        self, /, name: str, version: str, *, region: str | None = None, **options: Any
    ) -> str:
        """Publish a component under ``aws`` (``owner=Amazon``) in a region; returns its ARN.

        Options: ``platform``, ``data`` (a component document), ``build``,
        ``supported_os_versions``, ``description``, ``change_description``, ``status``.
        """
        from ._domain import catalog

        backend = self.backend(region)
        with backend.lock:
            return catalog.add_managed_component(backend, name, version, **options).arn

    def add_managed_workflow(
        self,
        /,
        name: str,
        version: str,
        workflow_type: str = "BUILD",
        *,
        region: str | None = None,
        **options: Any,
    ) -> str:
        """Publish a workflow under ``aws`` in a region; returns its build ARN.

        Options: ``data`` (a workflow document), ``build``, ``description``.
        """
        from ._domain import catalog

        backend = self.backend(region)
        with backend.lock:
            return catalog.add_managed_workflow(
                backend, name, version, workflow_type, **options
            ).arn

    def add_managed_image(
        self, /, name: str, version: str, *, region: str | None = None, **options: Any
    ) -> str:
        """Publish a base image under ``aws`` in a region; returns its build ARN.

        Options: ``platform``, ``os_version``, ``build``.
        """
        from ._domain import catalog_images

        backend = self.backend(region)
        with backend.lock:
            return catalog_images.add_managed_image(backend, name, version, **options).arn

    # -- clock ---------------------------------------------------------------------------

    def now(self) -> dt.datetime:
        """The mock's clock: real time unless frozen by ``set_time``."""
        return self.service.now()

    def set_time(self, moment: dt.datetime | None) -> None:
        """Freeze the mock's clock at ``moment`` (naive means UTC); None unfreezes it."""
        if moment is not None and moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.timezone.utc)
        self.service.frozen_time = moment

    def tick(self, seconds: float) -> dt.datetime:
        """Move the frozen clock on (freezing it now if it runs)."""
        self.service.frozen_time = self.service.now() + dt.timedelta(seconds=seconds)
        return self.service.frozen_time
