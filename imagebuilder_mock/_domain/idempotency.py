"""``clientToken`` idempotency: a repeated request gets the first answer, once."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .._errors import IdempotentParameterMismatch

__all__ = ["IdempotencyLedger"]


def _fingerprint(params: dict[str, Any]) -> bytes:
    # A digest of the canonical request, not the request itself: the ledger
    # keeps one per token for as long as the backend lives, and only ever
    # compares them.
    request = {k: v for k, v in params.items() if k != "clientToken"}
    canonical = json.dumps(request, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.blake2b(canonical.encode(), digest_size=16).digest()


class IdempotencyLedger:
    """Answers given per (operation, client token), with the parameters they answered."""

    def __init__(self) -> None:
        self._answers: dict[tuple[str, str], tuple[bytes, dict[str, Any]]] = {}

    def recall(self, operation: str, params: dict[str, Any]) -> dict[str, Any] | None:
        """The earlier answer to the same request, or None if the token is new.

        The same token with other parameters is the client's mistake, and AWS
        says so rather than doing the work twice or silently ignoring it.
        """
        token = params.get("clientToken")
        if token is None:
            return None
        seen = self._answers.get((operation, token))
        if seen is None:
            return None
        fingerprint, answer = seen
        if fingerprint != _fingerprint(params):
            raise IdempotentParameterMismatch(
                f"The client token '{token}' was already used for a {operation} request "
                "with different parameters."
            )
        return answer

    def record(self, operation: str, params: dict[str, Any], answer: dict[str, Any]) -> None:
        token = params.get("clientToken")
        if token is not None:
            self._answers[(operation, token)] = (_fingerprint(params), answer)
