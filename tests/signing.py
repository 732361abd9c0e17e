"""Signing raw HTTP requests as a client outside botocore's stack does (SigV4)."""

from __future__ import annotations

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

__all__ = ["signed_headers"]


def signed_headers(
    method: str,
    url: str,
    body: bytes = b"",
    *,
    access_key: str = "AKIDEXAMPLE",
    region: str = "us-east-1",
) -> dict[str, str]:
    """The headers of ``method url`` with ``body``, signed for Image Builder in ``region``."""
    headers = {"Content-Type": "application/json"} if body else {}
    request = AWSRequest(method=method, url=url, data=body, headers=headers)
    SigV4Auth(Credentials(access_key, "secret"), "imagebuilder", region).add_auth(request)
    return {name: str(value) for name, value in request.headers.items()}
