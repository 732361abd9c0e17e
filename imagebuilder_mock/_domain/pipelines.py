"""Placeholder: filled in by the pipelines work."""

from __future__ import annotations

__all__: list[str] = []
