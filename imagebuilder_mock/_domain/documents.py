"""Placeholder: filled in by the documents work."""

from __future__ import annotations

__all__: list[str] = []
