"""Test isolation: no real AWS configuration leaks in, every response is checked."""

from __future__ import annotations

import importlib.util
import os

import pytest

# Every response any test receives is checked against the operation's output
# shape (unknown keys, wrong types, missing required members fail the call).
os.environ["IMAGEBUILDER_MOCK_CHECK_RESPONSES"] = "1"

# The async clients' tests need aiobotocore, which pins botocore to a narrow
# range and so is not in the test extra: where it is not installed they are
# left out of collection (not skipped); `tox -e async` and .ci/run install a
# compatible aiobotocore and botocore and run them.
collect_ignore = [] if importlib.util.find_spec("aiobotocore") else ["test_async_clients.py"]


@pytest.fixture(autouse=True)
def _isolated_aws_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Hide the developer's AWS config, credentials and region from every test."""
    empty = tmp_path_factory.mktemp("aws")
    for key in list(os.environ):
        if key.startswith("AWS_") or key == "MOTO_ACCOUNT_ID":
            monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # A server error is answered at once: botocore's retries would only slow tests.
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
