"""The benchmark suite of imagebuilder-mock: every figure beside its reference and target.

Run: ``python benchmarks/run.py [--rounds R] [--calls N] [--json PATH] [--quick] [--only SECTION]``

Every figure is measured in the same run as the reference it is compared with,
in rounds that alternate between the two so machine noise hits both alike; the
table shows the median of the per-round medians and the fastest single sample.

1. **Per call**, for seven calls (create_component twice: with the same
   document each time, and with a text never seen before): this mock, the floor (a client whose
   ``before-send`` handler replays the bytes the mock answered that very call
   with: botocore's own serialize, sign and parse, no mock work), and
   ``botocore.stub.Stubber`` (which answers at ``before-call`` and so skips
   serializing, signing and parsing). Target: the mock within 1.2x the floor.
   The mock skips SigV4 signing for what it answers in process, so the floor
   is also shown unsigned: the mock's ratio to it is what the mock itself adds.
2. **moto** on the nearest call it has, ``ssm.get_parameter`` under
   ``mock_aws``, beside its own floor, measured the same way.
3. **Import**: ``import imagebuilder_mock`` after ``import boto3``, and then
   ``from imagebuilder_mock import mock_imagebuilder``, in fresh processes
   with bytecode caches (as pip installs a package). Target: 30 ms.
4. **pytest plugin**: a run of a suite that never uses boto3, with the plugin
   against ``-p no:imagebuilder_mock``, in fresh processes, paired run by run.
   Target: 30 ms.
5. **A test's fixed cost**: activate, make a client, one call, deactivate;
   beside the same under ``mock_aws``. Target: 1/20 of moto's.
6. **Scale**: pages and lookups at 100, 1,000 and 10,000 components and memory
   per resource, from ``benchmarks/scale.py``. Targets: 4 KB per component
   (30-line document), 2 KB per infrastructure configuration.

moto is imported only after sections 1 (the mock alone), so the per-call
figures are those of a suite that does not load moto. ``--quick`` is a smoke
run: fewer rounds, calls and process starts, and scale at 100 and 1,000 only.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
# The test suite turns the output-shape check on; a user's suite runs without it.
os.environ.pop("IMAGEBUILDER_MOCK_CHECK_RESPONSES", None)

import boto3
import botocore
import scale

# _common (which scale imports first) makes the session BARE before the hooks
# of imagebuilder_mock exist, and moto is imported only after the mock's figures.
from _common import BARE, COMPONENT_DOCUMENT_30, Canned, Series, capture, replay, samples
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from imagebuilder_mock import MockController, mock_imagebuilder

REGION = "us-east-1"
PARENT_IMAGE = f"arn:aws:imagebuilder:{REGION}:aws:image/amazon-linux-2023-x86/x.x.x"
LISTED_IMAGES = 1000
PAGE = 25
BLOCK = 20
PER_CALL_TARGET = 1.2
IMPORT_TARGET_MS = 30.0
PLUGIN_TARGET_MS = 30.0
FIXED_COST_TARGET = 1 / 20
MEMORY_TARGETS_KB = {
    "component": 4.0,
    "component, each its own text": 4.0,
    "infrastructure configuration": 2.0,
}


@dataclass
class Settings:
    rounds: int
    calls: int
    process_runs: int
    cycles: int
    scale_sizes: list[int]
    scale_rounds: int
    scale_calls: int


@dataclass
class Row:
    """One line of the table: a figure, its reference, and the target between them."""

    section: str
    figure: str
    unit: str
    median: float
    fastest: float
    reference: str = ""
    reference_median: float | None = None
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def _imagebuilder() -> Any:
    return boto3.client("imagebuilder", region_name=REGION)


# -- 1. per call ------------------------------------------------------------------------


@dataclass
class Case:
    """One call: its client method and the arguments of each successive call."""

    name: str
    method: str
    arguments: Callable[[], dict[str, Any]]


def _same(arguments: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    return lambda: arguments


def _numbered(make: Callable[[int], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    """Arguments that differ on every call (a create must name something new)."""
    numbers = count()
    return lambda: make(next(numbers))


def _seed(client: Any, ib: MockController) -> list[Case]:
    """Make what the calls read, under ``immediate`` progression; return the calls."""
    component = client.create_component(
        name="bench-component",
        semanticVersion="1.0.0",
        platform="Linux",
        data=COMPONENT_DOCUMENT_30,
    )["componentBuildVersionArn"]
    components = [component] + [
        client.create_component(
            name=f"bench-part-{index}",
            semanticVersion="1.0.0",
            platform="Linux",
            data=COMPONENT_DOCUMENT_30,
        )["componentBuildVersionArn"]
        for index in range(4)
    ]
    infrastructure = client.create_infrastructure_configuration(
        name="bench-infrastructure",
        instanceProfileName="bench-profile",
        instanceTypes=["m5.large", "m5.xlarge"],
        securityGroupIds=["sg-0123456789abcdef0"],
        subnetId="subnet-0123456789abcdef0",
        logging={"s3Logs": {"s3BucketName": "logs", "s3KeyPrefix": "ib"}},
        tags={"team": "platform"},
    )["infrastructureConfigurationArn"]

    began = time.perf_counter()
    ib.set_progression("immediate")
    # One image version per recipe: list_images lists versions, not builds. The
    # last one is built under ``manual`` progression below and stays in progress.
    for index in range(LISTED_IMAGES):
        recipe = client.create_image_recipe(
            name=f"bench-listed-{index:04d}",
            semanticVersion="1.0.0",
            components=[{"componentArn": component}],
            parentImage=PARENT_IMAGE,
        )["imageRecipeArn"]
        if index == LISTED_IMAGES - 1:
            ib.set_progression("manual")
        building = client.create_image(
            imageRecipeArn=recipe, infrastructureConfigurationArn=infrastructure
        )["imageBuildVersionArn"]
    print(
        f"  seeded {LISTED_IMAGES} images (CreateImage) in {time.perf_counter() - began:.1f} s",
        flush=True,
    )
    status = client.get_image(imageBuildVersionArn=building)["image"]["state"]["status"]
    if status in ("AVAILABLE", "FAILED", "CANCELLED"):
        raise RuntimeError(f"the image read during its build is already {status}")
    listed = client.list_images(maxResults=PAGE)
    if len(listed["imageVersionList"]) != PAGE or "nextToken" not in listed:
        raise RuntimeError("list_images did not answer a full page with more to come")

    def new_recipe(index: int) -> dict[str, Any]:
        return {
            "name": f"bench-recipe-{index:06d}",
            "semanticVersion": "1.0.0",
            "components": [{"componentArn": arn} for arn in components],
            "parentImage": PARENT_IMAGE,
            "blockDeviceMappings": [
                {
                    "deviceName": "/dev/xvda",
                    "ebs": {"volumeSize": 30, "volumeType": "gp3", "deleteOnTermination": True},
                },
                {"deviceName": "/dev/xvdb", "ebs": {"volumeSize": 100, "encrypted": True}},
            ],
            "workingDirectory": "/tmp",
        }

    return [
        Case(
            "get_infrastructure_configuration",
            "get_infrastructure_configuration",
            _same({"infrastructureConfigurationArn": infrastructure}),
        ),
        Case("get_component", "get_component", _same({"componentBuildVersionArn": component})),
        Case(
            "create_component (30-line document)",
            "create_component",
            _numbered(
                lambda index: {
                    "name": f"bench-new-{index:06d}",
                    "semanticVersion": "1.0.0",
                    "platform": "Linux",
                    "data": COMPONENT_DOCUMENT_30,
                }
            ),
        ),
        Case(
            # A suite reuses its documents, and the mock may remember a text it
            # accepted; a text never seen before is parsed and checked in full.
            "create_component (30-line document, new text)",
            "create_component",
            _numbered(
                lambda index: {
                    "name": f"bench-text-{index:06d}",
                    "semanticVersion": "1.0.0",
                    "platform": "Linux",
                    "data": f"{COMPONENT_DOCUMENT_30}# revision {index}\n",
                }
            ),
        ),
        Case(
            "create_image_recipe (5 components, 2 EBS)",
            "create_image_recipe",
            _numbered(new_recipe),
        ),
        Case(
            f"list_images page of {PAGE} among {LISTED_IMAGES}",
            "list_images",
            _same({"maxResults": PAGE}),
        ),
        Case(
            "get_image during a build",
            "get_image",
            _same({"imageBuildVersionArn": building}),
        ),
        Case(
            "tag_resource",
            "tag_resource",
            _same({"resourceArn": component, "tags": {"team": "platform"}}),
        ),
    ]


def _contenders(case: Case, ib: MockController) -> dict[str, Callable[[], Any]]:
    """The mock, the floor replaying the mock's own bytes for this call, and Stubber."""
    mock = _imagebuilder()
    recorder = _imagebuilder()
    last = capture(recorder, "after-call.imagebuilder")
    parsed = getattr(recorder, case.method)(**case.arguments())
    answer: Canned = last()
    parsed.pop("ResponseMetadata", None)

    floor = BARE.client("imagebuilder", region_name=REGION)
    replay(floor, "before-send.imagebuilder", answer)
    # The same without SigV4 signing, which the mock skips for what it answers
    # in process: what the mock adds over botocore's remaining work.
    unsigned = BARE.client(
        "imagebuilder", region_name=REGION, config=Config(signature_version=UNSIGNED)
    )
    replay(unsigned, "before-send.imagebuilder", answer)

    # Stubber on a bare client too: the reference is botocore's own stubbing.
    stubbed = BARE.client("imagebuilder", region_name=REGION)
    stubber = Stubber(stubbed)
    stubber.activate()

    mock_method = getattr(mock, case.method)
    floor_method = getattr(floor, case.method)
    unsigned_method = getattr(unsigned, case.method)
    stub_method = getattr(stubbed, case.method)

    def stub_call() -> Any:
        stubber.add_response(case.method, parsed)
        return stub_method(**case.arguments())

    # A floor that reached the mock would measure the mock: check that it does not.
    answered = len(ib.calls)
    floor_method(**case.arguments())
    unsigned_method(**case.arguments())
    stub_call()
    if len(ib.calls) != answered:
        raise RuntimeError(f"the floor or Stubber of {case.name} reached the mock")

    return {
        "floor": lambda: floor_method(**case.arguments()),
        "unsigned floor": lambda: unsigned_method(**case.arguments()),
        "Stubber": stub_call,
        "mock": lambda: mock_method(**case.arguments()),
    }


def _per_call(settings: Settings) -> list[Row]:
    print("per call: the mock, the floor and Stubber", flush=True)
    with mock_imagebuilder() as ib:
        cases = _seed(_imagebuilder(), ib)
        contenders = {case.name: _contenders(case, ib) for case in cases}
        series = {(case, who): Series() for case, calls in contenders.items() for who in calls}
        for calls in contenders.values():  # warm-up: caches, lazy imports
            for call in calls.values():
                samples(call, 30)
        # Within a round the contenders take turns in blocks of BLOCK calls, so a
        # burst of load from other processes falls on all of them alike.
        blocks = max(1, settings.calls // BLOCK)
        for _ in range(settings.rounds):
            taken: dict[tuple[str, str], list[float]] = {key: [] for key in series}
            for _ in range(blocks):
                for case, calls in contenders.items():
                    for who, call in calls.items():
                        taken[case, who] += samples(call, BLOCK)
            for key, values in taken.items():
                series[key].add(values)
    rows = []
    for case in contenders:
        floor, unsigned, stub, mock = (
            series[case, who] for who in ("floor", "unsigned floor", "Stubber", "mock")
        )
        ratio = mock.median / floor.median
        rows.append(
            Row(
                "per call",
                case,
                "µs",
                mock.median * 1e6,
                mock.fastest * 1e6,
                "floor",
                floor.median * 1e6,
                ratio,
                f"<= {PER_CALL_TARGET}x floor",
                ratio <= PER_CALL_TARGET,
                {
                    "mock": mock.as_json(),
                    "floor": floor.as_json(),
                    "stubber": stub.as_json(),
                    "floor_min_us": floor.fastest * 1e6,
                    "min_ratio": mock.fastest / floor.fastest,
                    "stubber_median_us": stub.median * 1e6,
                    "stubber_min_us": stub.fastest * 1e6,
                    "unsigned_floor": unsigned.as_json(),
                    "unsigned_ratio": mock.median / unsigned.median,
                },
            )
        )
    return rows


# -- 2. moto ----------------------------------------------------------------------------


def _moto_per_call(settings: Settings) -> list[Row]:
    print("moto: ssm.get_parameter and its floor", flush=True)
    from moto import mock_aws

    # Sessions copy botocore's built-in handlers when they are made, and the
    # default one predates moto's import: a new one carries moto's hook.
    boto3.setup_default_session()
    with mock_aws():
        ssm = boto3.client("ssm", region_name=REGION)
        ssm.put_parameter(Name="/bench/parameter", Value="value", Type="String")
        recorder = boto3.client("ssm", region_name=REGION)
        last = capture(recorder, "after-call.ssm")
        recorder.get_parameter(Name="/bench/parameter")
        # Bare: moto's catch-all before-send handler would run for it too.
        floor = BARE.client("ssm", region_name=REGION)
        replay(floor, "before-send.ssm", last())
        calls: dict[str, Callable[[], Any]] = {
            "floor": lambda: floor.get_parameter(Name="/bench/parameter"),
            "moto": lambda: ssm.get_parameter(Name="/bench/parameter"),
        }
        series = {who: Series() for who in calls}
        for call in calls.values():
            samples(call, 30)
        for _ in range(settings.rounds):
            for who, call in calls.items():
                series[who].add(samples(call, settings.calls))
    moto, floor_series = series["moto"], series["floor"]
    return [
        Row(
            "moto",
            "moto ssm.get_parameter",
            "µs",
            moto.median * 1e6,
            moto.fastest * 1e6,
            "its floor",
            floor_series.median * 1e6,
            moto.median / floor_series.median,
            "(reference)",
            None,
            {"moto": moto.as_json(), "floor": floor_series.as_json()},
        )
    ]


# -- 3 and 4. fresh processes -----------------------------------------------------------

_IMPORT_PROBE = """\
import time
start = time.perf_counter()
import boto3
middle = time.perf_counter()
import imagebuilder_mock
end = time.perf_counter()
from imagebuilder_mock import mock_imagebuilder
named = time.perf_counter()
print(middle - start, end - middle, named - end)
"""


def _fresh_environment() -> dict[str, str]:
    """The environment of the fresh processes: with bytecode caches, as installed packages are.

    pip compiles a package's bytecode when it installs it; a checkout or a
    copy run with ``PYTHONDONTWRITEBYTECODE`` would compile its source in every
    process instead. A warm-up run writes the caches.
    """
    environment = dict(os.environ)
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    return environment


def _run_fresh(command: list[str], cwd: str | Path) -> str:
    done = subprocess.run(
        command, capture_output=True, text=True, check=True, cwd=cwd, env=_fresh_environment()
    )
    return done.stdout


def _imports(settings: Settings) -> list[Row]:
    print(f"import: {settings.process_runs} fresh processes", flush=True)
    # Not from the checkout: ``-c`` puts the working directory first on the
    # path, and the package must resolve as it does in this process.
    probe = [sys.executable, "-c", _IMPORT_PROBE]
    _run_fresh(probe, tempfile.gettempdir())  # warm-up: writes the bytecode caches
    boto, package, named = [], [], []
    for _ in range(settings.process_runs):
        out = _run_fresh(probe, tempfile.gettempdir()).split()
        boto.append(float(out[0]) * 1e3)
        package.append(float(out[1]) * 1e3)
        named.append(float(out[1]) * 1e3 + float(out[2]) * 1e3)
    rows = []
    for figure, taken in (
        ("import imagebuilder_mock after import boto3", package),
        ("... and from imagebuilder_mock import mock_imagebuilder", named),
    ):
        median = statistics.median(taken)
        rows.append(
            Row(
                "import",
                figure,
                "ms",
                median,
                min(taken),
                "import boto3",
                statistics.median(boto),
                None,
                f"<= {IMPORT_TARGET_MS:.0f} ms",
                median <= IMPORT_TARGET_MS,
                {"boto3_ms": boto, "ms": taken},
            )
        )
    return rows


def _plugin_entry_point() -> str:
    from importlib.metadata import entry_points

    for entry in entry_points(group="pytest11"):
        if entry.value == "imagebuilder_mock.pytest_plugin":
            return entry.name
    raise RuntimeError("the imagebuilder_mock pytest plugin is not installed")


def _plugin(settings: Settings) -> list[Row]:
    print(f"pytest plugin: {settings.process_runs} fresh runs each way", flush=True)
    name = _plugin_entry_point()
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        # An empty ini file makes this the rootdir: no configuration of the project applies.
        (root / "pytest.ini").write_text("[pytest]\n")
        (root / "test_plain.py").write_text("def test_plain():\n    assert 1 + 1 == 2\n")
        base = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(root)]
        commands = {"with": base, "without": [*base, "-p", f"no:{name}"]}
        for command in commands.values():
            _run_fresh(command, root)  # warm-up: writes the bytecode caches
        runs: dict[str, list[float]] = {"with": [], "without": []}
        for _ in range(settings.process_runs):
            for how, command in commands.items():
                start = time.perf_counter()
                _run_fresh(command, root)
                runs[how].append((time.perf_counter() - start) * 1e3)
    # Paired: each run with the plugin against the run without it just after,
    # so a drift of the machine's speed cancels out.
    differences = [a - b for a, b in zip(runs["with"], runs["without"], strict=True)]
    cost = statistics.median(differences)
    return [
        Row(
            "pytest plugin",
            "pytest run with the plugin, over without (paired)",
            "ms",
            cost,
            min(runs["with"]) - min(runs["without"]),
            f"run without (-p no:{name})",
            statistics.median(runs["without"]),
            None,
            f"<= {PLUGIN_TARGET_MS:.0f} ms",
            cost <= PLUGIN_TARGET_MS,
            {
                "entry_point": name,
                "with_ms": runs["with"],
                "without_ms": runs["without"],
                "differences_ms": differences,
            },
        )
    ]


# -- 5. a test's fixed cost -------------------------------------------------------------


def _fixed_cost(settings: Settings) -> list[Row]:
    print(f"fixed cost per test: {settings.cycles} cycles a round", flush=True)
    from moto import mock_aws

    missing_infrastructure = (
        f"arn:aws:imagebuilder:{REGION}:123456789012:infrastructure-configuration/missing"
    )

    def expect_error(call: Callable[[], Any]) -> None:
        try:
            call()
        except ClientError:
            return
        raise RuntimeError("the call of a missing resource succeeded")

    def cycle(
        scope: Callable[[], AbstractContextManager[Any]],
        client: Callable[[], Any],
        body: Callable[[Any], None],
    ) -> Callable[[], None]:
        def run() -> None:
            with scope():
                body(client())

        return run

    def ssm() -> Any:
        return boto3.client("ssm", region_name=REGION)

    def ib_get(client: Any) -> None:
        expect_error(
            lambda: client.get_infrastructure_configuration(
                infrastructureConfigurationArn=missing_infrastructure
            )
        )

    def moto_get(client: Any) -> None:
        expect_error(lambda: client.get_parameter(Name="/bench/missing"))

    def ib_create_get(client: Any) -> None:
        arn = client.create_infrastructure_configuration(
            name="bench", instanceProfileName="bench-profile"
        )["infrastructureConfigurationArn"]
        client.get_infrastructure_configuration(infrastructureConfigurationArn=arn)

    def moto_create_get(client: Any) -> None:
        client.put_parameter(Name="/bench/parameter", Value="value", Type="String")
        client.get_parameter(Name="/bench/parameter")

    # botocore alone: the same cycle with no mock, a client (of a session without
    # any mock's hooks) answered with the bytes the mock answers. What is left
    # of the mock's cycle over it is the mock's own share.
    def bare(body: Callable[[Any], None]) -> Callable[[], Any]:
        canned = _cycle_answers(body)

        def client() -> Any:
            made = BARE.client("imagebuilder", region_name=REGION)
            for operation, answer in canned.items():
                replay(made, f"before-send.imagebuilder.{operation}", answer)
            return made

        return client

    pairs = {
        "one Get (of a missing resource)": (
            cycle(mock_imagebuilder, _imagebuilder, ib_get),
            cycle(mock_aws, ssm, moto_get),
            cycle(contextlib.nullcontext, bare(ib_get), ib_get),
        ),
        "a Create and a Get": (
            cycle(mock_imagebuilder, _imagebuilder, ib_create_get),
            cycle(mock_aws, ssm, moto_create_get),
            cycle(contextlib.nullcontext, bare(ib_create_get), ib_create_get),
        ),
    }
    contenders = ("mock", "moto", "botocore")
    series = {(name, who): Series() for name in pairs for who in contenders}
    for cycles in pairs.values():
        for run_cycle in cycles:
            samples(run_cycle, 5)
    for _ in range(settings.rounds):
        for name, cycles in pairs.items():
            for who, run_cycle in zip(contenders, cycles, strict=True):
                series[name, who].add(samples(run_cycle, settings.cycles))
    rows = []
    for name in pairs:
        mock, moto, alone = (series[name, who] for who in contenders)
        ratio = mock.median / moto.median
        rows.append(
            Row(
                "fixed cost",
                f"activate, client, {name}, deactivate",
                "µs",
                mock.median * 1e6,
                mock.fastest * 1e6,
                "same under mock_aws (ssm)",
                moto.median * 1e6,
                ratio,
                f"<= {FIXED_COST_TARGET:.2f}x moto (1/20)",
                ratio <= FIXED_COST_TARGET,
                {
                    "mock": mock.as_json(),
                    "moto": moto.as_json(),
                    "botocore": alone.as_json(),
                    "botocore_ratio": alone.median / moto.median,
                },
            )
        )
    return rows


def _cycle_answers(body: Callable[[Any], None]) -> dict[str, Canned]:
    """The bytes the mock answers each operation of ``body`` with, by operation."""
    answers: dict[str, Canned] = {}
    with mock_imagebuilder():
        client = _imagebuilder()

        def record(http_response: Any, model: Any, **kwargs: Any) -> None:
            answers[model.name] = Canned(
                http_response.status_code, dict(http_response.headers), http_response.content
            )

        client.meta.events.register("after-call.imagebuilder", record)
        body(client)
    return answers


# -- 6. scale ---------------------------------------------------------------------------


def _scale(settings: Settings) -> tuple[list[Row], dict[str, Any]]:
    print(f"scale: components at {settings.scale_sizes}, and memory", flush=True)
    results = scale.Results()
    scale._distinct_components(
        results, settings.scale_sizes, settings.scale_rounds, settings.scale_calls
    )
    scale._memory(results)
    ratios = scale._ratios(results, settings.scale_sizes)
    rows = []
    for figure in results.figures:
        if figure.name in ("walk total",):
            continue
        rows.append(
            Row(
                "scale",
                f"{figure.name} at {figure.size}",
                figure.unit.split("/")[0],
                figure.median * 1e6,
                figure.fastest * 1e6,
                detail={"unit": figure.unit, "round_medians_us": [v * 1e6 for v in figure.rounds]},
            )
        )
    for ratio in ratios:
        rows.append(
            Row(
                "scale",
                f"{ratio['figure']}, {ratio['sizes']}",
                "x",
                ratio["value"],
                ratio["min_value"],
                target="~1 (linear)" if ratio["target"] is None else f"<= {ratio['target']}x",
                met=ratio["met"],
            )
        )
    for kind, kb in results.memory_kb.items():
        target = MEMORY_TARGETS_KB.get(kind)
        rows.append(
            Row(
                "memory",
                f"per {kind}" + (" (30-line document)" if kind.startswith("component") else ""),
                "KB",
                kb,
                kb,
                target="" if target is None else f"<= {target:.0f} KB",
                met=None if target is None else kb <= target,
            )
        )
    document = {
        "figures": [
            {"figure": f.name, "size": f.size, "unit": f.unit, **_figure_json(f)}
            for f in results.figures
        ],
        "seconds_to_seed": results.seeding,
        "memory_kb_per_resource": results.memory_kb,
        "ratios": ratios,
    }
    return rows, document


def _figure_json(figure: scale.Figure) -> dict[str, Any]:
    return {
        "median_us": figure.median * 1e6,
        "min_us": figure.fastest * 1e6,
        "round_medians_us": [v * 1e6 for v in figure.rounds],
    }


# -- the table --------------------------------------------------------------------------


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "x":
        return f"{value:.2f}x"
    return f"{value:,.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}"


def _beside(figure: str, timing: dict[str, Any], what: str, ratio: float) -> str:
    """A line under a row: another contender of the same figure, with one ratio."""
    median, fastest = _number(timing["median"], "µs"), _number(timing["min"], "µs")
    return f"{'  ' + figure:<58}{median:>12}{fastest:>12}  {what:<26}{'':>12}{ratio:>7.3f}x"


def _table(rows: list[Row]) -> Iterator[str]:
    header = (
        f"{'figure':<58}{'median':>12}{'min':>12}  {'reference':<26}{'ref median':>12}"
        f"{'ratio':>8}  {'target':<24}{'met':<6}"
    )
    section = ""
    for row in rows:
        if row.section != section:
            section = row.section
            yield ""
            yield f"== {section}"
            yield header
        met = "" if row.met is None else ("yes" if row.met else "NO")
        ratio = "" if row.ratio is None else f"{row.ratio:.3f}x"
        median, fastest = _number(row.median, row.unit), _number(row.fastest, row.unit)
        yield (
            f"{row.figure:<58}{median:>12}{fastest:>12}"
            f"  {row.reference:<26}{_number(row.reference_median, row.unit):>12}{ratio:>8}"
            f"  {row.target:<24}{met:<6}"
        )
        if row.section == "fixed cost":
            yield _beside(
                "botocore alone (the cycle with canned answers, no mock)",
                row.detail["botocore"],
                "over moto",
                row.detail["botocore_ratio"],
            )
        if row.section == "per call":
            yield _beside(
                "floor without signing (botocore less SigV4)",
                row.detail["unsigned_floor"],
                "mock over it",
                row.detail["unsigned_ratio"],
            )
            stub = row.detail["stubber_median_us"]
            yield (
                f"{'  Stubber (answers at before-call)':<58}{_number(stub, 'µs'):>12}"
                f"{_number(row.detail['stubber_min_us'], 'µs'):>12}"
                f"  {'floor min; ratio of mins':<26}{_number(row.detail['floor_min_us'], 'µs'):>12}"
                f"{row.detail['min_ratio']:>7.2f}x"
            )


def _machine() -> dict[str, Any]:
    import moto

    import imagebuilder_mock

    return {
        "package": str(Path(imagebuilder_mock.__file__).parent),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "boto3": boto3.__version__,
        "botocore": botocore.__version__,
        "moto": moto.__version__,
    }


SECTIONS: dict[str, Callable[[Settings], list[Row]]] = {
    "per-call": _per_call,
    "moto": _moto_per_call,
    "fixed-cost": _fixed_cost,
    "import": _imports,
    "plugin": _plugin,
    "scale": lambda settings: _scale(settings)[0],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, help="alternating rounds (default 7; quick 3)")
    parser.add_argument("--calls", type=int, help="calls per contender per round (default 200)")
    parser.add_argument("--json", metavar="PATH", help="also write every figure here")
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer of everything")
    parser.add_argument(
        "--only",
        action="append",
        choices=SECTIONS,
        help="run only this section (repeatable); the default is all of them",
    )
    args = parser.parse_args()
    quick = args.quick
    settings = Settings(
        rounds=args.rounds or (3 if quick else 7),
        calls=args.calls or (50 if quick else 200),
        process_runs=5 if quick else 21,
        cycles=10 if quick else 20,
        scale_sizes=[100, 1000] if quick else [100, 1000, 10000],
        scale_rounds=3 if quick else 5,
        scale_calls=10 if quick else 20,
    )
    chosen = args.only or list(SECTIONS)
    began = time.perf_counter()
    rows: list[Row] = []
    scale_document: dict[str, Any] = {}
    # In this order: moto only after the per-call figures, which are those of a
    # suite without it.
    for section in SECTIONS:
        if section not in chosen:
            continue
        if section == "scale":
            scale_rows, scale_document = _scale(settings)
            rows += scale_rows
        else:
            rows += SECTIONS[section](settings)
    elapsed = time.perf_counter() - began
    machine = _machine()

    print()
    print(
        f"imagebuilder-mock benchmark: {settings.rounds} rounds x {settings.calls} calls, "
        f"{settings.process_runs} process starts, {settings.cycles} cycles a round; "
        f"{elapsed:.0f} s"
    )
    print(f"package measured: {machine['package']}")
    print(
        f"{machine['cpus']} CPUs, Python {machine['python']}, boto3 {machine['boto3']}, "
        f"botocore {machine['botocore']}, moto {machine['moto']}"
    )
    for line in _table(rows):
        print(line)
    missed = [row.figure for row in rows if row.met is False]
    print()
    print(f"targets missed: {len(missed)}" + (f" ({'; '.join(missed)})" if missed else ""))

    if args.json:
        document = {
            "settings": vars(settings),
            "machine": machine,
            "seconds": elapsed,
            "rows": [vars(row) for row in rows],
            "scale": scale_document,
        }
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(document, out, indent=2)
            out.write("\n")


if __name__ == "__main__":
    main()
