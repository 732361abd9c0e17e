"""The image operations: CreateImage, GetImage, the image Lists, Delete, Cancel,
Retry, packages, imports and DistributeImage."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .._errors import (
    InvalidRequest,
    ResourceInUse,
    dependency_error,
    invalid_value,
    not_found,
)
from .._model import member_enum
from .arns import parse_arn
from .backend import Backend
from .builds import (
    cancel,
    configuration,
    distribution_targets,
    imported_image,
    resume,
    shown,
    start_build,
)
from .filters import Matcher, field_equals
from .identifiers import is_ami_id
from .image_records import Image
from .listing import list_page
from .operations import Operations
from .pagination import Ordered
from .progression import (
    IN_PROGRESS,
    LIFECYCLE_STATUSES,
)
from .references import check_execution_role
from .versioned import (
    builds_of,
    by_list_order,
    by_name_order,
    by_newest_first,
    listed,
    match_version,
    resolve,
    version_filter,
)
from .versions import SemanticVersion

__all__ = ["summaries_page"]

# The operations this family serves; the composition root collects them.
OPERATIONS = Operations()

# -- handlers -------------------------------------------------------------------------


def _image_at(backend: Backend, arn: str, parameter: str = "imageBuildVersionArn") -> Image:
    image = resolve(backend, arn, Image, parameter)
    if image is None:
        raise not_found(arn)
    return image


def _build_at(backend: Backend, arn: str) -> Image:
    """The build a build version ARN names (Delete, Cancel and Retry take no other ARN)."""
    parsed = parse_arn(arn)
    if parsed is None or parsed.build is None:
        raise invalid_value(
            "imageBuildVersionArn", "'imageBuildVersionArn' must be an image build version ARN."
        )
    image = backend.find(arn)
    if not isinstance(image, Image):
        raise not_found(arn)
    return image


@OPERATIONS.handles("CreateImage")
def create_image(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    check_execution_role(backend, params)
    image = start_build(backend, params)
    return {
        "imageBuildVersionArn": image.arn,
        "latestVersionReferences": image.latest_version_references(),
    }


@OPERATIONS.handles("GetImage")
def get_image(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    image = _image_at(backend, params["imageBuildVersionArn"])
    (view,) = shown(backend, [image], lambda i: i.view("Image"))
    return {"image": view, "latestVersionReferences": image.latest_version_references()}


def _image_matchers() -> dict[str, Matcher[Any]]:
    return {
        "name": field_equals(lambda i: i.name),
        "osVersion": field_equals(lambda i: i.os_version),
        "platform": field_equals(lambda i: i.platform),
        "type": field_equals(lambda i: i.image_type),
        "version": match_version,
    }


_IMAGE_MATCHERS = _image_matchers()


def _deprecated(image: Image) -> bool:
    return image.status == "DEPRECATED"


@OPERATIONS.handles("ListImages")
def list_images(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    by_name = bool(params.get("byName"))
    version_filter(params.get("filters"), by_name, "Images")
    return list_page(
        backend,
        "ListImages",
        listed(
            backend,
            Image,
            params.get("owner"),
            per="name" if by_name else "version",
            skip=None if params.get("includeDeprecated") else _deprecated,
        ),
        params,
        matchers=_IMAGE_MATCHERS,
        sort_key=by_name_order if by_name else by_list_order,
        view="ImageVersion",
        result_key="imageVersionList",
    )


def summaries_page(
    backend: Backend,
    operation: str,
    images: Iterable[Image] | Ordered[Image],
    params: dict[str, Any],
) -> dict[str, Any]:
    """A page of ImageSummary entries, newest build first, shown as observations.

    ``images`` is every candidate, or the builds in that order read from the
    stores (``builds_of``).
    """
    result = list_page(
        backend,
        operation,
        images,
        params,
        matchers=_IMAGE_MATCHERS,
        sort_key=by_newest_first,
        view=lambda i: i,  # rendered below, as observers
        result_key="imageSummaryList",
    )
    result["imageSummaryList"] = shown(
        backend, result["imageSummaryList"], lambda i: i.view("ImageSummary")
    )
    return result


@OPERATIONS.handles("ListImageBuildVersions")
def list_image_build_versions(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    arn = params.get("imageVersionArn")
    if arn is None:
        raise invalid_value("imageVersionArn", "'imageVersionArn' is required.")
    parsed = parse_arn(arn)
    if parsed is None or parsed.version is None or parsed.build is not None:
        raise invalid_value("imageVersionArn", "'imageVersionArn' must be an image version ARN.")
    # The builds of that version the caller may read (its own, or shared with it).
    builds = builds_of(backend, arn, Image, "imageVersionArn")
    return summaries_page(backend, "ListImageBuildVersions", builds, params)


@OPERATIONS.handles("DeleteImage")
def delete_image(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["imageBuildVersionArn"]
    image = _build_at(backend, arn)
    if not image.is_finished:
        raise dependency_error(arn)
    backend.remove(image)
    return {"imageBuildVersionArn": arn}


@OPERATIONS.handles("CancelImageCreation")
def cancel_image_creation(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["imageBuildVersionArn"]
    image = _build_at(backend, arn)
    if image.is_finished:
        # CancelImageCreation declares InvalidRequestException, not InvalidParameterValue.
        raise InvalidRequest(
            f"The image '{arn}' is in a terminal state ({image.status}) and cannot be cancelled."
        )
    cancel(backend, image)
    return {"imageBuildVersionArn": arn}


@OPERATIONS.handles("RetryImage")
def retry_image(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["imageBuildVersionArn"]
    image = _build_at(backend, arn)
    # "Retry is only supported for AMI-based images" (RetryImage in the model).
    if image.image_type != "AMI":
        raise InvalidRequest(
            f"The image '{arn}' is a {image.image_type} container image; "
            "only AMI images can be retried."
        )
    if image.status in IN_PROGRESS:
        raise ResourceInUse(f"The image '{arn}' is still being built ({image.status}).")
    if image.status not in ("FAILED", "CANCELLED"):
        raise InvalidRequest(
            f"The image '{arn}' is {image.status}; only FAILED or CANCELLED images can be retried."
        )
    resume(backend, image)
    return {"imageBuildVersionArn": arn}


@OPERATIONS.handles("ListImagePackages")
def list_image_packages(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["imageBuildVersionArn"]
    image = resolve(backend, arn, Image, "imageBuildVersionArn")
    if image is None or image.build is None or image.arn != arn:
        raise not_found(arn)
    packages = image.packages if image.status in ("AVAILABLE", *LIFECYCLE_STATUSES) else []
    from .pagination import paginate

    page, token = paginate(
        backend,
        "ListImagePackages",
        packages,
        lambda p: (p["packageName"], p["packageVersion"]),
        params,
    )
    result: dict[str, Any] = {"imagePackageList": page}
    if token:
        result["nextToken"] = token
    return result


@OPERATIONS.handles("ImportVmImage")
def import_vm_image(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    image = imported_image(backend, params, build_type="IMPORT")
    return {"imageArn": image.arn}


@OPERATIONS.handles("ImportDiskImage")
def import_disk_image(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    # The request's ``platform`` is any text, but the image shows it as its
    # Platform enum: a value outside the enum would break every later response.
    # A model without the enum leaves the member free, as the request's own shape does.
    platforms = member_enum("Image", "platform")
    if platforms and params["platform"] not in platforms:
        raise invalid_value("platform", f"'platform' must be one of: {', '.join(platforms)}.")
    infrastructure = configuration(
        backend,
        params["infrastructureConfigurationArn"],
        "InfrastructureConfiguration",
        "infrastructureConfigurationArn",
    )
    extra = {"infrastructureConfiguration": infrastructure.view("InfrastructureConfiguration")}
    check_execution_role(backend, params)
    image = imported_image(backend, params, build_type="IMPORT_ISO", extra=extra)
    return {"imageBuildVersionArn": image.arn}


@OPERATIONS.handles("DistributeImage")
def distribute_image(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    source = params["sourceImage"]
    distribution = configuration(
        backend,
        params["distributionConfigurationArn"],
        "DistributionConfiguration",
        "distributionConfigurationArn",
    )
    view = distribution.view("DistributionConfiguration")
    parsed = parse_arn(source)
    if parsed is not None:
        origin = resolve(backend, source, Image, "sourceImage")
        # Sharing lets an account read an image, not distribute it.
        if origin is None or not backend.owns(origin):
            raise not_found(source)
        name, version, platform = origin.name, origin.version, origin.platform
    elif is_ami_id(source):
        # An AMI id: the new image is named after it, at 1.0.0.
        name, version, platform = source, SemanticVersion(1, 0, 0), "Linux"
    else:
        raise invalid_value(
            "sourceImage", "'sourceImage' must be an image ARN or an AMI id (ami-<hex>)."
        )
    check_execution_role(backend, params)
    image = imported_image(
        backend,
        {
            "name": name,
            "semanticVersion": str(version),
            "platform": platform,
            "tags": params.get("tags"),
            "executionRole": params["executionRole"],
            **(
                {"loggingConfiguration": params["loggingConfiguration"]}
                if "loggingConfiguration" in params
                else {}
            ),
        },
        build_type="USER_INITIATED",
        kind="distribute",
        image_source="CUSTOM",
        extra={"distributionConfiguration": view},
        targets=distribution_targets(backend, view, None),
    )
    return {"imageBuildVersionArn": image.arn}
