"""One Image Builder per (account, region), created on first use."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .._errors import (
    already_exists,
    dependency_error,
    invalid_value,
    not_found,
)
from .arns import PUBLISHERS, build_arn, parse_arn, partition_for
from .iam import allows
from .idempotency import IdempotencyLedger
from .progression import BuildControl
from .resources import Resource
from .store import Store

__all__ = [
    "Backend",
    "BackendRegistry",
    "Clock",
    "Observer",
    "Resolver",
    "Seeder",
    "Settler",
    "Wiring",
]

R = TypeVar("R", bound=Resource)
P = TypeVar("P")
Clock = Callable[[], dt.datetime]


def _home_of(resource: Resource) -> tuple[str, str, str] | None:
    """The partition, region and account a resource lives in.

    Versioned records carry them as fields (set with the ARN, from the same
    values), which spares parsing the ARN of every candidate a lookup reads;
    other records answer from their ARN.
    """
    account = getattr(resource, "account", "")
    if account:
        return (getattr(resource, "partition", ""), getattr(resource, "region", ""), account)
    parsed = parse_arn(resource.arn)
    if parsed is None:
        return None
    return (parsed.partition, parsed.region, parsed.account)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# Seeds a new backend of an account with what it starts with (AWS-managed resources).
Seeder = Callable[["Backend"], None]
# Settles what the clock has made due, before a request is handled.
Settler = Callable[["Backend"], None]
# Picks the resource a version or wildcard reference stands for now, so that
# dependency checks see through it.
Resolver = Callable[["Backend", str], "Resource | None"]
# Told of every image status change as (backend, image, old, new); ``old`` is
# "" when the image is created. Typed loosely here because the image record
# lives above the backend; ``image_records.transition`` is the only caller.
Observer = Callable[["Backend", Any, str, str], None]


@dataclass(frozen=True)
class Wiring:
    """How the domain's parts meet, as the composition root (``assembly``) put them
    together: every backend of a registry shares one."""

    seeders: Mapping[str, tuple[Seeder, ...]] = field(default_factory=dict)
    settlers: tuple[Settler, ...] = ()
    resolvers: tuple[Resolver, ...] = ()
    observers: tuple[Observer, ...] = ()


class Backend:
    """The resources of one account in one region, and the rules that bind them."""

    def __init__(self, registry: BackendRegistry, account_id: str, region: str) -> None:
        self.registry = registry
        self.account_id = account_id
        self.region = region
        self.partition = partition_for(region)
        # Handlers run under this lock, so concurrent clients see whole operations.
        self.lock = threading.RLock()
        self.resources: dict[str, Resource] = {}
        # The same resources in one indexed store per exact class (``store``).
        self._stores: dict[type[Resource], Store[Any]] = {}
        self.idempotency = IdempotencyLedger()
        self._last_number: dict[str, int] = {}
        # State a family keeps beside its records (``part``), one object per class.
        self._parts: dict[type[Any], Any] = {}

    @property
    def wiring(self) -> Wiring:
        return self.registry.wiring

    def settle(self) -> None:
        """Settle what the clock has made due here: once per request, before its handler."""
        for settle in self.registry.wiring.settlers:
            settle(self)

    def now(self) -> dt.datetime:
        return self.registry.clock()

    def arn(
        self,
        resource_type: str,
        name_slug: str,
        version: str | None = None,
        build: int | None = None,
        *,
        account: str | None = None,
    ) -> str:
        return build_arn(
            self.region,
            account or self.account_id,
            resource_type,
            name_slug,
            version,
            build,
            partition=self.partition,
        )

    def next_build(self, version_arn: str) -> int:
        """The next build number of a version; numbers are never reused, even after deletes."""
        return self.next_number(version_arn)

    def next_number(self, series: str) -> int:
        """The next number of a series (1, 2, ...): counters live and reset with the state."""
        number = self._last_number.get(series, 0) + 1
        self._last_number[series] = number
        return number

    def part(self, cls: type[P]) -> P:
        """The state of ``cls`` this backend keeps for a family beside its records
        (made on first use), so it is saved, restored and reset with them."""
        part = self._parts.get(cls)
        if part is None:
            part = self._parts[cls] = cls()
        return part

    # -- storage ---------------------------------------------------------------------

    def ensure_free(self, resource: Resource) -> None:
        """Refuse a new resource whose ARN is taken."""
        if resource.arn in self.resources:
            raise already_exists(resource.kind, resource.arn)

    def add(self, resource: Resource) -> None:
        """Store a new resource; its ARN must be free."""
        self.ensure_free(resource)
        self.resources[resource.arn] = resource
        self.store(type(resource)).add(resource)

    def remove(self, resource: Resource) -> None:
        self.ensure_unreferenced(resource)
        del self.resources[resource.arn]
        self._stores[type(resource)].remove(resource)

    def find(self, arn: str) -> Resource | None:
        return self.resources.get(arn)

    def get(self, arn: str, kind: type[R], parameter: str) -> R:
        """The resource of that kind at ``arn``; a missing one is named in the error."""
        resource = self.resources.get(arn)
        if isinstance(resource, kind):
            return resource
        parsed = parse_arn(arn)
        if parsed is None:
            raise invalid_value(parameter, f"'{arn}' is not a valid {kind.kind} ARN.")
        raise not_found(arn)

    # -- who may read what -----------------------------------------------------------

    def may_read(self, resource: Resource, action: str | None = None) -> bool:
        """Whether this account may read ``resource`` here: the one rule for every
        cross-account and cross-region read.

        Resources are regional and ARNs name their partition: one of another
        region or partition is never read. In this region, the account reads
        its own resources and what publishers (``aws``, ...) publish; another
        account's resource only when its resource policy allows ``action``
        (by default ``imagebuilder:Get<Kind>``) to this account on its ARN.
        Sharing grants reading and referencing, never changing: operations
        that change or run a resource look it up among the caller's own.
        """
        if self.resources.get(resource.arn) is resource:
            return True
        home = _home_of(resource)
        if home is None or home[:2] != (self.partition, self.region):
            return False
        if home[2] == self.account_id or home[2] in PUBLISHERS:
            return True
        return allows(
            resource.policy,
            account=self.account_id,
            partition=self.partition,
            action=action or f"imagebuilder:Get{resource.kind}",
            resource_arn=resource.arn,
        )

    def owns(self, resource: Resource) -> bool:
        """Whether the resource is this account's own, in this region."""
        return _home_of(resource) == (self.partition, self.region, self.account_id)

    def home_of(self, resource: Resource) -> Backend:
        """The backend that stores ``resource`` (this one for the caller's own)."""
        parsed = parse_arn(resource.arn)
        if parsed is None or (parsed.account, parsed.region) == (self.account_id, self.region):
            return self
        return self.registry.get(parsed.account, parsed.region)

    def store(self, cls: type[R]) -> Store[R]:
        """The store of one exact record class (empty until its first record)."""
        store = self._stores.get(cls)
        if store is None:
            store = self._stores[cls] = Store()
        return store

    def stores(self, kind: type[R]) -> list[Store[R]]:
        """The stores of a kind: its own class's and its subclasses'."""
        return [store for cls, store in self._stores.items() if issubclass(cls, kind)]

    def of_kind(self, kind: type[R]) -> Iterator[R]:
        """The resources of a kind (subclasses included), oldest first within each class."""
        for store in self.stores(kind):
            yield from store

    def series(self, kind: type[R], key: tuple[str, ...]) -> list[R]:
        """Every version and build of one name (``Resource.series``) of a kind."""
        found: list[R] = []
        for store in self.stores(kind):
            found.extend(store.series(key))
        return found

    # -- dependencies ----------------------------------------------------------------

    def ensure_unreferenced(self, target: Resource) -> None:
        """Refuse to remove a resource that another one still names.

        One rule for every kind: a reference counts when it is the target's
        ARN or resolves to the target (a version or wildcard ARN that picks it).
        """
        for resource in self.resources.values():
            if resource is target:
                continue
            for ref in resource.references():
                if ref == target.arn or any(
                    resolve(self, ref) is target for resolve in self.registry.wiring.resolvers
                ):
                    raise dependency_error(target.arn)


# Set while a read-only request is handled in this thread (see ``BackendRegistry.reading``).
_READING: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "imagebuilder_reading", default=False
)


class BackendRegistry:
    """All backends of a mock, keyed by (account, region)."""

    def __init__(
        self,
        wiring: Wiring | None = None,
        clock: Clock = _utc_now,
        *,
        check_references: bool = True,
    ) -> None:
        self.wiring = wiring or Wiring()
        self.clock = clock
        self._backends: dict[tuple[str, str], Backend] = {}
        self._lock = threading.RLock()
        # How image builds progress and which of them fail: one setting per mock.
        self.builds = BuildControl()
        # Whether references to other services (an instance profile, a subnet, a KMS
        # key...) must exist in moto while moto is active; off for tests that do not
        # create what they name.
        self.check_references = check_references

    def get(self, account_id: str, region: str) -> Backend:
        key = (account_id, region)
        backend = self._backends.get(key)
        if backend is None and _READING.get():
            # A read creates nothing: an empty backend (with what seeders give
            # every one) answers it and is not kept.
            return self._new(account_id, region)
        if backend is None:
            with self._lock:
                backend = self._backends.get(key)
                if backend is None:
                    backend = self._backends[key] = self._new(account_id, region)
        return backend

    def _new(self, account_id: str, region: str) -> Backend:
        backend = Backend(self, account_id, region)
        for seed in self.wiring.seeders.get(account_id, ()):
            seed(backend)
        return backend

    def find(self, account_id: str, region: str) -> Backend | None:
        """The backend of (account, region) if it exists; never creates one."""
        return self._backends.get((account_id, region))

    @contextlib.contextmanager
    def reading(self, read_only: bool = True) -> Iterator[None]:
        """Within (when ``read_only``), ``get`` creates no backend: for read-only
        requests, so reads that name unknown accounts or regions leave nothing behind."""
        token = _READING.set(read_only)
        try:
            yield
        finally:
            _READING.reset(token)

    def existing(self) -> list[Backend]:
        return list(self._backends.values())

    def clear(self) -> None:
        with self._lock:
            self._backends.clear()
            self.builds.reset()
