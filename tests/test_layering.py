"""The package's layering, read from its source: the domain never imports the
protocol layer, and the modules both layers share import nothing of the package."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import imagebuilder_mock

PACKAGE = "imagebuilder_mock"
ROOT = Path(imagebuilder_mock.__file__).parent


def _module_name(path: Path) -> str:
    parts = [PACKAGE, *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path) -> set[str]:
    """Every module ``path`` imports, at module level or inside a function, as an
    absolute name (``from .. import x`` counts as importing ``<package>.x``)."""
    package = _module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


def _domain_files() -> list[Path]:
    return sorted((ROOT / "_domain").rglob("*.py"))


def test_the_source_is_read_where_the_package_lives() -> None:
    files = _domain_files()
    assert ROOT / "_domain" / "images.py" in files
    assert f"{PACKAGE}._model" in _imported(ROOT / "_domain" / "images.py")


@pytest.mark.parametrize("path", _domain_files(), ids=lambda p: p.name)
def test_no_domain_module_imports_the_protocol_layer(path: Path) -> None:
    protocol = f"{PACKAGE}._protocol"
    assert sorted(m for m in _imported(path) if _within(m, protocol)) == []


@pytest.mark.parametrize("leaf", ["_model.py", "_json_text.py"])
def test_shared_modules_are_leaves(leaf: str) -> None:
    assert sorted(m for m in _imported(ROOT / leaf) if _within(m, PACKAGE)) == []


def test_importing_the_package_does_not_read_the_model() -> None:
    # A fresh interpreter: this test process has read the model long ago.
    probe = (
        "import imagebuilder_mock, imagebuilder_mock._model as m, "
        "imagebuilder_mock._domain.regions as r; "
        "print(m.service_model.cache_info().currsize, r._partitions.cache_info().currsize)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["0", "0"]
