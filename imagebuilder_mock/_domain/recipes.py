"""Image recipes and container recipes: what goes into an image, on top of which base.

Both are versioned without builds: ``…/image-recipe/<slug>/1.0.0`` is the
recipe itself, and creating the same name and version again is refused. A
``semanticVersion`` with wildcards (``1.0.x``) asks the service to pick the
next free version. Component and parent image references are stored exactly
as given (wildcards stay wildcards) and checked when the recipe is created.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .._errors import (
    InvalidParameterCombination,
    InvalidRequest,
    InvalidVersionNumber,
    ServiceQuotaExceeded,
    already_exists,
    invalid_value,
    not_found,
)
from .arns import parse_arn, slug
from .backend import Backend
from .components import Component, find_component
from .conventions import exactly_one_of, read_s3_document
from .filters import Matcher, field_equals
from .identifiers import is_ami_id, is_s3_uri, platform_from_name
from .image_records import Image
from .listing import list_page
from .operations import Operations, create
from .references import check_kms_key, check_parent_ami, check_repository
from .resources import Bag
from .versioned import (
    OWNER_ACCOUNTS,
    Versioned,
    by_list_order,
    is_visible,
    listed,
    located,
    resolve,
)
from .versions import MAX_NODE, SemanticVersion, parse_selector

__all__ = [
    "COMPONENT_QUOTA",
    "ContainerRecipe",
    "ImageRecipe",
    "Recipe",
    "next_version",
]

# The operations this family serves; the composition root collects them.
OPERATIONS = Operations()

# "A recipe can contain a maximum of 20 build and test components ... by
# default" (ImageRecipe.components in the model docs): a service quota, not a
# model constraint, so it is answered with ServiceQuotaExceededException.
COMPONENT_QUOTA = 20

# Request members that are identity or plumbing, not part of the recipe itself.
_NOT_SETTINGS = frozenset({"name", "semanticVersion", "tags", "clientToken", "dryRun"})

# Marketplace product ids: ``prod-<base32>`` and the older UUID form.
_PRODUCT_ID = re.compile(
    r"^(?:prod-[a-z0-9]{8,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)


@dataclass(eq=False)
class Recipe(Versioned):
    """What image and container recipes share: components, a parent, a platform."""

    platform: str = "Linux"
    # Every request member that describes the recipe, kept as sent so that a
    # member the model adds later is returned by Get without code changes.
    settings: dict[str, Any] = field(default_factory=dict)

    def references(self) -> Iterable[str]:
        # Components are the only dependencies: the parent image is not
        # protected by a recipe (images embed copies of what they were built from).
        return [c["componentArn"] for c in self.settings.get("components") or ()]

    # The request's members as sent, then what the record keeps itself.
    layers = (
        *Versioned.layers,
        Bag("settings"),
        {
            "version": lambda recipe: str(recipe.version),
            "platform": operator.attrgetter("platform"),
        },
    )


@dataclass(eq=False)
class ImageRecipe(Recipe):
    kind = "ImageRecipe"

    layers = (*Recipe.layers, {"type": lambda recipe: "AMI"})


@dataclass(eq=False)
class ContainerRecipe(Recipe):
    kind = "ContainerRecipe"

    layers = (
        *Recipe.layers,
        {
            # Container recipes are always encrypted, with an AWS-owned key when no CMK is given.
            "encrypted": lambda recipe: True,
            "instanceImage": lambda recipe: (
                recipe.settings.get("instanceConfiguration") or {}
            ).get("image"),
        },
    )


# -- versions -----------------------------------------------------------------------


def next_version(
    backend: Backend, resource_type: str, name_slug: str, text: str
) -> SemanticVersion:
    """The version a create asks for; wildcards pick the next free one.

    The left-most ``x`` is the node that moves: ``1.0.x`` after 1.0.3 gives
    1.0.4, ``1.x.x`` after 1.2.3 gives 1.3.0, ``x.x.x`` after 2.2.4 gives
    3.0.0. With no matching version yet, fixed nodes are kept and the free
    ones start at 0, except that a fully free ``x.x.x`` starts at 1.0.0.
    """
    selector = parse_selector(text, "semanticVersion")
    nodes = list(selector.nodes)
    if not selector.is_wildcard:
        # Kept as written (``2019.12.03``), as components keep theirs; it still
        # compares and matches wildcards as numbers. (What parse_version would
        # make of it: the selector has checked the same digits and bounds.)
        major, minor, patch = selector.nodes
        assert major is not None and minor is not None and patch is not None
        return SemanticVersion(major, minor, patch, text=text)
    free = nodes.index(None)
    existing = [
        r.version
        for r in backend.series(Recipe, (resource_type, name_slug))
        if selector.matches(r.version)
    ]
    if not existing:
        start = [n if n is not None else 0 for n in nodes]
        if free == 0:
            start[0] = 1
        return SemanticVersion(*start)
    highest = max(existing)
    bumped = [highest.major, highest.minor, highest.patch][:free] + [0, 0, 0][free:]
    bumped[free] = [highest.major, highest.minor, highest.patch][free] + 1
    if bumped[free] > MAX_NODE:
        raise InvalidVersionNumber(
            f"The semantic version '{text}' is not valid. No free version is left: "
            f"each node must be between 0 and {MAX_NODE}."
        )
    return SemanticVersion(*bumped)


# -- parent images ------------------------------------------------------------------


def _parent_image_record(backend: Backend, arn: str, parameter: str) -> Image | None:
    """The image an Image Builder image ARN names, if it must and can be found.

    AWS-published images not in the catalog are accepted with attributes taken
    from their name (the catalog cannot hold everything AWS publishes).
    """
    parsed = parse_arn(arn)
    if parsed is None or parsed.resource_type != "image":
        raise invalid_value(
            parameter,
            f"'{arn}' is not an Image Builder image ARN. Specify an AMI ID, an image ARN, "
            "an SSM parameter (ssm:<name>) or an AWS Marketplace product ID.",
        )
    found = resolve(backend, arn, Image, parameter, parsed=parsed)
    if found is not None and is_visible(backend, found):
        return found
    # Only what AWS could publish in the caller's own region and partition is
    # taken on trust: resources are regional.
    here = (parsed.partition, parsed.region) == (backend.partition, backend.region)
    if parsed.account in OWNER_ACCOUNTS.values() and here:
        return None
    raise invalid_value(parameter, f"The image '{arn}' does not exist.")


@dataclass(frozen=True)
class _Parent:
    platform: str
    os_version: str | None = None


def _image_arn_parent(backend: Backend, arn: str, parameter: str) -> _Parent:
    record = _parent_image_record(backend, arn, parameter)
    if record is None:
        parsed = parse_arn(arn)
        return _Parent(platform_from_name(parsed.name if parsed else arn))
    # What GetImage shows as ``platform`` and ``osVersion``.
    return _Parent(record.platform or platform_from_name(record.name), record.os_version)


def _ami_parent(backend: Backend, parent: str, parameter: str) -> _Parent:
    """Parent of an image recipe: AMI id, image ARN, ``ssm:`` parameter or product id."""
    if parent.startswith("arn:"):
        return _image_arn_parent(backend, parent, parameter)
    if parent.startswith("ssm:") and len(parent) > len("ssm:"):
        # Public AMI parameters name their OS (…/ami-windows-latest/…).
        return _Parent(platform_from_name(parent))
    if is_ami_id(parent) or _PRODUCT_ID.match(parent):
        # Nothing in an AMI or product id tells the platform: Linux, the common case.
        return _Parent("Linux")
    raise invalid_value(
        parameter,
        f"'{parent}' is not a valid parent image. Specify an AMI ID, an Image Builder image "
        "ARN, an SSM parameter (ssm:<name>) or an AWS Marketplace product ID.",
    )


def _container_parent(backend: Backend, parent: str, parameter: str) -> _Parent:
    """Parent of a container recipe: an image ARN or a registry image (``amazonlinux:latest``)."""
    if parent.startswith("arn:"):
        return _image_arn_parent(backend, parent, parameter)
    return _Parent(platform_from_name(parent))


# -- components ---------------------------------------------------------------------


def _check_parameters(index: int, config: dict[str, Any], component: Component) -> None:
    """Recipe parameter values against the parameters the component declares."""
    if not component.parameters and not config.get("parameters"):
        return  # nothing declared and nothing set: no rule below can fail
    parameter = f"components[{index}].parameters"
    declared = {p["name"]: p for p in component.parameters}
    given = [p["name"] for p in config.get("parameters") or ()]
    duplicates = sorted({name for name in given if given.count(name) > 1})
    if duplicates:
        raise invalid_value(
            parameter, f"The following parameters are set more than once: {', '.join(duplicates)}"
        )
    undefined = [name for name in given if name not in declared]
    if undefined:
        raise InvalidParameterCombination(
            f"The value supplied for parameter '{parameter}' is not valid. The following "
            f"parameters are not defined in the provided component: {', '.join(undefined)}"
        )
    missing = [
        name for name, spec in declared.items() if name not in given and "defaultValue" not in spec
    ]
    if missing:
        raise InvalidParameterCombination(
            f"The value supplied for parameter '{parameter}' is not valid. The following "
            "parameters of the provided component have no default value and must be set: "
            f"{', '.join(missing)}"
        )


def _check_components(backend: Backend, configs: list[dict[str, Any]], parent: _Parent) -> None:
    """Every referenced component exists, suits the parent image and gets valid parameters."""
    if len(configs) > COMPONENT_QUOTA:
        raise ServiceQuotaExceeded(
            f"The value supplied for parameter 'components' is not valid. A recipe can contain "
            f"at most {COMPONENT_QUOTA} components; {len(configs)} were specified."
        )
    seen: dict[tuple[str, str], int] = {}
    for index, config in enumerate(configs):
        parameter = f"components[{index}].componentArn"
        arn = config["componentArn"]
        component = find_component(backend, arn, parameter)
        if component is None:
            raise invalid_value(parameter, f"The component '{arn}' does not exist.")
        series = (component.account, component.name_slug)
        if series in seen:
            raise invalid_value(
                parameter,
                f"The component '{arn}' is already included as components[{seen[series]}]. "
                "Each component can be specified only one time in a recipe.",
            )
        seen[series] = index
        if component.status in ("DEPRECATED", "DISABLED"):
            raise invalid_value(
                parameter,
                f"The component '{arn}' is {component.status} and can't be added to new recipes.",
            )
        if component.platform != parent.platform:
            raise invalid_value(
                parameter,
                f"The component '{arn}' is for the {component.platform} platform, but the "
                f"parent image is {parent.platform}.",
            )
        _check_os_version(parameter, arn, component, parent)
        if not _is_derived(backend, component):
            _check_parameters(index, config, component)


def _is_derived(backend: Backend, component: Component) -> bool:
    """Whether an AWS component was made up from its ARN (not in the catalog).

    Its declared parameters are unknown, so whatever the recipe sets is accepted.
    """
    if component.account not in OWNER_ACCOUNTS.values():
        return False
    home = backend.registry.get(component.account, component.region)
    return home.find(component.arn) is not component


def _check_os_version(parameter: str, arn: str, component: Component, parent: _Parent) -> None:
    """A component limited to some OS versions must match the parent's (prefix match)."""
    supported = component.supported_os_versions
    if not supported or not parent.os_version:
        return
    if not any(parent.os_version.startswith(os_version) for os_version in supported):
        raise invalid_value(
            parameter,
            f"The component '{arn}' supports {', '.join(supported)}, which does not include "
            f"the parent image's OS version '{parent.os_version}'.",
        )


def _check_block_devices(mappings: list[dict[str, Any]], parameter: str) -> None:
    """``throughput`` is a gp3 setting; EC2 refuses it on any other named volume type."""
    for index, mapping in enumerate(mappings):
        ebs = mapping.get("ebs") or {}
        volume_type = ebs.get("volumeType")
        if "throughput" in ebs and volume_type is not None and volume_type != "gp3":
            raise invalid_value(
                f"{parameter}[{index}].ebs.throughput",
                f"throughput is supported only for gp3 volumes, not {volume_type}.",
            )


# -- shared request path --------------------------------------------------------------


def _settings(params: dict[str, Any], platform: str) -> dict[str, Any]:
    settings = {k: v for k, v in params.items() if k not in _NOT_SETTINGS}
    # AWS builds in /tmp on Linux and macOS, C:/ on Windows, unless told otherwise.
    settings.setdefault("workingDirectory", "C:/" if platform == "Windows" else "/tmp")
    return settings


def _new_recipe(
    backend: Backend, kind: type[Recipe], resource_type: str, params: dict[str, Any], platform: str
) -> Recipe:
    name_slug = slug(params["name"])
    version = next_version(backend, resource_type, name_slug, params["semanticVersion"])
    return kind(
        **located(backend, resource_type, params["name"], version, tags=params.get("tags")),
        settings=_settings(params, platform),
        platform=platform,
    )


def _store(backend: Backend, recipe: Recipe, params: dict[str, Any]) -> None:
    # ``1.0.3`` and ``1.0.03`` are one version written two ways: a version ARN of
    # either form picks the same recipe, so the second is a duplicate too.
    for existing in backend.series(type(recipe), recipe.series):
        if existing.version == recipe.version:
            raise already_exists(recipe.kind, existing.arn)
    create(backend, recipe, params)


def _get_visible(backend: Backend, arn: str, kind: type[Recipe], parameter: str) -> Recipe:
    """The recipe a version or wildcard ARN picks, if the caller may see it."""
    recipe = resolve(backend, arn, kind, parameter)
    if recipe is None or not is_visible(backend, recipe):
        raise not_found(arn)
    return recipe


def _delete(backend: Backend, arn: str, kind: type[Recipe], parameter: str) -> None:
    parsed = parse_arn(arn)
    if parsed is not None and parsed.is_wildcard:
        raise invalid_value(
            parameter,
            f"'{arn}' contains a version wildcard. Delete a recipe by its version ARN "
            "(major.minor.patch).",
        )
    backend.remove(backend.get(arn, kind, parameter))


def _list_matchers(*extra: str) -> dict[str, Matcher[Recipe]]:
    """The List filters: ``name``, ``parentImage``, ``platform`` and any extra setting."""

    def setting(name: str) -> Matcher[Recipe]:
        return field_equals(lambda r: r.settings.get(name))

    matchers: dict[str, Matcher[Recipe]] = {
        "name": field_equals(lambda r: r.name),
        "parentImage": setting("parentImage"),
        "platform": field_equals(lambda r: r.platform),
    }
    matchers.update({name: setting(name) for name in extra})
    return matchers


# -- image recipes --------------------------------------------------------------------


@OPERATIONS.handles("CreateImageRecipe")
def create_image_recipe(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    parent = _ami_parent(backend, params["parentImage"], "parentImage")
    _check_components(backend, params.get("components") or [], parent)
    _check_block_devices(params.get("blockDeviceMappings") or [], "blockDeviceMappings")
    if is_ami_id(params["parentImage"]):
        check_parent_ami(backend, params["parentImage"], "parentImage")
    recipe = _new_recipe(backend, ImageRecipe, "image-recipe", params, parent.platform)
    _store(backend, recipe, params)
    return {
        "imageRecipeArn": recipe.arn,
        "latestVersionReferences": recipe.latest_version_references(),
    }


@OPERATIONS.handles("GetImageRecipe")
def get_image_recipe(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    recipe = _get_visible(backend, params["imageRecipeArn"], ImageRecipe, "imageRecipeArn")
    return {
        "imageRecipe": recipe.view("ImageRecipe"),
        "latestVersionReferences": recipe.latest_version_references(),
    }


@OPERATIONS.handles("ListImageRecipes")
def list_image_recipes(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    return list_page(
        backend,
        "ListImageRecipes",
        listed(backend, ImageRecipe, params.get("owner"), per="build"),
        params,
        matchers=_list_matchers(),
        sort_key=by_list_order,
        view="ImageRecipeSummary",
        result_key="imageRecipeSummaryList",
    )


@OPERATIONS.handles("DeleteImageRecipe")
def delete_image_recipe(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    _delete(backend, params["imageRecipeArn"], ImageRecipe, "imageRecipeArn")
    return {"imageRecipeArn": params["imageRecipeArn"]}


# -- container recipes ------------------------------------------------------------------


def _check_dockerfile(params: dict[str, Any]) -> None:
    exactly_one_of(params, "dockerfileTemplateData", "dockerfileTemplateUri", error=InvalidRequest)
    uri = params.get("dockerfileTemplateUri")
    if uri is not None and not is_s3_uri(uri):
        raise invalid_value(
            "dockerfileTemplateUri", f"'{uri}' is not an Amazon S3 URI (s3://bucket/key)."
        )


def _container_platform(backend: Backend, params: dict[str, Any]) -> _Parent:
    parent = _container_parent(backend, params["parentImage"], "parentImage")
    override = params.get("platformOverride")
    if override is None:
        return parent
    if override not in ("Linux", "Windows"):
        raise invalid_value(
            "platformOverride", "Container recipes support only the Linux and Windows platforms."
        )
    return _Parent(override, params.get("imageOsVersionOverride") or parent.os_version)


def _dockerfile_from_s3(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    """The request with the Dockerfile template that ``dockerfileTemplateUri`` names
    read from moto's S3, so GetContainerRecipe shows it as ``dockerfileTemplateData``;
    unchanged without moto or without a URI."""
    uri = params.get("dockerfileTemplateUri")
    if uri is None:
        return params
    text = read_s3_document(backend.account_id, uri, "dockerfileTemplateUri")
    return params if text is None else {**params, "dockerfileTemplateData": text}


@OPERATIONS.handles("CreateContainerRecipe")
def create_container_recipe(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    _check_dockerfile(params)
    params = _dockerfile_from_s3(backend, params)
    parent = _container_platform(backend, params)
    _check_components(backend, params.get("components") or [], parent)
    instance = params.get("instanceConfiguration") or {}
    _check_block_devices(
        instance.get("blockDeviceMappings") or [], "instanceConfiguration.blockDeviceMappings"
    )
    # The Dockerfile template is encrypted with the key now; the repository is
    # where the recipe's builds push.
    check_kms_key(backend, params.get("kmsKeyId"), "kmsKeyId")
    check_repository(backend, params["targetRepository"], "targetRepository")
    recipe = _new_recipe(backend, ContainerRecipe, "container-recipe", params, parent.platform)
    _store(backend, recipe, params)
    return {
        "containerRecipeArn": recipe.arn,
        "latestVersionReferences": recipe.latest_version_references(),
    }


@OPERATIONS.handles("GetContainerRecipe")
def get_container_recipe(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["containerRecipeArn"]
    recipe = _get_visible(backend, arn, ContainerRecipe, "containerRecipeArn")
    return {
        "containerRecipe": recipe.view("ContainerRecipe"),
        "latestVersionReferences": recipe.latest_version_references(),
    }


@OPERATIONS.handles("ListContainerRecipes")
def list_container_recipes(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    return list_page(
        backend,
        "ListContainerRecipes",
        listed(backend, ContainerRecipe, params.get("owner"), per="build"),
        params,
        matchers=_list_matchers("containerType"),
        sort_key=by_list_order,
        view="ContainerRecipeSummary",
        result_key="containerRecipeSummaryList",
    )


@OPERATIONS.handles("DeleteContainerRecipe")
def delete_container_recipe(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    _delete(backend, params["containerRecipeArn"], ContainerRecipe, "containerRecipeArn")
    return {"containerRecipeArn": params["containerRecipeArn"]}
