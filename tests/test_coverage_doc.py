"""docs/coverage.md is generated from the model and the handler table; it must not drift."""

from __future__ import annotations

from pathlib import Path

import pytest

from imagebuilder_mock._domain import handler_table
from imagebuilder_mock._model import service_model
from imagebuilder_mock.coverage import REGENERATE, coverage_page, main

PAGE = Path(__file__).resolve().parent.parent / "docs" / "coverage.md"


def test_coverage_page_is_up_to_date() -> None:
    current = PAGE.read_text(encoding="utf-8")
    assert current == coverage_page(), f"docs/coverage.md is out of date; run: {REGENERATE}"


def test_page_has_one_line_per_model_operation() -> None:
    rows = [
        line for line in coverage_page().splitlines() if line.startswith("| ") and "---" not in line
    ]
    names = [row.split("|")[1].strip() for row in rows[1:]]
    assert names == sorted(service_model().operation_names)
    implemented = {row.split("|")[1].strip() for row in rows[1:] if "| implemented |" in row}
    assert implemented == set(handler_table()) & set(names)
    assert "CreateInfrastructureConfiguration" in implemented


def test_check_reports_drift_and_the_command_to_fix_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "coverage.md"
    stale.write_text("# Operation coverage\n", encoding="utf-8")
    assert main(["--check", str(stale)]) == 1
    assert REGENERATE in capsys.readouterr().err
    assert main(["--write", str(stale)]) == 0
    assert main(["--check", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == coverage_page()


def test_printing_the_page(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    assert capsys.readouterr().out == coverage_page()
