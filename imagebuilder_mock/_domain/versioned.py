"""Resources with semantic versions: components, workflows, images and recipes.

Three ARN levels address them (user guide, "Semantic versioning"):
a build ARN ``…/1.0.0/2`` names one build; a version ARN ``…/1.0.0`` or a
wildcard ARN ``…/1.x.x`` / ``…/x.x.x`` (or no version at all) stands for the
latest build of the highest matching version. Recipes have no builds: their
version ARN is the concrete one.
"""

from __future__ import annotations

import datetime as dt
import functools
import heapq
import itertools
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from .._errors import (
    InvalidParameterCombination,
    already_exists,
    invalid_value,
)
from .arns import PUBLISHERS, Arn, parse_arn, slug
from .backend import Backend, Resolver
from .pagination import Ordered
from .resources import Getter, Resource
from .store import Store, store_order
from .versions import SemanticVersion, VersionSelector, parse_selector

__all__ = [
    "OWNER_ACCOUNTS",
    "Versioned",
    "builds_of",
    "by_list_order",
    "by_name_order",
    "by_newest_first",
    "is_visible",
    "latest_version_references",
    "list_order",
    "listed",
    "located",
    "match_version",
    "new_build",
    "newest_first",
    "owner_field",
    "reference_resolver",
    "resolve",
    "version_filter",
]

V = TypeVar("V", bound="Versioned")

# Where each ``owner`` value of the List operations finds its resources.
OWNER_ACCOUNTS = {"Amazon": "aws", "ThirdParty": "third-party", "AWSMarketplace": "aws-marketplace"}
_OWNER_NAMES = {account: name for name, account in OWNER_ACCOUNTS.items()}


_VERSION_ENTRIES = frozenset({"ComponentVersion", "ImageVersion", "WorkflowVersion"})
_VERSION_ENTRY: Mapping[str, Getter] = {
    "arn": operator.attrgetter("version_arn"),
    "version": lambda r: str(r.version),
}


@dataclass(eq=False)
class Versioned(Resource):
    """A resource at one semantic version (and one build, where the kind has builds)."""

    resource_type: str = ""
    name_slug: str = ""
    region: str = ""
    partition: str = "aws"
    account: str = ""
    version: SemanticVersion = SemanticVersion(0, 0, 0)
    build: int | None = None

    @property
    def version_arn(self) -> str:
        # The record's ARN is its version ARN and, for a build, ``/<build>``
        # (``located``): cut, not rebuilt, as List pages read it for every entry.
        arn = self.arn
        return arn if self.build is None else arn[: arn.rindex("/")]

    @functools.cached_property
    def list_order(self) -> tuple[Any, ...]:
        return list_order(self)

    @functools.cached_property
    def store_key(self) -> tuple[Any, ...]:
        # Name, then newest version and build first: every versioned List's order,
        # whose page keys (a version's, a name's) are prefixes of it.
        return newest_first(self)

    @property
    def series(self) -> tuple[str, ...]:
        return (self.resource_type, self.name_slug)

    @classmethod
    def shape_layer(cls, shape_name: str) -> Mapping[str, Getter]:
        # The List entries of ListComponents, ListImages and ListWorkflows stand for a
        # version, not a build: they carry the version ARN and a version without build.
        return _VERSION_ENTRY if shape_name in _VERSION_ENTRIES else {}

    def latest_version_references(self) -> dict[str, str]:
        version_arn = self.version_arn
        return latest_version_references(version_arn[: version_arn.rindex("/")], self.version)


def located(
    backend: Backend,
    resource_type: str,
    name: str,
    version: SemanticVersion,
    build: int | None = None,
    *,
    account: str | None = None,
    owner: str | None = None,
    tags: dict[str, str] | None = None,
    date_created: dt.datetime | None = None,
) -> dict[str, Any]:
    """The constructor arguments every versioned resource shares: its ARN, name,
    version, owner and the account and region it lives in."""
    account = account or backend.account_id
    name_slug = slug(name)
    return {
        "arn": backend.arn(resource_type, name_slug, str(version), build, account=account),
        "name": name,
        "owner": owner or account,
        "date_created": date_created or backend.now(),
        "tags": dict(tags or {}),
        "resource_type": resource_type,
        "name_slug": name_slug,
        "region": backend.region,
        "partition": backend.partition,
        "account": account,
        "version": version,
        "build": build,
    }


def latest_version_references(base_arn: str, version: SemanticVersion) -> dict[str, str]:
    """The wildcard ARNs that currently can pick this version."""
    return {
        "latestVersionArn": f"{base_arn}/x.x.x",
        "latestMajorVersionArn": f"{base_arn}/{version.major}.x.x",
        "latestMinorVersionArn": f"{base_arn}/{version.major}.{version.minor}.x",
        "latestPatchVersionArn": f"{base_arn}/{version}",
    }


_ANY_VERSION = VersionSelector((None, None, None))


def _candidates(backend: Backend, parsed: Arn, kind: type[V], action: str | None) -> Iterator[V]:
    """Resources of ``kind`` in the series the ARN names that the caller may read.

    Resources are regional: an ARN of another region or partition names none.
    """
    if (parsed.partition, parsed.region) != (backend.partition, backend.region):
        return iter(())
    home = backend
    if parsed.account != backend.account_id:
        home = backend.registry.get(parsed.account, parsed.region)
    series = home.series(kind, (parsed.resource_type, parsed.name))
    # The caller reads its own records and what publishers publish in its region
    # (``Backend.may_read``): only another account's are checked one by one.
    if home is backend or parsed.account in PUBLISHERS:
        return iter(series)
    return (resource for resource in series if backend.may_read(resource, action))


def resolve(
    backend: Backend,
    arn: str,
    kind: type[V],
    parameter: str = "arn",
    *,
    action: str | None = None,
    parsed: Arn | None = None,
) -> V | None:
    """The resource an ARN picks now for the caller: the build it names, or the
    latest build of the highest version a version or wildcard ARN matches, among
    what the caller may read (``Backend.may_read`` with ``action``). None when
    nothing matches. ``parsed`` is ``parse_arn(arn)`` when the caller has read it
    already."""
    exact = backend.find(arn)
    if isinstance(exact, kind):
        return exact
    if parsed is None:
        parsed = parse_arn(arn)
        if parsed is None:
            return None
    if parsed.build is not None:
        for resource in _candidates(backend, parsed, kind, action):
            if resource.arn == arn:
                return resource
        return None
    # No version and ``x.x.x`` (the usual parent image) pick from every version.
    selector = (
        _ANY_VERSION
        if parsed.version is None or parsed.version == "x.x.x"
        else parse_selector(parsed.version, parameter)
    )
    best: V | None = None
    for resource in _candidates(backend, parsed, kind, action):
        if selector.matches(resource.version) and (
            best is None
            or (resource.version, resource.build or 0) > (best.version, best.build or 0)
        ):
            best = resource
    return best


def _owner_stores(
    backend: Backend, kind: type[V], owner: str | None
) -> tuple[list[Store[V]], bool]:
    """The stores a List's ``owner`` reads (as ``owned`` selects), and whether
    each record's readability must still be checked (other accounts' records)."""
    owner = owner or "Self"
    if owner == "Self":
        return backend.stores(kind), False
    if owner == "Shared":
        stores: list[Store[V]] = []
        for other in backend.registry.existing():
            if other.region != backend.region or other.account_id == backend.account_id:
                continue
            if other.account_id not in OWNER_ACCOUNTS.values():
                stores.extend(other.stores(kind))
        return stores, True
    if owner in OWNER_ACCOUNTS:
        return backend.registry.get(OWNER_ACCOUNTS[owner], backend.region).stores(kind), False
    raise invalid_value("owner", f"Unknown owner '{owner}'.")  # the model's enum keeps others out


def listed(
    backend: Backend,
    kind: type[V],
    owner: str | None,
    *,
    per: str = "version",
    skip: Callable[[V], bool] | None = None,
) -> Ordered[V]:
    """What a versioned List shows, read in list order straight from the stores.

    ``per`` is ``version`` (the newest build of each version: ListComponents),
    ``name`` (the newest of each name: ``byName``) or ``build`` (every record).
    Records ``skip`` accepts are left out before the newest is picked. The page
    key to use with it is ``by_list_order``, ``by_name_order`` or ``newest_first``.
    """
    stores, check = _owner_stores(backend, kind, owner)
    groups: dict[str, Callable[[V], Any] | None] = {
        "version": by_list_order,
        "name": by_name_order,
        "build": None,
    }
    group = groups[per]

    def read(after: tuple[Any, ...] | None) -> Iterator[V]:
        # Built of iterators only (no Python step per record), as lazy as the
        # stores: a page reads as many records as it shows.
        records = _merged(stores, after)
        if skip is not None:
            records = itertools.filterfalse(skip, records)
        if check:
            records = filter(backend.may_read, records)
        if group is not None:
            # Store order puts the newest build of a version (or the newest
            # version of a name) first among its kin: the first of each group.
            kin = map(operator.itemgetter(1), itertools.groupby(records, group))
            records = map(next, kin)
        return records

    return read


def _merged(
    stores: list[Store[V]], after: tuple[Any, ...] | None, within: tuple[Any, ...] = ()
) -> Iterator[V]:
    """The records of ``stores`` (``Store.ordered``) as one stream in list order."""
    streams = [store.ordered(after, within) for store in stores]
    if len(streams) == 1:
        return streams[0]
    return heapq.merge(*streams, key=store_order)


# -- shared by the versioned families ---------------------------------------------------


def is_visible(backend: Backend, resource: Versioned, action: str | None = None) -> bool:
    """Whether the caller may read a resource: its own, AWS-published, or shared
    with it, in the caller's region (``Backend.may_read``)."""
    return backend.may_read(resource, action)


def owner_field(account: str) -> str:
    """The ``owner`` a resource reports: the account id, or ``Amazon`` for ``aws``."""
    return _OWNER_NAMES.get(account, account)


def new_build(
    backend: Backend,
    kind: type[V],
    series: tuple[str, ...],
    version_arn: str,
    content: Callable[[V], Any],
    requested: Any,
) -> int:
    """The build number a Create gets for a version (``version_arn``, of the
    ``series`` its records have) that may already have builds.

    The service makes a new build of an existing name and version, but refuses
    one that changes nothing: the latest build already is that resource.
    """
    builds = [r for r in backend.series(kind, series) if r.version_arn == version_arn]
    if builds:
        latest = max(builds, key=lambda r: r.build or 0)
        if content(latest) == requested:
            raise already_exists(kind.kind, latest.arn)
    return backend.next_build(version_arn)


def version_filter(filters: list[dict[str, Any]] | None, by_name: bool, plural: str) -> None:
    """Check the values of a ``version`` filter before any item is compared.

    ``byName`` lists one entry per name, so it cannot be combined with a version filter.
    """
    for i, entry in enumerate(filters or []):
        if entry.get("name") != "version":
            continue
        if by_name:
            raise InvalidParameterCombination(
                "The value supplied for parameter 'filters' is not valid. You cannot list "
                f"{plural} by name and filter by version in the same request."
            )
        for value in entry.get("values") or []:
            # A build number (``1.0.4/3``) matches nothing, it is not an error.
            if "/" not in value:
                parse_selector(value, f"filters[{i}].values")


def match_version(resource: Versioned, values: list[str]) -> bool:
    for value in values:
        if "/" in value:
            continue
        if parse_selector(value, "filters").matches(resource.version):
            return True
    return False


def list_order(resource: Versioned) -> tuple[Any, ...]:
    """Name, then newest version first: the order of ListComponents and ListWorkflows."""
    v = resource.version
    return (
        resource.name_slug,
        resource.resource_type,
        resource.account,
        -v.major,
        -v.minor,
        -v.patch,
    )


# Read as an attribute (computed once per record), sorting and paging a long
# list costs no Python call per item.
by_list_order = operator.attrgetter("list_order")


def by_name_order(resource: Versioned) -> tuple[Any, ...]:
    """The page key of a ``byName`` entry: its name, which it stands for."""
    return resource.list_order[:3]


# The same order as ``newest_first``, read from the record's cached ``store_key``:
# sorting and paging a long list of builds costs no Python call per item.
by_newest_first = operator.attrgetter("store_key")


def newest_first(resource: Versioned) -> tuple[Any, ...]:
    """Build-version lists: by name, then newest version and build first."""
    v = resource.version
    return (
        resource.name_slug,
        resource.resource_type,
        resource.account,
        -v.major,
        -v.minor,
        -v.patch,
        -(resource.build or 0),
    )


def builds_of(
    backend: Backend, version_arn: str | None, kind: type[V], parameter: str
) -> Ordered[V]:
    """The builds a ListXBuildVersions names: those of a version (or wildcard) ARN,
    wherever it lives, or all of the caller's own builds when no ARN is given.

    Read newest first (``newest_first``, the page key to use) straight from the
    stores: the builds of one version are a run of the store's list order, so a
    page costs what it shows however many builds the version has.
    """
    if version_arn is None:
        return listed(backend, kind, None, per="build")
    parsed = parse_arn(version_arn)
    if parsed is None or parsed.version is None:
        return lambda after: iter(())
    selector = parse_selector(parsed.version, parameter)
    home = backend.registry.get(parsed.account, parsed.region)
    stores = home.stores(kind)
    # Wildcards are right-aligned: the fixed nodes lead, and with the name they
    # are a prefix of the store keys (``newest_first``) of every build they match.
    fixed: list[int] = []
    for node in selector.nodes:
        if node is None:
            break
        fixed.append(-node)
    within = (parsed.name, parsed.resource_type, parsed.account, *fixed)
    exact = len(fixed) == sum(node is not None for node in selector.nodes)

    def read(after: tuple[Any, ...] | None) -> Iterator[V]:
        records = _merged(stores, after, within)
        if not exact:
            records = (r for r in records if selector.matches(r.version))
        # The caller reads all of its own builds; only another account's are checked one by one.
        if home is not backend:
            records = filter(backend.may_read, records)
        return records

    return read


def reference_resolver(kinds: Iterable[type[Versioned]]) -> Resolver:
    """The resolver that sees through version and wildcard references to ``kinds``."""
    searched = tuple(kinds)

    def resolve_any(backend: Backend, reference: str) -> Resource | None:
        parsed = parse_arn(reference)
        if parsed is None or parsed.build is not None:
            return None
        try:
            for kind in searched:
                found = resolve(backend, reference, kind)
                if found is not None:
                    return found
        except Exception:  # a malformed reference depends on nothing
            return None
        return None

    return resolve_any
