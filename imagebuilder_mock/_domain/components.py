"""Components: versioned AWSTOE documents that recipes run to build and test images.

Every Create makes a build version (``…/1.0.0/1``); creating the same name and
version again makes the next build (``…/1.0.0/2``) unless nothing differs from
the latest build. Get resolves build, version and wildcard ARNs; recipes look
components up with :func:`find_component`, which also answers for AWS-managed
components (the catalog).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .._errors import (
    ResourceDependency,
    not_found,
)
from .._model import service_model
from .arns import parse_arn
from .backend import Backend
from .catalog_documents import AWS_ACCOUNT, CATALOG_EPOCH, derived_component_data
from .conventions import check_exactly_one_source, check_s3_uri, read_s3_document
from .documents import (
    component_traits,
    parse_component_document,
    placeholder_component_data,
    shell_component_data,
)
from .filters import Matcher, field_equals
from .identifiers import platform_from_name
from .listing import list_page
from .operations import Operations, check_dry_run
from .references import check_kms_key
from .resources import Bag
from .versioned import (
    Versioned,
    builds_of,
    by_list_order,
    by_name_order,
    by_newest_first,
    listed,
    located,
    match_version,
    new_build,
    owner_field,
    resolve,
    version_filter,
)
from .versions import SemanticVersion, parse_selector, parse_version

__all__ = [
    "Component",
    "aws_component",
    "component_from_fields",
    "find_component",
    "managed_component",
]

# The operations this family serves; the composition root collects them.
OPERATIONS = Operations()

# What a component of no Marketplace or third-party publisher carries as ``extra``:
# one shared mapping (never written), not an empty dict per record.
_NO_EXTRA: Mapping[str, Any] = {}


@dataclass(eq=False)
class Component(Versioned):
    """One build version of a component."""

    kind = "Component"

    platform: str = "Linux"
    component_type: str = "BUILD"
    # ComponentParameterDetail dicts: name, type, defaultValue (list of str),
    # description. Read-only: components made from one document share them.
    parameters: Sequence[Mapping[str, Any]] = ()
    supported_os_versions: Sequence[str] = ()
    data: str = ""
    description: str | None = None
    change_description: str | None = None
    kms_key_id: str | None = None
    status: str = "ACTIVE"
    status_reason: str | None = None
    # Members only Marketplace and third-party components carry (publisher, productCodes, ...).
    extra: Mapping[str, Any] = field(default_factory=lambda: _NO_EXTRA)
    # A digest of the request settings this build was made from, to tell a
    # no-change re-create (only ever compared, so the settings are not kept twice).
    content: bytes = b""

    @property
    def document(self) -> dict[str, Any]:
        """The parsed document. Nothing the service answers reads it, so the record
        keeps only ``data`` and parses again (cached) on the rare read."""
        return _parse_published(self.data, self.platform).document

    # Members only some publishers' components carry, then those every record keeps.
    layers = (
        *Versioned.layers,
        Bag("extra"),
        {
            "version": lambda component: str(component.version),
            "description": operator.attrgetter("description"),
            "changeDescription": operator.attrgetter("change_description"),
            "type": operator.attrgetter("component_type"),
            "platform": operator.attrgetter("platform"),
            "supportedOsVersions": lambda component: list(component.supported_os_versions) or None,
            "state": lambda component: _state(component),
            "status": operator.attrgetter("status"),
            "parameters": lambda component: [dict(p) for p in component.parameters] or None,
            "data": operator.attrgetter("data"),
            "kmsKeyId": operator.attrgetter("kms_key_id"),
            # Image Builder encrypts every component at rest (AWS-owned key by default).
            "encrypted": lambda component: True,
        },
    )


def _state(component: Component) -> dict[str, Any]:
    state: dict[str, Any] = {"status": component.status}
    if component.status_reason:
        state["reason"] = component.status_reason
    return state


# -- lookups -------------------------------------------------------------------------


def find_component(backend: Backend, arn: str, parameter: str = "arn") -> Component | None:
    """The component build an ARN picks for the caller, or None.

    Build, version and wildcard ARNs in the caller's region; the caller's own
    components, other accounts' components shared with it, and AWS-managed
    ones (an ``aws`` component the catalog lacks is derived from its name). A
    wildcard that is not right-aligned (``1.x.2``) raises
    InvalidParameterValueException on ``parameter``.
    """
    own = backend.find(arn)
    if isinstance(own, Component):
        # The build ARN of one of the caller's own components (the common case):
        # stored under it, so it passes every check below, and resolve would
        # answer it.
        return own
    parsed = parse_arn(arn)
    if parsed is None or parsed.resource_type != "component":
        return None
    if parsed.version is not None and parsed.build is None:
        parse_selector(parsed.version, parameter)
    found = resolve(backend, arn, Component, parameter)
    if found is not None:
        return found
    if (parsed.partition, parsed.region) != (backend.partition, backend.region):
        # Resources are regional: not even AWS's components of another region.
        return None
    return aws_component(backend, arn)


# -- AWS-managed components ----------------------------------------------------------

# The parsed documents Component.document reads (published ones, read again and again).
_parse_published = functools.lru_cache(maxsize=128)(parse_component_document)


def managed_component(
    backend: Backend,
    name: str,
    data: str,
    platform: str,
    version: SemanticVersion,
    build: int,
    date_created: dt.datetime,
    **attributes: Any,
) -> Component:
    """An ``aws`` component record of ``backend`` (the region's ``aws`` backend),
    not stored: the catalog stores what it publishes, derived components stay out."""
    traits = component_traits(data, platform)
    return component_from_fields(
        backend,
        name=name,
        version=version,
        build=build,
        account=AWS_ACCOUNT,
        date_created=date_created,
        platform=platform,
        component_type=traits.component_type,
        parameters=traits.parameters,
        data=data,
        **attributes,
    )


@functools.cache
def _publishable_name() -> re.Pattern[str]:
    """The model's ResourceName pattern, which every published component name meets
    (compiled on first use, so importing the package does not read the model)."""
    return re.compile(str(service_model().shape_for("ResourceName").metadata["pattern"]))


def aws_component(backend: Backend, arn: str) -> Component | None:
    """The AWS-managed component an ``aws`` component ARN names, or None for other ARNs.

    Catalog entries resolve as usual. A well-formed ARN the catalog lacks is
    still accepted (AWS publishes more than any catalog holds): the component
    is derived from the name, taking platform and type from a catalog entry of
    the same name if there is one, else from the name (``windows``/``macos``/
    ``linux``; ``test`` makes a TEST component). Wildcard nodes become 0
    (``x.x.x`` → 1.0.0), a missing build becomes 1. Derived components are not
    stored, so they never show up in ListComponents.
    """
    parsed = parse_arn(arn)
    if parsed is None or parsed.account != AWS_ACCOUNT or parsed.resource_type != "component":
        return None
    home = backend.registry.get(AWS_ACCOUNT, parsed.region)
    found = resolve(home, arn, Component)
    if found is not None:
        return found
    # Only a name AWS could have published, in the caller's own region, is taken on trust.
    if parsed.region != backend.region or not _publishable_name().match(parsed.name):
        return None
    nodes = [0 if n == "x" else int(n) for n in (parsed.version or "x.x.x").split(".")]
    version = SemanticVersion(*nodes) if any(nodes) else SemanticVersion(1, 0, 0)
    known = resolve(home, str(parsed.with_version(None)), Component)
    if known is not None:
        platform, data = known.platform, known.data
        extra = {
            "supported_os_versions": list(known.supported_os_versions),
            "description": known.description,
        }
    else:
        platform = platform_from_name(parsed.name)
        kind = "TEST" if "test" in parsed.name.split("-") else "BUILD"
        data, extra = derived_component_data(parsed.name, platform, kind), {}
    return managed_component(
        home, parsed.name, data, platform, version, parsed.build or 1, CATALOG_EPOCH, **extra
    )


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


def _content(params: dict[str, Any]) -> bytes:
    # The members are strings, lists of strings or absent. Each is written with
    # its kind and length, so no two settings write the same text whatever
    # characters the document holds (and the document is not escaped, as a
    # repr would).
    parts: list[str] = []
    for value in map(params.get, _CONTENT_MEMBERS):
        if value is None:
            parts.append("-")
        elif isinstance(value, str):
            parts += (f"s{len(value)}:", value)
        else:
            parts.append(f"l{len(value)}:")
            for item in value:
                parts += (f"s{len(item)}:", item)
    text = "".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(text, digest_size=16).digest()


def _new_component(
    backend: Backend,
    params: dict[str, Any],
    data: str,
    component_type: str | None = None,
) -> Component:
    """Validate a Create/Import request and make its component (not stored yet)."""
    version = parse_version(params["semanticVersion"])
    platform = params["platform"]
    traits = component_traits(data, platform)
    # The ARN gets its build number when the component is stored.
    return Component(
        **located(backend, "component", params["name"], version, tags=params.get("tags")),
        platform=platform,
        component_type=component_type or traits.component_type,
        parameters=traits.parameters,
        supported_os_versions=tuple(params.get("supportedOsVersions") or ()),
        data=data,
        description=params.get("description"),
        change_description=params.get("changeDescription"),
        kms_key_id=params.get("kmsKeyId"),
        content=_content(params),
    )


def _store(backend: Backend, component: Component) -> Component:
    """Give a validated component its build number and keep it."""
    component.build = new_build(
        backend,
        Component,
        component.series,
        component.version_arn,
        lambda c: c.content,
        component.content,
    )
    component.arn = backend.arn(
        "component", component.name_slug, str(component.version), component.build
    )
    backend.add(component)
    return component


@OPERATIONS.handles("CreateComponent")
def create_component(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    check_exactly_one_source(params)
    if "uri" in params:
        check_s3_uri(params["uri"])
        # The document in moto's S3, validated as inline data is; without moto,
        # a component from S3 holds a placeholder BUILD document.
        data = read_s3_document(
            backend.account_id, params["uri"], "uri"
        ) or placeholder_component_data(params["name"], params["uri"], params["platform"])
    else:
        data = params["data"]
    component = _new_component(backend, params, data)
    check_kms_key(backend, params.get("kmsKeyId"), "kmsKeyId")
    check_dry_run(params)
    _store(backend, component)
    return {
        "componentBuildVersionArn": component.arn,
        "latestVersionReferences": component.latest_version_references(),
    }


@OPERATIONS.handles("ImportComponent")
def import_component(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    check_exactly_one_source(params)
    if "uri" in params:
        check_s3_uri(params["uri"])
        script = (
            read_s3_document(backend.account_id, params["uri"], "uri")
            or f"echo 'script from {params['uri']}'"
        )
    else:
        script = params["data"]
    data = shell_component_data(params["name"], script, params["type"], params["platform"])
    component = _new_component(backend, params, data, params["type"])
    check_kms_key(backend, params.get("kmsKeyId"), "kmsKeyId")
    _store(backend, component)
    return {"componentBuildVersionArn": component.arn}


@OPERATIONS.handles("GetComponent")
def get_component(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    component = _get_or_fail(
        backend, params["componentBuildVersionArn"], "componentBuildVersionArn"
    )
    return {
        "component": component.view("Component"),
        "latestVersionReferences": component.latest_version_references(),
    }


@OPERATIONS.handles("DeleteComponent")
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


def _deprecated(component: Component) -> bool:
    return component.status == "DEPRECATED"


@OPERATIONS.handles("ListComponents")
def list_components(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    by_name = bool(params.get("byName"))
    filters = params.get("filters")
    version_filter(filters, by_name, "Components")
    # Deprecated versions are listed only when a ``status`` filter asks for them.
    hide_deprecated = not any(f.get("name") == "status" for f in filters or [])
    return list_page(
        backend,
        "ListComponents",
        listed(
            backend,
            Component,
            params.get("owner"),
            per="name" if by_name else "version",
            skip=_deprecated if hide_deprecated else None,
        ),
        params,
        matchers=_MATCHERS,
        sort_key=by_name_order if by_name else by_list_order,
        view="ComponentVersion",
        result_key="componentVersionList",
    )


@OPERATIONS.handles("ListComponentBuildVersions")
def list_component_build_versions(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    return list_page(
        backend,
        "ListComponentBuildVersions",
        builds_of(backend, params.get("componentVersionArn"), Component, "componentVersionArn"),
        params,
        matchers={},
        sort_key=by_newest_first,
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
