"""How imagebuilder-mock's per-call cost grows with the number of stored resources.

Run: ``python benchmarks/scale.py [--sizes 100,1000,10000] [--rounds R] [--calls N]
[--quick] [--json PATH]``

Every resource is created through a boto3 client under ``mock_imagebuilder``,
as a user would, and each size is reached by topping up the previous one. At
each size ``n`` it measures:

* ``list_components`` pages of 25 (the first page, and a middle page reached by
  a ``nextToken`` captured beforehand) with ``n`` components of distinct names,
  and again with ``n/10`` names of 10 versions each;
* a ``list_infrastructure_configurations`` page of 25 among ``n`` configurations;
* ``get_component`` by a ``.../x.x.x`` wildcard ARN among ``n`` components (and
  among 1, the baseline of its ratio);
* ``create_component`` of a fresh name with ``n`` present (the new components
  are deleted after each round, so ``n`` stays exact);
* a full paginated walk of all ``n`` components, reported per item;
* memory per resource, from tracemalloc around 1,000 creates of each kind (the
  components with a 30-line document, the size the memory target is stated for:
  the same text each time, and each its own text).

Within one size, rounds alternate between the figures so machine noise hits all
alike; a figure is the median of its per-round medians. The ratios at the end
compare the largest size with the smallest against the targets for each.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")

import boto3
from _common import COMPONENT_DOCUMENT_30

from imagebuilder_mock import mock_imagebuilder

REGION = "us-east-1"
PAGE = 25
MEMORY_BATCH = 1000

# One step, one command: the benchmark is about how many components are
# stored, not how large each one is.
DOCUMENT = """\
schemaVersion: 1.0
phases:
  - name: build
    steps:
      - name: Noop
        action: ExecuteBash
        inputs:
          commands:
            - "true"
"""


@dataclass
class Figure:
    """One measured quantity at one size: seconds per call, one median per round."""

    name: str
    size: int
    unit: str = "µs/call"
    rounds: list[float] = field(default_factory=list)
    fastest: float = float("inf")

    def add(self, samples: list[float]) -> None:
        self.rounds.append(statistics.median(samples))
        self.fastest = min(self.fastest, *samples)

    @property
    def median(self) -> float:
        return statistics.median(self.rounds)


@dataclass
class Results:
    figures: list[Figure] = field(default_factory=list)
    seeding: dict[str, float] = field(default_factory=dict)
    memory_kb: dict[str, float] = field(default_factory=dict)

    def figure(self, name: str, size: int, unit: str = "µs/call") -> Figure:
        existing = self.find(name, size)
        if existing is not None:
            return existing
        created = Figure(name, size, unit)
        self.figures.append(created)
        return created

    def find(self, name: str, size: int) -> Figure | None:
        return next((f for f in self.figures if f.name == name and f.size == size), None)


def _samples(call: Callable[[], Any], n: int) -> list[float]:
    """Seconds taken by each of ``n`` calls."""
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def _client() -> Any:
    return boto3.client("imagebuilder", region_name=REGION)


def _create_component(
    client: Any, name: str, version: str = "1.0.0", document: str = DOCUMENT
) -> str:
    arn: str = client.create_component(
        name=name, semanticVersion=version, platform="Linux", data=document
    )["componentBuildVersionArn"]
    return arn


def _create_infrastructure(client: Any, name: str) -> str:
    arn: str = client.create_infrastructure_configuration(
        name=name, instanceProfileName="bench-profile"
    )["infrastructureConfigurationArn"]
    return arn


def _walk(list_page: Callable[..., dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every page of a listing, following ``nextToken`` until it runs out."""
    kwargs: dict[str, Any] = {"maxResults": PAGE}
    while True:
        page = list_page(**kwargs)
        yield page
        token = page.get("nextToken")
        if not token:
            return
        kwargs["nextToken"] = token


def _middle_token(list_page: Callable[..., dict[str, Any]], n: int) -> str:
    """The ``nextToken`` that leads to the page halfway through ``n`` items."""
    wanted = max(1, n // PAGE // 2)
    for index, page in enumerate(_walk(list_page), start=1):
        if index == wanted:
            token: str = page["nextToken"]
            return token
    raise RuntimeError(f"the listing of {n} items ended before page {wanted}")


def _count(list_page: Callable[..., dict[str, Any]], result_key: str) -> int:
    return sum(len(page[result_key]) for page in _walk(list_page))


def _check_count(list_page: Callable[..., dict[str, Any]], result_key: str, n: int) -> None:
    # A benchmark of the wrong population measures nothing: check it first.
    listed = _count(list_page, result_key)
    if listed != n:
        raise RuntimeError(f"expected {n} items in {result_key}, the walk found {listed}")


def _seed(
    results: Results, label: str, size: int, create: Callable[[int], None], start: int
) -> None:
    began = time.perf_counter()
    for index in range(start, size):
        create(index)
    elapsed = time.perf_counter() - began
    results.seeding[f"{label} {start}->{size}"] = elapsed
    print(f"  seeded {label} {start} -> {size} in {elapsed:.1f} s", flush=True)


def _alternate(
    results: Results, size: int, figures: dict[str, Callable[[], list[float]]], rounds: int
) -> None:
    for measure in figures.values():  # warm-up: caches, lazy imports
        measure()
    for _ in range(rounds):
        for name, measure in figures.items():
            results.figure(name, size).add(measure())


def _pages(
    label: str, list_page: Callable[..., dict[str, Any]], middle: str, calls: int
) -> dict[str, Callable[[], list[float]]]:
    """The first page and the page behind ``middle``, ``calls`` times each."""
    return {
        f"{label} first page": lambda: _samples(lambda: list_page(maxResults=PAGE), calls),
        f"{label} middle page": lambda: _samples(
            lambda: list_page(maxResults=PAGE, nextToken=middle), calls
        ),
    }


def _walk_per_item(list_page: Callable[..., dict[str, Any]], n: int) -> Callable[[], list[float]]:
    """One full walk of ``n`` items a round, as seconds per item."""

    def walk() -> list[float]:
        start = time.perf_counter()
        for _ in _walk(list_page):
            pass
        return [(time.perf_counter() - start) / n]

    return walk


def _name(index: int) -> str:
    return f"bench-{index:06d}"


def _distinct_components(results: Results, sizes: list[int], rounds: int, calls: int) -> None:
    """Components of distinct names: pages, wildcard get, create and full walk."""
    print("components, one version per name", flush=True)
    with mock_imagebuilder():
        client = _client()
        account = _create_component(client, _name(0)).split(":")[4]
        fresh = iter(range(10**9))

        def get_among(n: int) -> Callable[[], list[float]]:
            # The middle component: neither the first nor the last a scan would meet.
            arn = f"arn:aws:imagebuilder:{REGION}:{account}:component/{_name(n // 2)}/x.x.x"
            return lambda: _samples(
                lambda: client.get_component(componentBuildVersionArn=arn), calls
            )

        def create_round() -> list[float]:
            names = [f"new-{next(fresh):09d}" for _ in range(calls)]
            arns: list[str] = []
            samples = _samples(
                lambda: arns.append(_create_component(client, names[len(arns)])), calls
            )
            # Untimed: keeps the population at exactly n for the next round.
            for arn in arns:
                client.delete_component(componentBuildVersionArn=arn)
            return samples

        def seed(index: int) -> None:
            _create_component(client, _name(index))

        _alternate(results, 1, {"get_component x.x.x": get_among(1)}, rounds)
        present = 1
        for size in sizes:
            _seed(results, "components", size, seed, present)
            present = size
            listing = client.list_components
            _check_count(listing, "componentVersionList", size)
            middle = _middle_token(listing, size)
            figures = _pages("list_components", listing, middle, calls)
            figures["get_component x.x.x"] = get_among(size)
            figures["create_component"] = create_round
            figures["walk per item"] = _walk_per_item(listing, size)
            _alternate(results, size, figures, rounds)
            per_item = results.figure("walk per item", size)
            per_item.unit = "µs/item"
            results.figures.append(
                Figure(
                    "walk total",
                    size,
                    "µs/walk",
                    [median * size for median in per_item.rounds],
                    per_item.fastest * size,
                )
            )


def _versioned_components(results: Results, sizes: list[int], rounds: int, calls: int) -> None:
    """``n/10`` names of 10 versions each: the pages a version-heavy account sees."""
    print("components, ten versions per name", flush=True)
    versions = 10
    with mock_imagebuilder():
        client = _client()

        def seed(index: int) -> None:
            _create_component(client, _name(index // versions), f"1.0.{index % versions}")

        present = 0
        for size in sizes:
            _seed(results, "versioned components", size, seed, present)
            present = size
            listing = client.list_components
            _check_count(listing, "componentVersionList", size)
            middle = _middle_token(listing, size)
            label = "list_components (10 versions/name)"
            _alternate(results, size, _pages(label, listing, middle, calls), rounds)


def _infrastructure(results: Results, sizes: list[int], rounds: int, calls: int) -> None:
    print("infrastructure configurations", flush=True)
    with mock_imagebuilder():
        client = _client()

        def seed(index: int) -> None:
            _create_infrastructure(client, f"bench-infra-{index:06d}")

        present = 0
        for size in sizes:
            _seed(results, "infrastructure configurations", size, seed, present)
            present = size
            listing = client.list_infrastructure_configurations
            _check_count(listing, "infrastructureConfigurationSummaryList", size)
            middle = _middle_token(listing, size)
            label = "list_infrastructure_configurations"
            _alternate(results, size, _pages(label, listing, middle, calls), rounds)


@contextmanager
def _traced() -> Iterator[list[int]]:
    """Bytes still held after the block: what the created resources keep alive."""
    held: list[int] = []
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    try:
        yield held
        gc.collect()
        held.append(tracemalloc.get_traced_memory()[0] - before)
    finally:
        tracemalloc.stop()


def _memory(results: Results) -> None:
    print(f"memory, {MEMORY_BATCH} creates of each kind under tracemalloc", flush=True)
    kinds: dict[str, Callable[[Any, int], Any]] = {
        "component": lambda client, i: _create_component(
            client, _name(i), document=COMPONENT_DOCUMENT_30
        ),
        # Each with a text of its own: what the mock remembers of the documents
        # it accepted (a bounded number of them) counts against the components.
        "component, each its own text": lambda client, i: _create_component(
            client, _name(i), document=f"{COMPONENT_DOCUMENT_30}# revision {i}\n"
        ),
        "infrastructure configuration": lambda client, i: _create_infrastructure(
            client, f"bench-infra-{i:06d}"
        ),
    }
    for kind, create in kinds.items():
        with mock_imagebuilder():
            client = _client()
            # Warm-up outside the trace, so lazy imports and the client's own
            # caches are not counted against the resources.
            for index in range(10):
                create(client, index)
            with _traced() as held:
                for index in range(10, 10 + MEMORY_BATCH):
                    create(client, index)
            results.memory_kb[kind] = held[0] / MEMORY_BATCH / 1024


# Figure, the size it is compared with (None: the smallest of --sizes), and the
# largest ratio the architecture allows (None: only the trend is of interest).
_RATIOS: list[tuple[str, int | None, float | None]] = [
    ("list_components first page", None, 1.5),
    ("list_components middle page", None, 1.5),
    ("list_components (10 versions/name) first page", None, 1.5),
    ("list_components (10 versions/name) middle page", None, 1.5),
    ("list_infrastructure_configurations first page", None, 1.5),
    ("list_infrastructure_configurations middle page", None, 1.5),
    ("get_component x.x.x", 1, 1.5),
    ("create_component", None, 1.3),
    ("walk per item", None, None),
]


def _ratios(results: Results, sizes: list[int]) -> list[dict[str, Any]]:
    """Each figure at the largest size over the same figure at its baseline size."""
    largest = max(sizes)
    rows = []
    for name, base_size, target in _RATIOS:
        base = min(sizes) if base_size is None else base_size
        top, bottom = results.find(name, largest), results.find(name, base)
        if base == largest or top is None or bottom is None:
            continue
        value = top.median / bottom.median
        rows.append(
            {
                "figure": name,
                "sizes": f"{largest} vs {base}",
                "value": value,
                # The sizes are measured one after another, not in alternation:
                # a burst of load falls on one size only. The fastest samples
                # are the steadier comparison.
                "min_value": top.fastest / bottom.fastest,
                "target": target,
                "met": None if target is None else value <= target,
            }
        )
    return rows


def _print(results: Results, ratios: list[dict[str, Any]]) -> None:
    print()
    print(f"{'figure':<50}{'size':>7}{'median µs':>12}{'min µs':>11}  unit")
    order = {
        name: index for index, name in enumerate(dict.fromkeys(f.name for f in results.figures))
    }
    for figure in sorted(results.figures, key=lambda f: (order[f.name], f.size)):
        print(
            f"{figure.name:<50}{figure.size:>7}{figure.median * 1e6:>12.1f}"
            f"{figure.fastest * 1e6:>11.1f}  {figure.unit}"
        )
    print()
    print(f"{'memory':<50}{'KB/resource':>12}")
    for kind, kb in results.memory_kb.items():
        print(f"{kind:<50}{kb:>12.2f}")
    print()
    print(f"{'ratio':<50}{'sizes':>14}{'value':>9}{'of mins':>9}{'target':>12}")
    for row in ratios:
        target = "~1 (linear)" if row["target"] is None else f"<= {row['target']}"
        verdict = "" if row["met"] is None else ("  met" if row["met"] else "  MISSED")
        print(
            f"{row['figure']:<50}{row['sizes']:>14}{row['value']:>8.2f}x"
            f"{row['min_value']:>8.2f}x{target:>12}{verdict}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="comma-separated resource counts")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds per size")
    parser.add_argument("--calls", type=int, default=20, help="calls per figure per round")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="only the components of distinct names and memory: the other two "
        "populations are seeded again from zero, which dominates the run time",
    )
    parser.add_argument("--json", metavar="PATH", help="also write every figure here")
    args = parser.parse_args()
    sizes = sorted({int(size) for size in args.sizes.split(",")})
    if sizes[0] < 1:
        parser.error("--sizes must be positive")

    results = Results()
    began = time.perf_counter()
    _distinct_components(results, sizes, args.rounds, args.calls)
    if not args.quick:
        _versioned_components(results, sizes, args.rounds, args.calls)
        _infrastructure(results, sizes, args.rounds, args.calls)
    _memory(results)
    ratios = _ratios(results, sizes)
    print(
        f"\n{args.rounds} rounds x {args.calls} calls per size, {time.perf_counter() - began:.0f} s"
    )
    _print(results, ratios)

    if args.json:
        document = {
            "sizes": sizes,
            "rounds": args.rounds,
            "calls": args.calls,
            "quick": args.quick,
            "figures": [
                {
                    "figure": figure.name,
                    "size": figure.size,
                    "unit": figure.unit,
                    "median_us": figure.median * 1e6,
                    "min_us": figure.fastest * 1e6,
                    "round_medians_us": [median * 1e6 for median in figure.rounds],
                }
                for figure in results.figures
            ],
            "seconds_to_seed": results.seeding,
            "memory_kb_per_resource": results.memory_kb,
            "ratios": ratios,
        }
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(document, out, indent=2)
            out.write("\n")


if __name__ == "__main__":
    main()
