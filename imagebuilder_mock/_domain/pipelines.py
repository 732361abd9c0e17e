"""Image pipelines: a recipe and configurations that build images, by hand or on a schedule.

A pipeline stores its request members as given, with the service's defaults
filled in; UpdateImagePipeline replaces them all (what it leaves out goes back
to its default), while the name and tags stay. What a pipeline shows about its
runs (``lastRunStatus``, ``consecutiveFailures``) is derived from the images it
built, when it is rendered, so it can never disagree with them.

Schedules are evaluated for real: ``cron(...)`` expressions in the Image
Builder dialect (minutes, hours, day of month, month, day of week, optional
year) in the schedule's timezone, and ``rate(...)`` expressions. Nothing runs
in the background: ``run_due_schedules(backend, now)`` starts the builds that
are due, and the controller calls it.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from croniter import CroniterError, croniter

from .._errors import InvalidRequest, invalid_value
from .arns import slug
from .backend import Backend
from .builds import configuration, observe, start_build
from .conventions import exactly_one_of
from .filters import Matcher, field_equals
from .image_records import Image
from .images import summaries_page
from .listing import list_page
from .operations import Operations, create
from .progression import LIFECYCLE_STATUSES
from .recipes import ContainerRecipe, ImageRecipe, Recipe
from .references import check_execution_role
from .resources import Bag, Resource, iso_time
from .store import store_order
from .versioned import (
    is_visible,
    resolve,
)
from .workflows import find_workflow

__all__ = [
    "CronSchedule",
    "ImagePipeline",
    "PipelineRun",
    "RateSchedule",
    "consecutive_failures",
    "parse_schedule",
    "run_due_schedules",
]

# The operations this family serves; the composition root collects them.
OPERATIONS = Operations()

# Request members that are identity or plumbing, not settings of the pipeline.
# ``status`` is not kept as sent either: the pipeline's own field, which auto-disable changes.
_NOT_SETTINGS = frozenset({"name", "tags", "clientToken", "dryRun", "imagePipelineArn", "status"})

# Members of a pipeline that a build takes over, as CreateImage would receive them.
_BUILD_MEMBERS = (
    "imageRecipeArn",
    "containerRecipeArn",
    "infrastructureConfigurationArn",
    "distributionConfigurationArn",
    "imageTestsConfiguration",
    "enhancedImageMetadataEnabled",
    "imageScanningConfiguration",
    "workflows",
    "executionRole",
)

_DEFAULT_START_CONDITION = "EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE"

# Statuses of a build that succeeded (lifecycle actions only act on finished images).
_SUCCEEDED = frozenset({"AVAILABLE", *LIFECYCLE_STATUSES})


# -- schedules ------------------------------------------------------------------------------

# The Image Builder cron dialect numbers days of the week 1-7 from Sunday; croniter 0-6.
_DOW_NUMBER = re.compile(r"(?<![#/\d])([1-7])(?![\d])")
_YEAR_RANGE = (1970, 2199)
_RATE = re.compile(r"^rate\(\s*([0-9]+)\s+(minutes?|hours?|days?|weeks?)\s*\)$")
_CRON = re.compile(r"^cron\((.*)\)$")
_EXPRESSION = "schedule.scheduleExpression"


def _invalid_expression(expression: str, why: str) -> Exception:
    return invalid_value(_EXPRESSION, f"'{expression}' is not a valid schedule expression: {why}")


def _dow_field(value: str) -> str:
    """A day-of-week field in croniter's numbering (``6#3`` → ``5#3``, ``6L`` → ``L5``)."""
    tokens = []
    for token in value.split(","):
        if token.upper() == "L":
            token = "SAT"  # a bare L is the last day of the week
        elif len(token) > 1 and token.upper().endswith("L"):
            token = "L" + token[:-1]
        tokens.append(_DOW_NUMBER.sub(lambda m: str(int(m.group(1)) - 1), token))
    return ",".join(tokens)


def _year_set(value: str, expression: str) -> frozenset[int]:
    """The years a cron year field allows: ``*``, ``2027``, ``2026-2030``, ``*/2``, lists."""
    low, high = _YEAR_RANGE
    years: set[int] = set()
    for token in value.split(","):
        span, _, step_text = token.partition("/")
        try:
            step = int(step_text) if step_text else 1
            if span == "*":
                first, last = low, high
            elif "-" in span:
                first_text, last_text = span.split("-", 1)
                first, last = int(first_text), int(last_text)
            else:
                first = int(span)
                last = high if step_text else first
        except ValueError:
            raise _invalid_expression(expression, f"bad year '{token}'.") from None
        if step < 1 or not (low <= first <= last <= high):
            raise _invalid_expression(expression, f"years must lie within {low}-{high}.")
        years.update(range(first, last + 1, step))
    return frozenset(years)


@dataclass(frozen=True)
class CronSchedule:
    """A ``cron(...)`` expression: five croniter fields, the years, and a timezone."""

    fields: str
    years: frozenset[int]
    timezone: dt.tzinfo

    def next_after(self, moment: dt.datetime, since: dt.datetime) -> dt.datetime | None:
        """The first matching minute after ``moment`` (None when no year is left)."""
        start = moment.astimezone(self.timezone)
        # Each pass either finds a match in an allowed year or jumps to the next one.
        for _ in range(len(self.years) + 1):
            try:
                candidate: dt.datetime = croniter(self.fields, start).get_next(dt.datetime)
            except CroniterError:  # e.g. "31 2": the date never comes
                return None
            if candidate.year in self.years:
                return candidate.astimezone(dt.timezone.utc)
            later = [year for year in self.years if year > candidate.year]
            if not later:
                return None
            first = dt.datetime(min(later), 1, 1, tzinfo=self.timezone)
            start = first - dt.timedelta(minutes=1)
        return None


@dataclass(frozen=True)
class RateSchedule:
    """A ``rate(...)`` expression: every ``interval`` from when the schedule was set."""

    interval: dt.timedelta

    def next_after(self, moment: dt.datetime, since: dt.datetime) -> dt.datetime | None:
        elapsed = max(moment - since, dt.timedelta(0))
        return since + self.interval * (elapsed // self.interval + 1)


def _cron(expression: str, body: str, timezone: dt.tzinfo) -> CronSchedule:
    parts = body.split()
    # Six fields per the user guide; AWS's own examples also use five (no year).
    if len(parts) not in (5, 6):
        raise _invalid_expression(expression, "expected 6 fields (minutes to year).")
    minute, hour, dom, month, dow = parts[:5]
    years = _year_set(parts[5] if len(parts) == 6 else "*", expression)
    fields = " ".join(
        [minute, hour, dom.replace("?", "*"), month, _dow_field(dow.replace("?", "*"))]
    )
    try:
        valid = croniter.is_valid(fields)
    except CroniterError:
        valid = False
    if not valid:
        raise _invalid_expression(expression, "a field is out of range or malformed.")
    return CronSchedule(fields, years, timezone)


def _rate(expression: str, match: re.Match[str]) -> RateSchedule:
    value, unit = int(match.group(1)), match.group(2).rstrip("s")
    if value < 1:
        raise _invalid_expression(expression, "the rate must be at least 1.")
    return RateSchedule(dt.timedelta(**{unit + "s": value}))


def _timezone(name: str | None) -> dt.tzinfo:
    if name is None:
        return dt.timezone.utc
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise invalid_value(
            "schedule.timezone", f"'{name}' is not a timezone of the IANA database."
        ) from None


def parse_schedule(schedule: dict[str, Any]) -> CronSchedule | RateSchedule:
    """The evaluable form of a ``Schedule``; InvalidParameterValueException when it has none."""
    expression = schedule.get("scheduleExpression")
    if not expression:
        raise invalid_value(_EXPRESSION, "A schedule needs a scheduleExpression.")
    timezone = _timezone(schedule.get("timezone"))
    text = expression.strip()
    cron = _CRON.match(text)
    if cron:
        return _cron(expression, cron.group(1), timezone)
    rate = _RATE.match(text)
    if rate:
        return _rate(expression, rate)
    raise _invalid_expression(expression, "use cron(...) or rate(...).")


# -- the record -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PipelineRun:
    """One build a pipeline started, and what its recipe resolved to then."""

    image_arn: str
    started_at: dt.datetime
    build_type: str
    dependencies: tuple[str, ...]


@dataclass(eq=False)
class ImagePipeline(Resource):
    kind = "ImagePipeline"

    # Every request member that configures the pipeline, with defaults filled in:
    # echoed back as sent.
    settings: dict[str, Any] = field(default_factory=dict)
    # ENABLED or DISABLED: set by a request, and by a schedule that keeps failing.
    status: str = "ENABLED"
    platform: str = "Linux"
    date_updated: dt.datetime | None = None
    runs: list[PipelineRun] = field(default_factory=list)
    # Runs before this index don't count as consecutive failures (an update resets them).
    failures_since: int = 0
    # When the schedule took effect (rate expressions count from it) and was last evaluated.
    schedule_since: dt.datetime | None = None
    evaluated_at: dt.datetime | None = None

    @property
    def recipe_arn(self) -> str:
        return str(self.settings.get("imageRecipeArn") or self.settings["containerRecipeArn"])

    @property
    def enabled(self) -> bool:
        return self.status == "ENABLED"

    def references(self) -> Iterable[str]:
        refs = [self.recipe_arn, self.settings["infrastructureConfigurationArn"]]
        if self.settings.get("distributionConfigurationArn"):
            refs.append(self.settings["distributionConfigurationArn"])
        refs.extend(w["workflowArn"] for w in self.settings.get("workflows") or ())
        return refs

    # The request's members as sent, then what the record keeps itself. What the
    # pipeline's runs say (``lastRunStatus``, ...) is read through the backend: ``_render``.
    layers = (
        *Resource.layers,
        Bag("settings"),
        {
            "status": operator.attrgetter("status"),
            "platform": operator.attrgetter("platform"),
            # A pipeline never updated shows its creation as its last update.
            "dateUpdated": lambda pipeline: iso_time(
                pipeline.date_updated or pipeline.date_created
            ),
        },
    )

    def next_run(self) -> dt.datetime | None:
        """When the schedule next fires; None without a schedule or while disabled."""
        schedule = self.settings.get("schedule")
        if not schedule or not self.enabled:
            return None
        since = self.schedule_since or self.date_created
        return parse_schedule(schedule).next_after(self.evaluated_at or since, since)


def consecutive_failures(backend: Backend, pipeline: ImagePipeline) -> int:
    """Scheduled builds that failed since the last success or configuration update.

    Per the model's documentation: a success (scheduled or manual) resets the
    count, a manual failure leaves it as it is, and so do builds still running,
    cancelled builds and builds whose image was deleted.
    """
    count = 0
    for run in reversed(pipeline.runs[pipeline.failures_since :]):
        image = backend.find(run.image_arn)
        status = image.status if isinstance(image, Image) else None
        if status in _SUCCEEDED:
            break
        if status == "FAILED" and run.build_type == "SCHEDULED":
            count += 1
    return count


def _last_run_status(backend: Backend, run: PipelineRun) -> str:
    image = backend.find(run.image_arn)
    # An image deleted since is reported as such rather than forgotten.
    return image.status if isinstance(image, Image) else "DELETED"


def _render(backend: Backend, pipeline: ImagePipeline) -> dict[str, Any]:
    values = pipeline.view("ImagePipeline")
    if pipeline.runs:
        last = pipeline.runs[-1]
        values["dateLastRun"] = iso_time(last.started_at)
        values["lastRunStatus"] = _last_run_status(backend, last)
    next_run = pipeline.next_run()
    if next_run is not None:
        values["dateNextRun"] = iso_time(next_run)
    values["consecutiveFailures"] = consecutive_failures(backend, pipeline)
    return values


def _rendered(backend: Backend, pipelines: list[ImagePipeline]) -> list[dict[str, Any]]:
    """Pipelines as observers see them: showing ``lastRunStatus`` observes that image.

    So a loop polling GetImagePipeline until the last run finishes ends as one
    polling GetImage does, whatever the progression mode.
    """
    latest = [
        image
        for pipeline in pipelines
        if pipeline.runs
        for image in [backend.find(pipeline.runs[-1].image_arn)]
        if isinstance(image, Image)
    ]
    mode = backend.registry.builds.mode
    if mode == "wall-clock":
        for image in latest:
            observe(backend, image)
    rendered = [_render(backend, pipeline) for pipeline in pipelines]
    if mode == "observe":
        for image in latest:
            observe(backend, image)
    return rendered


# -- configuration --------------------------------------------------------------------------


def _recipe(backend: Backend, params: dict[str, Any]) -> Recipe:
    parameter = exactly_one_of(params, "imageRecipeArn", "containerRecipeArn", error=InvalidRequest)
    kind: type[Recipe] = ImageRecipe if parameter == "imageRecipeArn" else ContainerRecipe
    arn = str(params[parameter])
    # A wildcard recipe ARN (…/1.x.x) is allowed and picks the newest match at build time.
    recipe = resolve(backend, arn, kind, parameter)
    if recipe is None or not is_visible(backend, recipe):
        raise invalid_value(parameter, f"The recipe '{arn}' does not exist.")
    return recipe


def _check_workflows(backend: Backend, workflows: list[dict[str, Any]] | None) -> None:
    for i, entry in enumerate(workflows or ()):
        parameter = f"workflows[{i}].workflowArn"
        if find_workflow(backend, entry["workflowArn"], parameter) is None:
            raise invalid_value(parameter, f"The workflow '{entry['workflowArn']}' does not exist.")


def _settings(backend: Backend, params: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """What a Create or Update configures, checked and with defaults; and the platform."""
    recipe = _recipe(backend, params)
    configuration(
        backend,
        params["infrastructureConfigurationArn"],
        "InfrastructureConfiguration",
        "infrastructureConfigurationArn",
    )
    if params.get("distributionConfigurationArn"):
        configuration(
            backend,
            params["distributionConfigurationArn"],
            "DistributionConfiguration",
            "distributionConfigurationArn",
        )
    _check_workflows(backend, params.get("workflows"))
    settings = {k: v for k, v in params.items() if k not in _NOT_SETTINGS}
    settings.setdefault("enhancedImageMetadataEnabled", True)
    tests = dict(settings.get("imageTestsConfiguration") or {})
    tests.setdefault("imageTestsEnabled", True)
    tests.setdefault("timeoutMinutes", 720)
    settings["imageTestsConfiguration"] = tests
    if settings.get("schedule") is not None:
        schedule = dict(settings["schedule"])
        parse_schedule(schedule)
        schedule.setdefault("pipelineExecutionStartCondition", _DEFAULT_START_CONDITION)
        settings["schedule"] = schedule
    return settings, recipe.platform


def _pipeline(backend: Backend, arn: str) -> ImagePipeline:
    return backend.get(arn, ImagePipeline, "imagePipelineArn")


# -- running --------------------------------------------------------------------------------


def _dependencies(backend: Backend, pipeline: ImagePipeline) -> tuple[str, ...]:
    """What the recipe, its parent image and components resolve to now."""
    references = [pipeline.recipe_arn]
    recipe = resolve(backend, pipeline.recipe_arn, Recipe)
    if recipe is not None:
        parent = recipe.settings.get("parentImage")
        if parent:
            references.append(str(parent))
        references.extend(c["componentArn"] for c in recipe.settings.get("components") or ())
    return tuple(_resolved(backend, reference) for reference in references)


def _resolved(backend: Backend, reference: str) -> str:
    for resolver in backend.wiring.resolvers:
        found = resolver(backend, reference)
        if found is not None:
            return found.arn
    return reference


def _start(
    backend: Backend, pipeline: ImagePipeline, build_type: str, tags: dict[str, str]
) -> Image:
    params = {k: pipeline.settings[k] for k in _BUILD_MEMBERS if k in pipeline.settings}
    logging = pipeline.settings.get("loggingConfiguration") or {}
    if logging.get("imageLogGroupName"):
        params["loggingConfiguration"] = {"logGroupName": logging["imageLogGroupName"]}
    return start_build(backend, params, pipeline=pipeline, build_type=build_type, tags=tags)


@dataclass
class _Built:
    """The image builds each pipeline ARN started, oldest first, for
    ListImagePipelineImages to read instead of every image.

    Kept by ARN beside the records, not on the pipeline: the images of a
    deleted pipeline name it still, and list under a new one of that ARN.
    Entries of images deleted since are dropped when a list reads them.
    """

    by_pipeline: dict[str, list[str]] = field(default_factory=dict)


def on_transition(backend: Backend, image: Image, old: str, new: str) -> None:
    """Observer: record each build a pipeline starts, and disable a pipeline that keeps failing."""
    if image.pipeline_arn is None:
        return
    if old == "":
        backend.part(_Built).by_pipeline.setdefault(image.pipeline_arn, []).append(image.arn)
    pipeline = backend.find(image.pipeline_arn)
    if not isinstance(pipeline, ImagePipeline):
        return
    if old == "":
        # Recorded at creation, before an immediate build can finish and be counted.
        dependencies = _dependencies(backend, pipeline)
        pipeline.runs.append(
            PipelineRun(image.arn, image.date_created, image.build_type, dependencies)
        )
    elif new == "FAILED" and image.build_type == "SCHEDULED":
        _auto_disable(backend, pipeline)


def _auto_disable(backend: Backend, pipeline: ImagePipeline) -> None:
    policy = (pipeline.settings.get("schedule") or {}).get("autoDisablePolicy")
    if (
        policy
        and pipeline.enabled
        and consecutive_failures(backend, pipeline) >= policy["failureCount"]
    ):
        pipeline.status = "DISABLED"


def _dependencies_changed(backend: Backend, pipeline: ImagePipeline) -> bool:
    if not pipeline.runs:
        return True
    return _dependencies(backend, pipeline) != pipeline.runs[-1].dependencies


def run_due_schedules(backend: Backend, now: dt.datetime | None = None) -> list[Image]:
    """Start the scheduled builds due at ``now`` (the backend's clock by default).

    An enabled pipeline whose ``dateNextRun`` is at or before ``now`` is
    evaluated once, however many times its schedule fired since the last
    evaluation. With ``EXPRESSION_MATCH_ONLY`` it builds; with
    ``EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE`` it builds only when
    its recipe, parent image or components resolve to something other than
    what its last build used (or it never built). Builds are ``SCHEDULED`` and
    carry the pipeline's ``imageTags``. Returns the images started.
    """
    moment = now or backend.now()
    started: list[Image] = []
    for pipeline in list(backend.of_kind(ImagePipeline)):
        due = pipeline.next_run()
        if due is None or due > moment:
            continue
        pipeline.evaluated_at = moment
        condition = pipeline.settings["schedule"]["pipelineExecutionStartCondition"]
        if condition == "EXPRESSION_MATCH_ONLY" or _dependencies_changed(backend, pipeline):
            tags = dict(pipeline.settings.get("imageTags") or {})
            started.append(_start(backend, pipeline, "SCHEDULED", tags))
    return started


# -- handlers -------------------------------------------------------------------------------


@OPERATIONS.handles("CreateImagePipeline")
def create_image_pipeline(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    settings, platform = _settings(backend, params)
    check_execution_role(backend, params)
    now = backend.now()
    pipeline = ImagePipeline(
        arn=backend.arn("image-pipeline", slug(params["name"])),
        name=params["name"],
        owner=backend.account_id,
        date_created=now,
        tags=dict(params.get("tags") or {}),
        settings=settings,
        status=params.get("status") or "ENABLED",
        platform=platform,
        date_updated=now,
        schedule_since=now,
        evaluated_at=now,
    )
    create(backend, pipeline, params)
    return {"imagePipelineArn": pipeline.arn}


@OPERATIONS.handles("GetImagePipeline")
def get_image_pipeline(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    pipeline = _pipeline(backend, params["imagePipelineArn"])
    return {"imagePipeline": _rendered(backend, [pipeline])[0]}


def _check_same_recipe_type(pipeline: ImagePipeline, settings: dict[str, Any]) -> None:
    """An update keeps the pipeline's recipe type: the model's UpdateImagePipeline says
    "The recipe must be the same type, image or container, as the pipeline's current recipe"."""
    current = "imageRecipeArn" if pipeline.settings.get("imageRecipeArn") else "containerRecipeArn"
    requested = "imageRecipeArn" if settings.get("imageRecipeArn") else "containerRecipeArn"
    if requested != current:
        kind = "an image" if current == "imageRecipeArn" else "a container"
        raise InvalidRequest(
            f"The value supplied for parameter '{requested}' is not valid. The image "
            f"pipeline '{pipeline.arn}' builds from {kind} recipe and can't be switched "
            f"to another recipe type; specify {current}."
        )


@OPERATIONS.handles("UpdateImagePipeline")
def update_image_pipeline(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["imagePipelineArn"]
    pipeline = _pipeline(backend, arn)
    # A full replacement: omitted members revert to their defaults; name and tags stay.
    settings, platform = _settings(backend, params)
    _check_same_recipe_type(pipeline, settings)
    check_execution_role(backend, params)
    pipeline.settings, pipeline.platform = settings, platform
    pipeline.status = params.get("status") or "ENABLED"
    now = backend.now()
    pipeline.date_updated = now
    pipeline.schedule_since = pipeline.evaluated_at = now
    # "The consecutive failure count is also reset to zero when the configuration is updated."
    pipeline.failures_since = len(pipeline.runs)
    return {"imagePipelineArn": arn}


@OPERATIONS.handles("DeleteImagePipeline")
def delete_image_pipeline(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["imagePipelineArn"]
    # The model: a running build continues independently, and built images stay.
    backend.remove(_pipeline(backend, arn))
    return {"imagePipelineArn": arn}


def _setting(name: str) -> Callable[[ImagePipeline], Any]:
    return lambda pipeline: pipeline.settings.get(name)


_MATCHERS: dict[str, Matcher[ImagePipeline]] = {
    "description": field_equals(_setting("description")),
    "distributionConfigurationArn": field_equals(_setting("distributionConfigurationArn")),
    "imageRecipeArn": field_equals(_setting("imageRecipeArn")),
    "infrastructureConfigurationArn": field_equals(_setting("infrastructureConfigurationArn")),
    "name": field_equals(lambda pipeline: pipeline.name),
    "status": field_equals(lambda pipeline: pipeline.status),
}


@OPERATIONS.handles("ListImagePipelines")
def list_image_pipelines(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    result = list_page(
        backend,
        "ListImagePipelines",
        backend.store(ImagePipeline).ordered,
        params,
        matchers=_MATCHERS,
        sort_key=store_order,
        view=lambda pipeline: pipeline,
        result_key="imagePipelineList",
    )
    # Rendered after paging: showing a pipeline observes its last build.
    result["imagePipelineList"] = _rendered(backend, result["imagePipelineList"])
    return result


@OPERATIONS.handles("StartImagePipelineExecution")
def start_image_pipeline_execution(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    pipeline = _pipeline(backend, params["imagePipelineArn"])
    # Manual builds run whether the pipeline is enabled or not, and are tagged with the
    # request's tags instead of the pipeline's imageTags (model documentation).
    image = _start(backend, pipeline, "USER_INITIATED", dict(params.get("tags") or {}))
    return {"imageBuildVersionArn": image.arn}


_IMAGE_FILTERS = ("name", "version")


@OPERATIONS.handles("ListImagePipelineImages")
def list_image_pipeline_images(backend: Backend, params: dict[str, Any]) -> dict[str, Any]:
    for i, entry in enumerate(params.get("filters") or ()):
        if entry.get("name") not in _IMAGE_FILTERS:
            raise invalid_value(
                f"filters[{i}].name",
                f"Unknown filter name '{entry.get('name')}'. Valid filter names: "
                f"{', '.join(_IMAGE_FILTERS)}.",
            )
    arn = params["imagePipelineArn"]
    # The model: an ARN that doesn't exist gives an empty list, not ResourceNotFoundException.
    built: list[Image] = []
    if isinstance(backend.find(arn), ImagePipeline):
        built = _built_by(backend, arn)
    return summaries_page(backend, "ListImagePipelineImages", built, params)


def _built_by(backend: Backend, pipeline_arn: str) -> list[Image]:
    """The images still stored that builds of ``pipeline_arn`` made."""
    index = backend.part(_Built).by_pipeline
    arns = index.get(pipeline_arn, [])
    images = [image for arn in arns if isinstance(image := backend.find(arn), Image)]
    if len(images) < len(arns):
        # Build numbers are never reused: a deleted image's ARN names nothing again.
        index[pipeline_arn] = [image.arn for image in images]
    return images
