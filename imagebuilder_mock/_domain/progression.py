"""Placeholder: filled in by the progression work."""

from __future__ import annotations

__all__: list[str] = []
