"""``clientToken`` idempotency: a repeated request gets the first answer, once."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from .._errors import IdempotentParameterMismatch

__all__ = ["IdempotencyLedger"]


# ``json.dumps`` with these options, made once rather than on every call. The
# parameters are a tree (decoded from JSON, then checked into new containers),
# so the encoder need not look for cycles.
_canonical = json.JSONEncoder(
    sort_keys=True, default=str, separators=(",", ":"), check_circular=False
).encode


def _fingerprint(params: dict[str, Any]) -> bytes:
    # A digest of the canonical request, not the request itself: the ledger
    # keeps one per token for as long as the backend lives, and only ever
    # compares them.
    request = {k: v for k, v in params.items() if k != "clientToken"}
    return hashlib.blake2b(_canonical(request).encode(), digest_size=16).digest()


_NONE: Mapping[str, tuple[bytes, dict[str, Any]]] = {}


class IdempotencyLedger:
    """Answers given per (operation, client token), with the parameters they answered."""

    def __init__(self) -> None:
        # By operation, then token: one small table per operation rather than
        # an (operation, token) key per answer.
        self._answers: dict[str, dict[str, tuple[bytes, dict[str, Any]]]] = {}

    def recall(self, operation: str, params: dict[str, Any]) -> dict[str, Any] | None:
        """The earlier answer to the same request, or None if the token is new.

        The same token with other parameters is the client's mistake, and AWS
        says so rather than doing the work twice or silently ignoring it.
        """
        token = params.get("clientToken")
        if token is None:
            return None
        seen = self._answers.get(operation, _NONE).get(token)
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
            answers = self._answers.setdefault(operation, {})
            answers[token] = (_fingerprint(params), answer)
