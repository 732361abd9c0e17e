"""Placeholder: filled in by the scans work."""

from __future__ import annotations

__all__: list[str] = []
