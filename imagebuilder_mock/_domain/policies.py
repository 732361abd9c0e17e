"""Placeholder: filled in by the policies work."""

from __future__ import annotations

__all__: list[str] = []
