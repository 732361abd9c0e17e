"""Placeholder: filled in by the lifecycle work."""

from __future__ import annotations

__all__: list[str] = []
