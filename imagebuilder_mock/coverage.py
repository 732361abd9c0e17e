"""The operation-coverage page, generated from the botocore model.

Every operation the installed model has gets one line; it counts as implemented
when a handler is registered for it. Run::

    python -m imagebuilder_mock.coverage > docs/coverage.md     # regenerate
    python -m imagebuilder_mock.coverage --write docs/coverage.md  # same, in place
    python -m imagebuilder_mock.coverage --check docs/coverage.md  # exit 1 on drift
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ._domain import handler_table
from ._model import service_model

__all__ = ["coverage_page", "main"]

REGENERATE = "python -m imagebuilder_mock.coverage --write docs/coverage.md"


def coverage_page() -> str:
    """The Markdown page: a summary, then one table row per operation of the model."""
    operations = sorted(service_model().operation_names)
    handlers = handler_table()
    done = [name for name in operations if name in handlers]
    lines = [
        "# Operation coverage",
        "",
        "Generated from the installed botocore model by `imagebuilder_mock/coverage.py`;",
        f"do not edit by hand. Regenerate with `{REGENERATE}`.",
        "",
        f"{len(done)} of {len(operations)} operations implemented.",
        "",
        "| Operation | Status |",
        "| --- | --- |",
    ]
    lines += [
        f"| {name} | {'implemented' if name in handlers else 'not implemented'} |"
        for name in operations
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m imagebuilder_mock.coverage")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", metavar="FILE", help="exit 1 if FILE differs from the page")
    group.add_argument("--write", metavar="FILE", help="write the page to FILE")
    args = parser.parse_args(argv)
    page = coverage_page()
    if args.check:
        path = Path(args.check)
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != page:
            print(f"{path} is out of date; regenerate it with: {REGENERATE}", file=sys.stderr)
            return 1
        return 0
    if args.write:
        Path(args.write).write_text(page, encoding="utf-8")
        return 0
    sys.stdout.write(page)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
