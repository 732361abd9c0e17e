"""Placeholder: filled in by the marketplace work."""

from __future__ import annotations

__all__: list[str] = []
