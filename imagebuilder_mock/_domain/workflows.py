"""Placeholder: filled in by the workflows work."""

from __future__ import annotations

__all__: list[str] = []
