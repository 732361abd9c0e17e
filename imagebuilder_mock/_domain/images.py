"""Placeholder: filled in by the images work."""

from __future__ import annotations

__all__: list[str] = []
