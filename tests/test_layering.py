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


# -- no module fills another's registry --------------------------------------------------

_MUTATORS = frozenset(
    {"append", "extend", "insert", "update", "setdefault", "add", "pop", "remove", "clear"}
)


def _foreign_names(path: Path) -> tuple[set[str], set[str]]:
    """Names ``path`` imports from other modules of the package: objects, and modules."""
    own = _module_name(path)
    objects: set[str] = set()
    modules: set[str] = set()
    package_modules = {_module_name(p) for p in ROOT.rglob("*.py")}
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            source = f"{base}.{node.module}" if node.module else base
            for alias in node.names:
                bound = alias.asname or alias.name
                if f"{source}.{alias.name}" in package_modules:
                    modules.add(bound)
                elif source != own:
                    objects.add(bound)
    return objects, modules


def _registry_writes(path: Path) -> list[str]:
    objects, modules = _foreign_names(path)

    def foreign(target: ast.expr) -> bool:
        if isinstance(target, ast.Name):
            return target.id in objects
        return (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id in modules
        )

    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _MUTATORS
            and foreign(node.func.value)
        ):
            found.append(f"{path.name}:{node.lineno}: {ast.unparse(node.func)}(...)")
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Subscript) and foreign(target.value):
                found.append(f"{path.name}:{node.lineno}: {ast.unparse(target)} = ...")
    return found


def test_the_registry_scan_finds_a_write_to_another_modules_list(tmp_path: Path) -> None:
    # The scan itself: the shape the composition root replaced is still caught.
    probe = ROOT / "_domain" / "executions.py"
    source = probe.read_text(encoding="utf-8")
    planted = tmp_path / "imagebuilder_mock" / "_domain" / "executions.py"
    planted.parent.mkdir(parents=True)
    planted.write_text(
        source + "\nfrom .image_records import HOOKS\nHOOKS.append(on_transition)\n"
        "from . import backend\nbackend.SEEDERS['aws'] = []\n",
        encoding="utf-8",
    )
    original_root = ROOT
    try:
        globals()["ROOT"] = tmp_path / "imagebuilder_mock"
        for module in original_root.rglob("*.py"):
            copy = tmp_path / "imagebuilder_mock" / module.relative_to(original_root)
            if not copy.exists():
                copy.parent.mkdir(parents=True, exist_ok=True)
                copy.write_text(module.read_text(encoding="utf-8"), encoding="utf-8")
        writes = _registry_writes(planted)
    finally:
        globals()["ROOT"] = original_root
    assert sorted(w.split(": ", 1)[1] for w in writes) == [
        "HOOKS.append(...)",
        "backend.SEEDERS['aws'] = ...",
    ]


@pytest.mark.parametrize("path", sorted(ROOT.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_fills_another_modules_registry(path: Path) -> None:
    assert _registry_writes(path) == []
