"""What importing the package loads, in a fresh interpreter: only the front doors.

The pytest plugin imports the package in every run of an environment that has
it installed, and users import it next to boto3. Importing it loads the front
doors and nothing heavy: no botocore (its hooks go in when botocore loads), no
service, protocol or resource families, no PyYAML or croniter. The service
and the domain load when a mock first starts or moto first asks. These sets are
what keeps the import cheap; the timings themselves are measured by the
benchmarks, not asserted here.
"""

from __future__ import annotations

import json
import subprocess
import sys

PACKAGE = "imagebuilder_mock"

# Everything the package's import may load beyond what was loaded before it:
# the hooks into botocore and moto, and what they need.
HOOKS = frozenset(
    f"{PACKAGE}{suffix}"
    for suffix in (
        "",
        "._after_import",
        "._integrations",
        "._integrations.activity",
        "._integrations.link",
        "._interception",
        "._model",
        "._waiters",
    )
)
# And what the public names bring in when first used (``mock_imagebuilder``).
FRONT_DOORS = HOOKS | frozenset(
    f"{PACKAGE}{suffix}"
    for suffix in (
        "._controller",
        "._domain",
        "._domain.progression",
        "._errors",
        "._mock",
        "._requests_mock",
    )
)
# What the first request needs, and the import must leave for it.
HEAVY = ("yaml", "croniter", "moto", f"{PACKAGE}._service", f"{PACKAGE}._protocol")


def _new_modules(first: str, then: str) -> list[str]:
    """The modules ``then`` loads in a fresh interpreter that has run ``first``."""
    probe = (
        "import json, sys\n"
        f"{first}\n"
        "before = set(sys.modules)\n"
        f"{then}\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded: list[str] = json.loads(done.stdout.splitlines()[-1])
    return loaded


def _under(modules: list[str], *packages: str) -> list[str]:
    return [m for m in modules if any(m == p or m.startswith(f"{p}.") for p in packages)]


def test_importing_the_package_after_boto3_loads_only_the_hooks() -> None:
    loaded = _new_modules("import boto3", "import imagebuilder_mock")
    assert _under(loaded, *HEAVY) == []
    # Nothing of the standard library or of botocore that boto3 left out either
    # (asyncio, unittest, difflib, botocore.stub...): only the package's own modules.
    assert sorted(loaded) == sorted(HOOKS)


def test_the_mock_loads_only_the_front_doors() -> None:
    loaded = _new_modules("import boto3", "from imagebuilder_mock import mock_imagebuilder")
    assert _under(loaded, *HEAVY) == []
    assert _under(loaded, f"{PACKAGE}._domain") == [
        f"{PACKAGE}._domain",
        f"{PACKAGE}._domain.progression",
    ]
    assert sorted(set(loaded) - FRONT_DOORS) == []


def test_importing_the_package_alone_loads_no_botocore() -> None:
    loaded = _new_modules("", "import imagebuilder_mock")
    assert _under(loaded, "botocore", "boto3", *HEAVY) == []
    assert sorted(m for m in loaded if m.startswith(PACKAGE)) == sorted(HOOKS)


def test_loading_the_pytest_plugin_adds_only_the_hooks() -> None:
    # A run that never asks for a fixture never loads the mock itself.
    loaded = _new_modules("import pytest", "import imagebuilder_mock.pytest_plugin")
    assert _under(loaded, "botocore", "boto3", "urllib3", *HEAVY) == []
    # Besides the package, only what boto3 would have loaded (contextvars).
    assert sorted(set(loaded) - HOOKS - set(_new_modules("", "import boto3"))) == [
        f"{PACKAGE}.pytest_plugin"
    ]


def test_decorating_with_the_mock_loads_no_service() -> None:
    loaded = _new_modules(
        "import boto3",
        "from imagebuilder_mock import mock_imagebuilder\n"
        "@mock_imagebuilder\n"
        "def test(): pass\n"
        "@mock_imagebuilder(region='eu-west-1', progression='immediate')\n"
        "def test_configured(): pass",
    )
    assert _under(loaded, *HEAVY) == []


def _served_after_import(mock: str) -> str:
    """What a client made after the package, and then botocore, were imported gets."""
    probe = (
        "import sys\n"
        "import imagebuilder_mock\n"
        "assert 'botocore' not in sys.modules\n"
        f"{mock}\n"
        "import boto3\n"
        "with scope:\n"
        "    client = boto3.client('imagebuilder', region_name='us-east-1')\n"
        "    listed = client.list_components(owner='Amazon')['componentVersionList']\n"
        "    print(len(listed) > 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_a_client_made_once_botocore_loads_is_served_by_the_mock() -> None:
    # The hooks went into botocore's built-in handlers when botocore loaded.
    assert _served_after_import("scope = imagebuilder_mock.mock_imagebuilder()") == "True"


def test_a_client_made_once_moto_loads_is_served_under_mock_aws() -> None:
    # moto loads botocore: the hooks and moto's resets are joined as it does.
    assert _served_after_import("from moto import mock_aws\nscope = mock_aws()") == "True"


def test_the_optional_names_load_on_first_use() -> None:
    loaded = _new_modules(
        "import boto3, imagebuilder_mock", "from imagebuilder_mock import Call\nprint(Call)"
    )
    assert f"{PACKAGE}._service" in loaded
