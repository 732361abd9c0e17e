"""Controller verbs for what runs: image progression, build faults and the clock.

Mixed into ``ImageBuilderMock``; everything here acts on the process-wide
state of the active mock, under the lock of the backend concerned.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ._domain.arns import parse_arn
from ._domain.progression import MODES, BuildFault, Mode, check_fault_status
from ._faults import require_count

if TYPE_CHECKING:
    from ._domain.image_records import Image
    from ._service import Service

__all__ = ["BuildController"]


def _statuses_ahead(image: Image) -> tuple[str, ...]:
    """The statuses where a fault on this build can still strike (its current one included)."""
    if image.is_finished or image.status not in image.path:
        return ()
    return image.path[image.path.index(image.status) : -1]


class BuildController:
    """How image builds move, fail and hang, and what time it is."""

    @property
    def service(self) -> Service:  # provided by ImageBuilderMock
        raise NotImplementedError

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

    def _image(self, image_arn: str) -> tuple[Any, Image]:
        from ._domain import image_records

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

    def _backend_of(self, region: str | None, account_id: str | None) -> Any:
        raise NotImplementedError  # provided by ImageBuilderMock.backend

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

        if policy_arn is not None:
            parsed = parse_arn(policy_arn)
            if parsed is None:
                raise ValueError(f"not a lifecycle policy ARN: {policy_arn}")
            backend = self.service.registry.get(parsed.account, parsed.region)
        else:
            backend = self._backend_of(region, account_id)
        return lifecycle.run_lifecycle_policies(backend, policy_arn)

    def add_scan_finding(
        self, *, region: str | None = None, account_id: str | None = None, **fields: Any
    ) -> dict[str, Any]:
        """Seed an image scan finding (``ImageScanFinding`` members as keywords,
        e.g. ``severity="HIGH"``, ``imageBuildVersionArn=...``, ``vulnerabilityId=...``);
        returns it as ListImageScanFindings shows it."""
        from ._domain import scans

        backend = self._backend_of(region, account_id)
        with backend.lock:
            return scans.add_finding(backend, **fields)

    # -- the AWS-managed catalog ---------------------------------------------------------

    def add_managed_component(
        self, name: str, version: str, *, region: str | None = None, **options: Any
    ) -> str:
        """Publish a component under ``aws`` (``owner=Amazon``) in a region; returns its ARN.

        Options: ``platform``, ``data`` (a component document), ``build``,
        ``supported_os_versions``, ``description``, ``change_description``, ``status``.
        """
        from ._domain import catalog

        backend = self._backend_of(region, None)
        with backend.lock:
            return catalog.add_managed_component(backend, name, version, **options).arn

    def add_managed_workflow(
        self,
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

        backend = self._backend_of(region, None)
        with backend.lock:
            return catalog.add_managed_workflow(
                backend, name, version, workflow_type, **options
            ).arn

    def add_managed_image(
        self, name: str, version: str, *, region: str | None = None, **options: Any
    ) -> str:
        """Publish a base image under ``aws`` in a region; returns its build ARN.

        Options: ``platform``, ``os_version``, ``build``.
        """
        from ._domain import catalog_images

        backend = self._backend_of(region, None)
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
