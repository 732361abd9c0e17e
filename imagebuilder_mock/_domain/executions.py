"""Placeholder: filled in by the executions work."""

from __future__ import annotations

__all__: list[str] = []
