"""When Image Builder joins moto: the moment moto is imported, and again after its resets.

Importing the package must not import moto, yet moto's server has to know
Image Builder before its first request, and ``mock_aws`` must reset the mock's
state. So the front doors ``offer`` what moto needs (how to answer a request,
how to drop the state), and the offer is taken up by ``bridge.join``:

- at once, if moto is already imported;
- otherwise right after ``moto.core.models`` has loaded (every way into moto,
  ``mock_aws`` and the server alike, loads it), by a finder on ``sys.meta_path``
  that wraps the loader of that one module and then leaves;
- and on every request and controller call while moto is loaded
  (``join_moto``), because each moto reset forgets the services it reset.

Nothing here imports moto; ``bridge`` does, and only once moto is loaded.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import Any

__all__ = ["join_moto", "moto_caller_account", "moto_loaded", "offer_to_moto", "run_moto_server"]

_TRIGGER = "moto.core.models"

Serve = Callable[[str, str, Mapping[str, str], bytes], tuple[int, dict[str, str], bytes]]


class _Offer:
    serve: Serve | None = None
    reset: Callable[[], None] | None = None


def moto_loaded() -> bool:
    """Whether moto's core is imported (by the user: the package never imports it)."""
    return _TRIGGER in sys.modules and _Watcher.pending is None


def join_moto() -> None:
    """Take part in moto's registry and resets, if moto is loaded; cheap to repeat."""
    if _Offer.serve is None or _Offer.reset is None or not moto_loaded():
        return
    from . import bridge

    bridge.join(_Offer.serve, _Offer.reset)


def offer_to_moto(serve: Serve, reset: Callable[[], None]) -> None:
    """What moto calls for Image Builder: ``serve(method, url, headers, body)`` and ``reset()``."""
    _Offer.serve, _Offer.reset = serve, reset
    if _TRIGGER in sys.modules:
        join_moto()
    elif not any(isinstance(finder, _Watcher) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Watcher())


def moto_caller_account(access_key: str | None, headers: Mapping[str, str]) -> str | None:
    """The account moto would act as for this request (None: moto's default account)."""
    from . import bridge

    return bridge.caller_account(access_key, headers)


def run_moto_server(argv: list[str]) -> None:
    """Run moto's server command with Image Builder among its services."""
    # moto first: its loading joins (through the watcher), and the bridge
    # must not be what loads it (it would be half-imported when asked to join).
    importlib.import_module("moto")
    join_moto()
    from . import bridge

    bridge.run_server(argv)


class _AfterLoad(importlib.abc.Loader):
    """A module's own loader, then ``then(loaded)`` once the module has run or failed."""

    def __init__(self, inner: Any, then: Callable[[bool], None]) -> None:
        self._inner = inner
        self._then = then

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        created: ModuleType | None = self._inner.create_module(spec)
        return created

    def exec_module(self, module: ModuleType) -> None:
        try:
            self._inner.exec_module(module)
        except BaseException:
            self._then(False)
            raise
        self._then(True)

    def __getattr__(self, name: str) -> Any:
        # get_source, get_code, is_package...: what tracebacks and tools ask a loader.
        return getattr(self._inner, name)


class _Watcher(importlib.abc.MetaPathFinder):
    """Notices ``moto.core.models`` being imported and joins moto right after."""

    # The module being loaded under watch, until it has run.
    pending: str | None = None

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != _TRIGGER or _Watcher.pending is not None:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None:
                _Watcher.pending = fullname
                spec.loader = _AfterLoad(spec.loader, self._loaded)
                return spec
        return None

    def _loaded(self, loaded: bool) -> None:
        _Watcher.pending = None
        if loaded:
            # Its work is done: later imports of moto's core find it in sys.modules.
            if self in sys.meta_path:
                sys.meta_path.remove(self)
            join_moto()
