"""Placeholder: filled in by the recipes work."""

from __future__ import annotations

__all__: list[str] = []
