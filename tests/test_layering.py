"""The package's structure, read from its source: no module imports itself back,
the domain never imports the protocol layer, the modules both layers share
import nothing of the package, and no module fills another module's registry."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

import imagebuilder_mock

PACKAGE = "imagebuilder_mock"
ROOT = Path(imagebuilder_mock.__file__).parent


def _module_name(path: Path) -> str:
    parts = [PACKAGE, *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _source(package: str, node: ast.ImportFrom) -> str:
    """The absolute module a ``from ... import`` in ``package`` reads from."""
    if not node.level:
        return node.module or ""
    base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
    return f"{base}.{node.module}" if node.module else base


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
            module = _source(package, node)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(f"{package}.")


def _domain_files() -> list[Path]:
    return sorted((ROOT / "_domain").rglob("*.py"))


# -- the import graph ----------------------------------------------------------------


def _module_in(root: Path, path: Path) -> str:
    parts = [root.name, *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path) -> dict[str, set[str]]:
    """Which of the package's modules each module imports, anywhere in its source
    (module level, functions, ``TYPE_CHECKING`` blocks), relative imports resolved.

    ``from p import x`` imports module ``p.x`` when that is a module, else ``p``
    itself. A parent package that Python imports on the way is not counted: it is
    not a dependency the module chose.
    """
    modules = {_module_in(root, p): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                source = _source(package, node)
                submodules = {f"{source}.{a.name}" for a in node.names} & modules.keys()
                found |= submodules
                if len(submodules) < len(node.names):
                    found.add(source)
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def find_cycle(graph: Mapping[str, set[str]]) -> list[str]:
    """One import cycle (``[a, b, a]``), or ``[]`` when there is none."""
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> list[str]:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return []
        path.append(module)
        for imported in sorted(graph.get(module, ())):
            if cycle := visit(imported):
                return cycle
        path.pop()
        done.add(module)
        return []

    for module in sorted(graph):
        if cycle := visit(module):
            return cycle
    return []


def test_the_import_graph_reads_every_kind_of_import(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from . import a\n")
    (package / "a.py").write_text("def late():\n    from .sub.b import thing\n")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .. import c\n"
    )
    (package / "c.py").write_text("import pkg.a\nfrom pkg import thing\n")
    graph = import_graph(package)
    assert graph == {
        "pkg": {"pkg.a"},
        "pkg.a": {"pkg.sub.b"},
        "pkg.sub": set(),
        "pkg.sub.b": {"pkg.c"},
        "pkg.c": {"pkg.a", "pkg"},
    }
    assert find_cycle(graph) == ["pkg", "pkg.a", "pkg.sub.b", "pkg.c", "pkg"]
    assert find_cycle({**graph, "pkg.c": set()}) == []


def test_the_catalog_sits_above_components_and_workflows() -> None:
    graph = import_graph(ROOT)
    domain = f"{PACKAGE}._domain"
    assert {f"{domain}.components", f"{domain}.workflows"} <= graph[f"{domain}.catalog"]
    assert f"{domain}.catalog_documents" in graph[f"{domain}.components"]
    assert f"{domain}.conventions" in graph[f"{domain}.workflows"]
    # The documents are a leaf of the domain: they know no resource family.
    assert graph[f"{domain}.catalog_documents"] == set()


def test_no_module_of_the_package_imports_itself_back() -> None:
    assert find_cycle(import_graph(ROOT)) == []


# -- layers ------------------------------------------------------------------------------


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


def _foreign_names(root: Path, path: Path) -> tuple[set[str], set[str]]:
    """Names ``path`` imports from other modules of the package: objects, and modules."""
    own = _module_in(root, path)
    objects: set[str] = set()
    modules: set[str] = set()
    package_modules = {_module_in(root, p) for p in root.rglob("*.py")}
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom) and node.level:
            source = _source(package, node)
            for alias in node.names:
                bound = alias.asname or alias.name
                if f"{source}.{alias.name}" in package_modules:
                    modules.add(bound)
                elif source != own:
                    objects.add(bound)
    return objects, modules


def _registry_writes(path: Path, root: Path = ROOT) -> list[str]:
    objects, modules = _foreign_names(root, path)

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
    package = tmp_path / PACKAGE
    (package / "_domain").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "_domain" / "__init__.py").write_text("")
    (package / "_domain" / "backend.py").write_text("SEEDERS = {}\n")
    (package / "_domain" / "records.py").write_text("HOOKS = []\n")
    planted = package / "_domain" / "executions.py"
    planted.write_text(
        "from .records import HOOKS\nfrom . import backend\n\n"
        "def on_transition():\n    pass\n\n"
        "HOOKS.append(on_transition)\nbackend.SEEDERS['aws'] = []\n",
        encoding="utf-8",
    )
    writes = _registry_writes(planted, package)
    assert sorted(w.split(": ", 1)[1] for w in writes) == [
        "HOOKS.append(...)",
        "backend.SEEDERS['aws'] = ...",
    ]


@pytest.mark.parametrize("path", sorted(ROOT.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_fills_another_modules_registry(path: Path) -> None:
    assert _registry_writes(path) == []
