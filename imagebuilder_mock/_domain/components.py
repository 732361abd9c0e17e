"""Placeholder: filled in by the components work."""

from __future__ import annotations

__all__: list[str] = []
