"""Image builds: how they start, move through the state machine, and what they leave.

Each build of a recipe version takes the next build number, failed and
cancelled ones included. Progression follows the mode in ``progression.py``;
outputs (AMIs, container images) appear when a build reaches INTEGRATING.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from .. import _integrations
from .._errors import InvalidRequest, invalid_value
from .._model import member_pattern
from .arns import parse_arn, slug
from .backend import Backend
from .conventions import exactly_one_of
from .image_records import AmiTarget, Image, created, os_version_from_name, transition
from .progression import (
    IN_PROGRESS,
    BuildFault,
    build_path,
    waiter_polling,
)
from .recipes import ContainerRecipe, ImageRecipe, Recipe
from .resources import iso_time
from .versioned import (
    located,
    resolve,
)
from .versions import parse_version

__all__ = [
    "advance",
    "cancel",
    "configuration",
    "deliver_outputs",
    "distribution_targets",
    "follow_mode",
    "imported_image",
    "observe",
    "plan_fault",
    "resume",
    "run_to_end",
    "shown",
    "start_build",
]

# -- progression ----------------------------------------------------------------------


def _step(backend: Backend, image: Image, *, release: bool = False) -> bool:
    """Move one status on; False when the image cannot move now."""
    if image.is_finished:
        return False
    if image.held_by is not None and not release:
        return False
    fault = image.fault
    if fault is not None and fault.at == image.status:
        if fault.hang and not release:
            return False
        if not fault.hang:
            image.fault = None
            image.stopped_at = image.status
            transition(backend, image, "FAILED", fault.reason)
            return True
        image.fault = None
    if release:
        image.held_by = None
    try:
        position = image.path.index(image.status)
    except ValueError:
        return False
    if position + 1 >= len(image.path):
        return False
    transition(backend, image, image.path[position + 1])
    return True


def run_to_end(backend: Backend, image: Image) -> None:
    """Move a build on until it finishes or something holds it."""
    while _step(backend, image):
        pass


def observe(backend: Backend, image: Image) -> None:
    """Let an image move as the progression mode says, before or after it is shown.

    In ``observe`` mode the caller shows the image first and steps it after,
    so every status is seen once; this function is the step.
    """
    control = backend.registry.builds
    if control.mode == "observe":
        _step(backend, image)
    elif control.mode == "wall-clock":
        _catch_up(backend, image)
    elif control.mode == "immediate":
        run_to_end(backend, image)


def _catch_up(backend: Backend, image: Image) -> None:
    control = backend.registry.builds
    now = backend.now()
    while not image.is_finished:
        due = control.due_steps(image.entered_at, now)
        if due < 1:
            return
        entered = image.entered_at
        if not _step(backend, image):
            return
        # Keep the schedule: the next status began when this one was due, not now.
        image.entered_at = entered + dt.timedelta(seconds=control.seconds_per_status)


def shown(backend: Backend, images: Iterable[Image], render: Callable[[Image], Any]) -> list[Any]:
    """Render images as their observers see them, then let observation move them."""
    control = backend.registry.builds
    items = list(images)
    if control.mode == "observe" and waiter_polling():
        # A waiter's poll (by the owner) sees a build as far as it goes without
        # the test's help, so the waiter's first answer decides it.
        for image in items:
            if backend.owns(image):
                run_to_end(backend, image)
    # A build started before the mode changed still follows the mode in force now.
    # A shared image moves in its owner's backend (whose clock and outputs it has).
    # A finished build moves no more: a page of them finds no home to move them in.
    if control.mode == "wall-clock":
        for image in items:
            if not image.is_finished:
                _catch_up(backend.home_of(image), image)
    elif control.mode == "immediate":
        for image in items:
            if not image.is_finished:
                run_to_end(backend.home_of(image), image)
    rendered = [render(image) for image in items]
    if control.mode == "observe":
        # Only the owner's polling moves a build; an account it is shared with
        # only reads it.
        for image in items:
            if backend.owns(image):
                _step(backend, image)
    return rendered


def advance(
    backend: Backend, image: Image, to: str | None = None, reason: str | None = None
) -> None:
    """Move a build on by hand: one status, or until it reaches ``to``.

    Advancing releases a hang or a waiting workflow step. ``to`` may be FAILED or
    CANCELLED to end the build there, with ``reason``.
    """
    if to in ("FAILED", "CANCELLED"):
        if image.is_finished:
            raise ValueError(f"{image.arn} is already {image.status}")
        image.stopped_at = image.status
        image.held_by = None
        transition(backend, image, to, reason or _default_reason(to))
        return
    if to is not None and to not in image.path:
        raise ValueError(f"{image.arn} does not pass through {to}; its path is {image.path}")
    if not _step(backend, image, release=True) and to is None:
        raise ValueError(f"{image.arn} cannot move on from {image.status}")
    while to is not None and image.status != to:
        if not _step(backend, image, release=True):
            break


def _default_reason(status: str) -> str:
    return (
        "Image creation cancelled by user."
        if status == "CANCELLED"
        else ("An internal error has occurred.")
    )


def cancel(backend: Backend, image: Image) -> None:
    image.stopped_at = image.status
    image.held_by = None
    transition(backend, image, "CANCELLED", _default_reason("CANCELLED"))


def resume(backend: Backend, image: Image) -> None:
    """RetryImage: a failed or cancelled build resumes in place, where it stopped."""
    image.retried = True
    transition(backend, image, image.stopped_at or image.path[0])
    image.stopped_at = None
    follow_mode(backend, image)


def follow_mode(backend: Backend, image: Image) -> None:
    """Let a build that (re)starts move as the progression mode says."""
    if backend.registry.builds.mode == "immediate":
        run_to_end(backend, image)


# -- outputs --------------------------------------------------------------------------


def _has_outputs(image: Image) -> bool:
    return bool(image.output_resources.get("amis") or image.output_resources.get("containers"))


def deliver_outputs(backend: Backend, image: Image, old: str, new: str) -> None:
    """Observer: a build that reaches integration (or the end) leaves its AMIs or
    container images, once, in the mock and, when moto is active, in moto; a
    build that ends tells the infrastructure's SNS topic.

    Distribution that cannot be done (a launch template or an ECR repository
    that moto does not hold) fails the build where it stood, DISTRIBUTING,
    before anything is left, so RetryImage distributes again from there.
    """
    if new in ("INTEGRATING", "AVAILABLE") and old != "" and not _has_outputs(image):
        problems = _distribution_problems(backend, image)
        if problems:
            image.stopped_at = "DISTRIBUTING"
            transition(backend, image, "FAILED", _failed_distribution(problems))
            return
        _produce_outputs(backend, image)
    if new in _NOTIFIED and old in IN_PROGRESS:
        _notify(backend, image)


# The statuses whose arrival the service publishes to the infrastructure's SNS
# topic (user guide, "Amazon SNS integration in Image Builder"); a cancelled
# build is not among them.
_NOTIFIED = frozenset({"AVAILABLE", "FAILED"})


def _distributions(image: Image) -> list[dict[str, Any]]:
    """The distributions of the configuration the build copied when it started."""
    configuration = image.details.get("distributionConfiguration") or {}
    return list(configuration.get("distributions") or [])


def _distribution_for(image: Image, region: str) -> dict[str, Any]:
    for entry in _distributions(image):
        if entry.get("region") == region:
            return entry
    return {}


def _distribution_problems(
    backend: Backend, image: Image
) -> list[_integrations.DistributionProblem]:
    """What moto lacks for this build's distribution (nothing while moto is off)."""
    problems = []
    if image.image_type == "DOCKER":
        for region, repository in image.container_targets:
            problem = _integrations.container_problem(backend.account_id, region, repository)
            if problem is not None:
                problems.append(problem)
        return problems
    for entry in _distributions(image):
        for configuration in entry.get("launchTemplateConfigurations") or []:
            problem = _integrations.launch_template_problem(
                configuration.get("accountId") or backend.account_id,
                entry["region"],
                configuration["launchTemplateId"],
            )
            if problem is not None:
                problems.append(problem)
    return problems


def _failed_distribution(problems: list[_integrations.DistributionProblem]) -> str:
    # The service's wording for a distribution that failed part-way, one numbered
    # entry per job that did not complete.
    jobs = " ".join(f"{i}) {problem.reason()}" for i, problem in enumerate(problems, 1))
    return f"Not all distribution jobs are completed. {jobs}"


def _semver(image: Image) -> int:
    # The notification's ``semver`` packs major, minor, patch and build in
    # 30-bit fields, so that build versions compare as integers.
    version = image.version
    return (
        (version.major << 90) | (version.minor << 60) | (version.patch << 30) | (image.build or 0)
    )


def _notification(backend: Backend, image: Image) -> dict[str, Any]:
    """The JSON the service publishes when a build ends: the image as GetImage
    shows it, with the version split from its build and the owner's account."""
    message: dict[str, Any] = {
        "versionlessArn": backend.arn("image", image.name_slug),
        "semver": _semver(image),
    }
    message.update(image.view("Image"))
    message["version"] = str(image.version)
    message["buildVersion"] = image.build
    tests = message.pop("imageTestsConfiguration", None)
    if tests is not None:
        message["imageTestsConfigurationDocument"] = tests
    message["accountId"] = backend.account_id
    return message


def _notify(backend: Backend, image: Image) -> None:
    infrastructure = image.details.get("infrastructureConfiguration") or {}
    topic = infrastructure.get("snsTopicArn")
    if topic:
        _integrations.notify_topic(topic, json.dumps(_notification(backend, image)))


@functools.cache
def _resource_name() -> re.Pattern[str]:
    # Compiled on first use, so importing the package does not read the model.
    return re.compile(str(member_pattern("CreateImageRecipeRequest", "name")))


def _ami_id() -> str:
    return "ami-" + secrets.token_hex(9)[:17]


# ``{{ imagebuilder:buildDate }}``: the user guide writes the variables with
# spaces inside the braces, and without them in other examples.
_VARIABLE = re.compile(r"\{\{\s*imagebuilder:(buildDate|buildVersion)\s*\}\}")


def _expand(template: str, image: Image, build_date: str) -> str:
    values = {"buildDate": build_date, "buildVersion": str(image.build)}
    return _VARIABLE.sub(lambda match: values[match.group(1)], template)


def _container_tags(image: Image, region: str) -> list[str]:
    """The tags a container image is pushed with: its version and build, ``latest``,
    and the distribution's ``containerTags`` for that Region."""
    container = _distribution_for(image, region).get("containerDistributionConfiguration") or {}
    own = [f"{image.version}-{image.build}", "latest"]
    return list(dict.fromkeys([*own, *(container.get("containerTags") or [])]))


def _produce_outputs(backend: Backend, image: Image) -> None:
    """The AMIs or container images a finished build leaves, one per region and account."""
    if image.image_type == "DOCKER":
        containers = []
        for region, repository in image.container_targets:
            host = f"{backend.account_id}.dkr.ecr.{region}.amazonaws.com/{repository}"
            tags = _container_tags(image, region)
            _integrations.push_container_image(
                backend.account_id, region, repository, tags, image_arn=image.arn
            )
            containers.append({"region": region, "imageUris": [f"{host}:{tag}" for tag in tags]})
        image.output_resources = {"containers": containers}
        return
    build_date = iso_time(image.date_created).replace(":", "-")
    recipe = image.details.get("imageRecipe") or {}
    amis = []
    for target in image.ami_targets:
        expanded = _expand(target.name, image, build_date) if target.name else None
        name = expanded or f"{image.name} {build_date}"
        distribution = _distribution_for(image, target.region)
        # Launch permissions share the distributing account's AMI; the copies
        # that target accounts own are theirs to share.
        permission = (
            (distribution.get("amiDistributionConfiguration") or {}).get("launchPermission")
            if target.account == backend.account_id
            else None
        )
        ami_id = _integrations.publish_ami(
            target.account,
            target.region,
            name,
            target.description,
            target.tags,
            image_arn=image.arn,
            created=backend.now(),
            launch_permission=permission,
            block_device_mappings=recipe.get("blockDeviceMappings"),
        )
        ami: dict[str, Any] = {
            "region": target.region,
            "image": ami_id or _ami_id(),
            "name": name,
            "state": {"status": "AVAILABLE"},
            "accountId": target.account,
        }
        if target.description:
            ami["description"] = target.description
        amis.append(ami)
    image.output_resources = {"amis": amis}
    _integrate(backend, image, amis)


def _integrate(backend: Backend, image: Image, amis: list[dict[str, Any]]) -> None:
    """Point launch templates and SSM parameters at the new AMIs (in moto only).

    A configuration for an account uses that account's copy in its Region, or
    the distributing account's AMI there when the account got no copy.
    """
    by_place = {(ami["region"], ami["accountId"]): ami["image"] for ami in amis}

    def ami_for(region: str, account: str) -> str | None:
        return by_place.get((region, account)) or by_place.get((region, backend.account_id))

    for entry in _distributions(image):
        region = entry["region"]
        for configuration in entry.get("launchTemplateConfigurations") or []:
            account = configuration.get("accountId") or backend.account_id
            ami_id = ami_for(region, account)
            if ami_id is not None:
                _integrations.update_launch_template(
                    account,
                    region,
                    configuration["launchTemplateId"],
                    ami_id,
                    # Model: "If you don't set a value, Image Builder treats it as true."
                    set_default=configuration.get("setDefaultVersion", True),
                )
        for configuration in entry.get("ssmParameterConfigurations") or []:
            account = configuration.get("amiAccountId") or backend.account_id
            ami_id = ami_for(region, account)
            if ami_id is not None:
                _integrations.put_ssm_parameter(
                    account,
                    region,
                    configuration["parameterName"],
                    ami_id,
                    configuration.get("dataType"),
                )


def distribution_targets(
    backend: Backend, distribution: dict[str, Any] | None, recipe_description: str | None
) -> tuple[list[AmiTarget], list[tuple[str, str]]]:
    amis: list[AmiTarget] = []
    containers: list[tuple[str, str]] = []
    if not distribution:
        return [AmiTarget(backend.region, backend.account_id, None, recipe_description)], containers
    for entry in distribution.get("distributions", []):
        region = entry["region"]
        ami = entry.get("amiDistributionConfiguration") or {}
        description = ami.get("description") or distribution.get("description")
        accounts = [backend.account_id, *ami.get("targetAccountIds", [])]
        for account in dict.fromkeys(accounts):
            amis.append(
                AmiTarget(region, account, ami.get("name"), description, ami.get("amiTags") or {})
            )
        container = entry.get("containerDistributionConfiguration") or {}
        target = container.get("targetRepository") or {}
        if target.get("repositoryName"):
            containers.append((region, target["repositoryName"]))
    return amis, containers


# -- building ---------------------------------------------------------------------------


def configuration(backend: Backend, arn: str, kind_name: str, parameter: str) -> Any:
    """The infrastructure or distribution configuration a build request names.

    A missing one is the caller's bad parameter, not a missing resource of the call.
    """
    from . import distribution, infrastructure

    kinds = {
        "InfrastructureConfiguration": infrastructure.InfrastructureConfiguration,
        "DistributionConfiguration": distribution.DistributionConfiguration,
    }
    kind = kinds[kind_name]
    resource = backend.find(arn)
    if not isinstance(resource, kind):
        raise invalid_value(parameter, f"The {kind_name} '{arn}' does not exist.")
    return resource


def _resolve_workflows(backend: Backend, configured: list[dict[str, Any]] | None) -> None:
    from . import workflows

    for i, entry in enumerate(configured or []):
        arn = entry["workflowArn"]
        if resolve(backend, arn, workflows.Workflow, f"workflows[{i}].workflowArn") is None:
            raise invalid_value(
                f"workflows[{i}].workflowArn", f"The workflow '{arn}' does not exist."
            )


def start_build(
    backend: Backend,
    params: dict[str, Any],
    *,
    pipeline: Any = None,
    build_type: str = "USER_INITIATED",
    tags: dict[str, str] | None = None,
) -> Image:
    """A new image build from a recipe and configurations (CreateImage or a pipeline run)."""
    parameter = exactly_one_of(params, "imageRecipeArn", "containerRecipeArn", error=InvalidRequest)
    recipe_arn = str(params[parameter])
    kind: type[Recipe] = ImageRecipe if parameter == "imageRecipeArn" else ContainerRecipe
    recipe = resolve(backend, recipe_arn, kind, parameter)
    if recipe is None:
        raise invalid_value(parameter, f"The recipe '{recipe_arn}' does not exist.")
    infrastructure = configuration(
        backend,
        params["infrastructureConfigurationArn"],
        "InfrastructureConfiguration",
        "infrastructureConfigurationArn",
    )
    distribution = None
    if params.get("distributionConfigurationArn"):
        distribution = configuration(
            backend,
            params["distributionConfigurationArn"],
            "DistributionConfiguration",
            "distributionConfigurationArn",
        )
    _resolve_workflows(backend, params.get("workflows"))

    is_container = parameter == "containerRecipeArn"
    recipe_view = recipe.view("ContainerRecipe" if is_container else "ImageRecipe")
    tests = dict(params.get("imageTestsConfiguration") or {})
    tests.setdefault("imageTestsEnabled", True)
    tests.setdefault("timeoutMinutes", 720)
    details: dict[str, Any] = {
        "containerRecipe" if is_container else "imageRecipe": recipe_view,
        "infrastructureConfiguration": infrastructure.view("InfrastructureConfiguration"),
        "imageTestsConfiguration": tests,
        "enhancedImageMetadataEnabled": params.get("enhancedImageMetadataEnabled", True),
    }
    if distribution is not None:
        details["distributionConfiguration"] = distribution.view("DistributionConfiguration")
    for member in (
        "imageScanningConfiguration",
        "workflows",
        "executionRole",
        "loggingConfiguration",
    ):
        if params.get(member) is not None:
            details[member] = params[member]
    if pipeline is not None:
        details["sourcePipelineName"] = pipeline.name
        details["sourcePipelineArn"] = pipeline.arn

    version_arn = backend.arn("image", recipe.name_slug, str(recipe.version))
    build = backend.next_build(version_arn)
    platform = recipe_view.get("platform", "Linux")
    amis, containers = distribution_targets(
        backend, details.get("distributionConfiguration"), recipe_view.get("description")
    )
    if is_container:
        own = (recipe_view.get("targetRepository") or {}).get("repositoryName")
        if own and not any(region == backend.region for region, _ in containers):
            containers.insert(0, (backend.region, own))
    control = backend.registry.builds
    image = Image(
        **located(
            backend,
            "image",
            recipe.name,
            recipe.version,
            build,
            tags=tags if tags is not None else params.get("tags"),
        ),
        image_type="DOCKER" if is_container else "AMI",
        platform=platform,
        os_version=_parent_os(backend, recipe_view, platform),
        path=build_path(tests=bool(tests["imageTestsEnabled"])),
        entered_at=backend.now(),
        fault=control.fault_for_new_build(build_path(tests=bool(tests["imageTestsEnabled"]))),
        build_type=build_type,
        recipe_arn=recipe.arn,
        pipeline_arn=pipeline.arn if pipeline is not None else None,
        details=details,
        output_resources={"containers": []} if is_container else {"amis": []},
        ami_targets=amis,
        container_targets=containers,
        packages=_default_packages(platform),
    )
    created(backend, image)
    follow_mode(backend, image)
    return image


def _parent_os(backend: Backend, recipe_view: dict[str, Any], platform: str) -> str:
    parent = str(recipe_view.get("parentImage", ""))
    parsed = parse_arn(parent)
    if parsed is not None:
        own = resolve(backend, parent, Image)
        if own is not None and own.os_version:
            return own.os_version
        return os_version_from_name(parsed.name, platform)
    return os_version_from_name(parent, platform)


def _default_packages(platform: str) -> list[dict[str, str]]:
    if platform == "Windows":
        return [{"packageName": "AWS CLI v2", "packageVersion": "2.17.0"}]
    return [
        {"packageName": "bash", "packageVersion": "5.2.15-1.amzn2023.0.2"},
        {"packageName": "openssl", "packageVersion": "3.0.8-1.amzn2023.0.14"},
        {"packageName": "python3", "packageVersion": "3.9.16-1.amzn2023.0.9"},
    ]


def imported_image(
    backend: Backend,
    params: dict[str, Any],
    *,
    build_type: str,
    kind: str = "import",
    image_source: str = "IMPORTED",
    extra: dict[str, Any] | None = None,
    targets: tuple[list[AmiTarget], list[tuple[str, str]]] | None = None,
) -> Image:
    version = parse_version(params["semanticVersion"])
    name = params["name"]
    # ImportVmImage's model lets any text through as ``name``; an image name still
    # follows the rule of every resource name, or it could not have an ARN.
    resource_name = _resource_name()
    if not resource_name.match(name):
        raise invalid_value("name", f"'name' must match pattern {resource_name.pattern}")
    version_arn = backend.arn("image", slug(name), str(version))
    build = backend.next_build(version_arn)
    platform = params.get("platform", "Linux")
    details: dict[str, Any] = {
        k: params[k] for k in ("loggingConfiguration", "executionRole") if k in params
    }
    details.update(extra or {})
    image = Image(
        **located(backend, "image", name, version, build, tags=params.get("tags")),
        platform=platform,
        os_version=params.get("osVersion") or os_version_from_name(name, platform),
        path=build_path(tests=False, kind=kind),
        entered_at=backend.now(),
        fault=backend.registry.builds.fault_for_new_build(build_path(tests=False, kind=kind)),
        build_type=build_type,
        image_source=image_source,
        details=details,
        output_resources={"amis": []},
        ami_targets=[
            AmiTarget(backend.region, backend.account_id, None, params.get("description"))
        ],
        packages=_default_packages(platform),
    )
    if targets is not None:
        image.ami_targets, image.container_targets = targets
    created(backend, image)
    follow_mode(backend, image)
    return image


def plan_fault(backend: Backend, arn: str, fault: BuildFault) -> Image:
    """Attach a fault to an existing build (the controller's fail/hang by ARN)."""
    image = backend.find(arn)
    if not isinstance(image, Image):
        raise KeyError(f"no image build {arn}")
    if fault.at not in image.path:
        raise ValueError(f"{arn} does not pass through {fault.at}; its path is {image.path}")
    image.fault = fault
    return image
