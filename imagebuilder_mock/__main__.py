"""``python -m imagebuilder_mock``: the Image Builder HTTP server (``imagebuilder-mock-server``)."""

from __future__ import annotations

from .server import main

__all__ = ["main"]

if __name__ == "__main__":
    main()
