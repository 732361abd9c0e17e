"""Run a function right after a module is imported, without importing it.

The package is imported early (the pytest plugin loads it before any test
module, often before botocore is imported at all), yet some of its work needs
a module it must not pay for: its botocore hooks go into ``botocore.handlers``.
``after_import`` runs that work at once when the module is loaded already, or
else right after the module has run, from a finder on ``sys.meta_path`` that
wraps that one module's loader and then leaves.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

__all__ = ["after_import"]


def after_import(name: str, then: Callable[[ModuleType], None]) -> None:
    """Call ``then(module)`` once module ``name`` is imported: now, or when it loads."""
    module = sys.modules.get(name)
    if module is not None:
        then(module)
    else:
        sys.meta_path.insert(0, _Watcher(name, then))


class _AfterLoad(importlib.abc.Loader):
    """A module's own loader, then ``then(module)`` once the module has run."""

    def __init__(self, inner: Any, then: Callable[[ModuleType | None], None]) -> None:
        self._inner = inner
        self._then = then

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        created: ModuleType | None = self._inner.create_module(spec)
        return created

    def exec_module(self, module: ModuleType) -> None:
        try:
            self._inner.exec_module(module)
        except BaseException:
            self._then(None)
            raise
        self._then(module)

    def __getattr__(self, name: str) -> Any:
        # get_source, get_code, is_package...: what tracebacks and tools ask a loader.
        return getattr(self._inner, name)


class _Watcher(importlib.abc.MetaPathFinder):
    """Notices one module being imported and calls back right after it has run."""

    def __init__(self, name: str, then: Callable[[ModuleType], None]) -> None:
        self._name = name
        self._then = then
        self._loading = False

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self._name or self._loading:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None:
                self._loading = True
                spec.loader = _AfterLoad(spec.loader, self._loaded)
                return spec
        return None

    def _loaded(self, module: ModuleType | None) -> None:
        self._loading = False
        if module is None:
            return  # it failed to load: watch its next attempt
        if self in sys.meta_path:
            sys.meta_path.remove(self)
        self._then(module)
