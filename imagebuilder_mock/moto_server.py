"""moto's server with Image Builder among its services.

``python -m imagebuilder_mock.moto_server [moto_server's options]`` runs moto's
``moto_server`` command (same options: ``-H``, ``-p``, ...) in a process where
this package is imported, so Image Builder is served on the same port as every
moto service, from the same backends, and ``/moto-api/reset`` drops its state.
A ``ThreadedMotoServer`` started in a process that imported ``imagebuilder_mock``
needs nothing more.
"""

from __future__ import annotations

import sys

from . import _mock  # noqa: F401  (offers the mock's state to moto)
from ._integrations import run_moto_server

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    run_moto_server(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    main()
