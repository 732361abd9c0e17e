"""Placeholder: filled in by the distribution work."""

from __future__ import annotations

__all__: list[str] = []
