"""Components: versioned AWSTOE documents that recipes run to build and test images.

Every Create makes a build version (``…/1.0.0/1``); creating the same name and
version again makes the next build (``…/1.0.0/2``) unless nothing differs from
the latest build. Get resolves build, version and wildcard ARNs; recipes look
components up with :func:`find_component`, which also answers for AWS-managed
components (the catalog).
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .._errors import (
    InvalidParameterCombination,
    ResourceAlreadyExists,
    ResourceDependency,
    invalid_value,
    not_found,
)
from .arns import parse_arn
from .backend import Backend
from .documents import (
    parse_component_document,
    placeholder_component_data,
    shell_component_data,
)
from .filters import Matcher, field_equals
from .listing import list_page
from .operations import check_dry_run, handles
from .versioned import (
    OWNER_ACCOUNTS,
    Versioned,
    located,
    owned,
    policy_grants,
    register_kind,
    resolve,
)
from .versions import SemanticVersion, parse_selector, parse_version

__all__ = [
    "Component",
    "builds_of",
    "by_list_order",
    "check_exactly_one_source",
    "check_s3_uri",
    "component_from_fields",
    "find_component",
    "is_visible",
    "list_order",
    "match_version",
    "new_build",
    "newest_first",
    "newest_per_series",
    "owner_field",
    "version_filter",
]

V = TypeVar("V", bound=Versioned)

# The owner field of AWS-published resources names the publisher, not an account.
_OWNER_NAMES = {account: name for name, account in OWNER_ACCOUNTS.items()}
_S3_URI = re.compile(r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+$")


@register_kind
@dataclass(eq=False)
class Component(Versioned):
    """One build version of a component."""

    kind = "Component"

    platform: str = "Linux"
    component_type: str = "BUILD"
    # ComponentParameterDetail dicts: name, type, defaultValue (list of str), description.
    parameters: list[dict[str, Any]] = field(default_factory=list)
    supported_os_versions: list[str] = field(default_factory=list)
    document: dict[str, Any] = field(default_factory=dict)
    data: str = ""
    description: str | None = None
    change_description: str | None = None
    kms_key_id: str | None = None
    status: str = "ACTIVE"
    status_reason: str | None = None
    # Members only Marketplace and third-party components carry (publisher, productCodes, ...).
    extra: dict[str, Any] = field(default_factory=dict)
    # The request settings this build was made from, to tell a no-change re-create.
    content: tuple[Any, ...] = ()

    def fields(self) -> dict[str, Any]:
        values = super().fields()
        state: dict[str, Any] = {"status": self.status}
        if self.status_reason:
            state["reason"] = self.status_reason
        values.update(self.extra)
        values.update(
            {
                "version": str(self.version),
                "description": self.description,
                "changeDescription": self.change_description,
                "type": self.component_type,
                "platform": self.platform,
                "supportedOsVersions": list(self.supported_os_versions) or None,
                "state": state,
                "status": self.status,
                "parameters": [dict(p) for p in self.parameters] or None,
                "data": self.data,
                "kmsKeyId": self.kms_key_id,
                # Image Builder encrypts every component at rest (AWS-owned key by default).
                "encrypted": True,
            }
        )
        return values

    @functools.cached_property
    def list_order(self) -> tuple[Any, ...]:
        return list_order(self)


# -- shared by components and workflows -------------------------------------------


def is_visible(backend: Backend, resource: Versioned) -> bool:
    """Whether the caller may see a resource: its own, AWS-published, or shared with it."""
    return (
        resource.account == backend.account_id
        or resource.account in _OWNER_NAMES
        or policy_grants(resource.policy, backend.account_id)
    )


def owner_field(account: str) -> str:
    """The ``owner`` a resource reports: the account id, or ``Amazon`` for ``aws``."""
    return _OWNER_NAMES.get(account, account)


def check_exactly_one_source(params: dict[str, Any]) -> None:
    if ("data" in params) == ("uri" in params):
        raise InvalidParameterCombination("You must specify exactly one of data or uri.")


def check_s3_uri(uri: str) -> None:
    if not _S3_URI.match(uri):
        raise invalid_value("uri", "The uri must be an Amazon S3 URL of the form s3://bucket/key.")


def new_build(
    backend: Backend,
    kind: type[V],
    version_arn: str,
    content: Callable[[V], Any],
    requested: Any,
) -> int:
    """The build number a Create gets for a version that may already have builds.

    The service makes a new build of an existing name and version, but refuses
    one that changes nothing: the latest build already is that resource.
    """
    builds = [r for r in backend.of_kind(kind) if r.version_arn == version_arn]
    if builds:
        latest = max(builds, key=lambda r: r.build or 0)
        if content(latest) == requested:
            raise ResourceAlreadyExists(
                f"The following resource '{kind.kind}' already exists: '{latest.arn}'."
            )
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


# -- lookups -------------------------------------------------------------------------


def find_component(backend: Backend, arn: str, parameter: str = "arn") -> Component | None:
    """The component build an ARN picks for the caller, or None.

    Build, version and wildcard ARNs; the caller's own components, other
    accounts' components shared with it, and AWS-managed ones (an ``aws``
    component the catalog lacks is derived from its name). A wildcard that is
    not right-aligned (``1.x.2``) raises InvalidParameterValueException on
    ``parameter``.
    """
    parsed = parse_arn(arn)
    if parsed is None or parsed.resource_type != "component":
        return None
    if parsed.version is not None and parsed.build is None:
        parse_selector(parsed.version, parameter)
    found = resolve(backend, arn, Component, parameter)
    if found is not None:
        return found if is_visible(backend, found) else None
    # Imported late: the catalog builds Component records.
    from .catalog import aws_component

    return aws_component(backend, arn)


def _get_or_fail(backend: Backend, arn: str, parameter: str) -> Component:
    component = find_component(backend, arn, parameter)
    if component is None:
        raise not_found(arn)
    return component


# -- handlers ------------------------------------------------------------------------

# What makes two builds of one version the same component (tags and tokens do not).
_CONTENT_MEMBERS = (
    "type",
    "data",
    "uri",
    "platform",
    "description",
    "changeDescription",
    "supportedOsVersions",
    "kmsKeyId",
)


def _content(params: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(tuple(v) if isinstance(v := params.get(k), list) else v for k in _CONTENT_MEMBERS)


def _new_component(
    backend: Backend,
    params: dict[str, Any],
    data: str,
    component_type: str | None = None,
) -> Component:
    """Validate a Create/Import request and make its component (not stored yet)."""
    version = parse_version(params["semanticVersion"])
    platform = params["platform"]
    parsed = parse_component_document(data, platform)
    # The ARN gets its build number when the component is stored.
    return Component(
        **located(backend, "component", params["name"], version, tags=params.get("tags")),
        platform=platform,
        component_type=component_type or parsed.component_type,
        parameters=parsed.parameters,
        supported_os_versions=list(params.get("supportedOsVersions") or []),
        document=parsed.document,
        data=data,
        description=params.get("description"),
        change_description=params.get("changeDescription"),
        kms_key_id=params.get("kmsKeyId"),
        content=_content(params),
    )


def _store(backend: Backend, component: Component) -> Component:
    """Give a validated component its build number and keep it."""
    component.build = new_build(
        backend, Component, component.version_arn, lambda c: c.content, component.content
    )
    component.arn = backend.arn(
        "component", component.name_slug, str(component.version), component.build
    )
    backend.add(component)
    return component


@handles("CreateComponent")
def create_component(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    check_exactly_one_source(params)
    if "uri" in params:
        # No S3 here: a component from S3 holds a placeholder BUILD document.
        check_s3_uri(params["uri"])
        data = placeholder_component_data(params["name"], params["uri"], params["platform"])
    else:
        data = params["data"]
    component = _new_component(backend, params, data)
    check_dry_run(params)
    _store(backend, component)
    return {
        "componentBuildVersionArn": component.arn,
        "latestVersionReferences": component.latest_version_references(),
    }


@handles("ImportComponent")
def import_component(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    check_exactly_one_source(params)
    if "uri" in params:
        check_s3_uri(params["uri"])
        script = f"echo 'script from {params['uri']}'"
    else:
        script = params["data"]
    data = shell_component_data(params["name"], script, params["type"], params["platform"])
    component = _new_component(backend, params, data, params["type"])
    _store(backend, component)
    return {"componentBuildVersionArn": component.arn}


@handles("GetComponent")
def get_component(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    component = _get_or_fail(
        backend, params["componentBuildVersionArn"], "componentBuildVersionArn"
    )
    return {
        "component": component.view("Component"),
        "latestVersionReferences": component.latest_version_references(),
    }


@handles("DeleteComponent")
def delete_component(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["componentBuildVersionArn"]
    component = backend.get(arn, Component, "componentBuildVersionArn")
    if component.policy:
        # The service keeps a build that other accounts were given access to.
        raise ResourceDependency(
            f"Resource dependency error: The resource ARN '{arn}' is shared with other accounts."
        )
    backend.remove(component)
    return {"componentBuildVersionArn": arn}


def _component_matchers() -> dict[str, Matcher[Component]]:
    return {
        "description": field_equals(lambda c: c.description),
        "name": field_equals(lambda c: c.name),
        "platform": field_equals(lambda c: c.platform),
        "productCodes": field_equals(
            lambda c: [p.get("productCodeId") for p in c.extra.get("productCodes", [])]
        ),
        "status": field_equals(lambda c: c.status),
        "supportedOsVersion": field_equals(lambda c: c.supported_os_versions),
        "type": field_equals(lambda c: c.component_type),
        "version": match_version,
    }


_MATCHERS = _component_matchers()


def newest_per_series(items: Iterable[V], by_name: bool, hide_deprecated: bool = False) -> list[V]:
    """The newest build of each version (or of each name when ``by_name``).

    List operations run this over every stored build on every page, so it keys
    on strings: a build ARN without its build number is its version ARN.
    """
    newest: dict[Any, V] = {}
    for resource in items:
        if hide_deprecated and getattr(resource, "status", None) == "DEPRECATED":
            continue
        key: Any = (
            (resource.resource_type, resource.account, resource.name_slug)
            if by_name
            else resource.arn.rpartition("/")[0]
        )
        current = newest.get(key)
        if current is None or (resource.version, resource.build or 0) > (
            current.version,
            current.build or 0,
        ):
            newest[key] = resource
    return list(newest.values())


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


@handles("ListComponents")
def list_components(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    by_name = bool(params.get("byName"))
    filters = params.get("filters")
    version_filter(filters, by_name, "Components")
    # Deprecated versions are listed only when a ``status`` filter asks for them.
    hide_deprecated = not any(f.get("name") == "status" for f in filters or [])
    return list_page(
        "ListComponents",
        newest_per_series(owned(backend, Component, params.get("owner")), by_name, hide_deprecated),
        params,
        matchers=_MATCHERS,
        sort_key=by_list_order,
        view="ComponentVersion",
        result_key="componentVersionList",
    )


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


def builds_of(backend: Backend, version_arn: str | None, kind: type[V], parameter: str) -> list[V]:
    """The builds a ListXBuildVersions names: those of a version (or wildcard) ARN,
    wherever it lives, or all of the caller's own builds when no ARN is given."""
    if version_arn is None:
        return list(backend.of_kind(kind))
    parsed = parse_arn(version_arn)
    if parsed is None or parsed.version is None:
        return []
    selector = parse_selector(parsed.version, parameter)
    home = backend.registry.get(parsed.account, parsed.region)
    return [
        r
        for r in home.of_kind(kind)
        if (r.resource_type, r.name_slug) == (parsed.resource_type, parsed.name)
        and selector.matches(r.version)
        and is_visible(backend, r)
    ]


@handles("ListComponentBuildVersions")
def list_component_build_versions(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    return list_page(
        "ListComponentBuildVersions",
        builds_of(backend, params.get("componentVersionArn"), Component, "componentVersionArn"),
        params,
        matchers={},
        sort_key=newest_first,
        view="ComponentSummary",
        result_key="componentSummaryList",
    )


def component_from_fields(
    backend: Backend,
    *,
    name: str,
    version: SemanticVersion,
    build: int,
    account: str,
    **attributes: Any,
) -> Component:
    """A component record at a given ARN (the catalog builds its entries with this)."""
    return Component(
        **located(
            backend,
            "component",
            name,
            version,
            build,
            account=account,
            owner=owner_field(account),
            date_created=attributes.pop("date_created", None),
        ),
        **attributes,
    )
