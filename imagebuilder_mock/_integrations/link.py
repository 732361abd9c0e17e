"""When Image Builder joins moto: the moment moto is imported, and again after its resets.

Importing the package must not import moto, yet moto's server has to know
Image Builder before its first request, and ``mock_aws`` must reset the mock's
state. So the front doors ``offer`` what moto needs (how to answer a request,
how to drop the state), and the offer is taken up by ``bridge.join``:

- at once, if moto is already imported;
- otherwise right after ``moto.core.models`` has loaded (every way into moto,
  ``mock_aws`` and the server alike, loads it), through ``_after_import``, the
  package's one watcher of a module's import;
- and on every request and controller call while moto is loaded
  (``join_moto``), because each moto reset forgets the services it reset.

Nothing here imports moto; ``bridge`` does, and only once moto is loaded.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from types import ModuleType

from .._after_import import after_import

__all__ = ["join_moto", "moto_caller_account", "moto_loaded", "offer_to_moto", "run_moto_server"]

_TRIGGER = "moto.core.models"

Serve = Callable[[str, str, Mapping[str, str], bytes], tuple[int, dict[str, str], bytes]]


class _Offer:
    serve: Serve | None = None
    reset: Callable[[], None] | None = None
    # Set once moto's core has run to the end, not merely begun importing.
    loaded = False


def moto_loaded() -> bool:
    """Whether moto's core is imported (by the user: the package never imports it)."""
    return _Offer.loaded


def join_moto() -> None:
    """Take part in moto's registry and resets, if moto is loaded; cheap to repeat."""
    if _Offer.serve is None or _Offer.reset is None or not moto_loaded():
        return
    from . import bridge

    bridge.join(_Offer.serve, _Offer.reset)


def offer_to_moto(serve: Serve, reset: Callable[[], None]) -> None:
    """What moto calls for Image Builder: ``serve(method, url, headers, body)`` and ``reset()``."""
    first = _Offer.serve is None
    _Offer.serve, _Offer.reset = serve, reset
    if first:
        after_import(_TRIGGER, _moto_loaded)
    else:
        join_moto()


def _moto_loaded(module: ModuleType) -> None:
    _Offer.loaded = True
    join_moto()


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
