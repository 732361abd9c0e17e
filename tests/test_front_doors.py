"""The front doors' shape: the controller is its own object, handed out by ``with`` and the
fixture; modules change only their own state; moto is touched by one module alone."""

from __future__ import annotations

import ast
import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from builders import moto_instance_profile
from errors import error_of

import imagebuilder_mock
from imagebuilder_mock import ImageBuilderMock, MockController, mock_imagebuilder

REGION = "us-east-1"
ROOT = Path(imagebuilder_mock.__file__).parent
PACKAGE_FILES = sorted(ROOT.rglob("*.py"))
INACTIVE = (
    "mock_imagebuilder is not active: controller calls need an active mock "
    "(inside the decorated test, a `with mock_imagebuilder() as ib:` block, or "
    "with the imagebuilder_mock fixture). Made outside one, they would carry "
    "over into the next test's mock."
)


def _client(region: str = REGION) -> Any:
    return boto3.client("imagebuilder", region_name=region)


def _infra(client: Any, name: str) -> str:
    arn: str = client.create_infrastructure_configuration(name=name, instanceProfileName="p")[
        "infrastructureConfigurationArn"
    ]
    return arn


# -- the controller is its own object ---------------------------------------------------------


def test_neither_class_is_mixed_into_the_other() -> None:
    assert MockController.__mro__ == (MockController, object)
    assert ImageBuilderMock.__mro__ == (ImageBuilderMock, object)


def test_the_context_manager_hands_out_the_mocks_controller() -> None:
    mock = mock_imagebuilder(account_id="111122223333", region="eu-west-1")
    with mock as ib:
        assert type(ib) is MockController
        assert ib is mock.controller
        assert ib is not mock
        assert (ib.active, ib.account_id, ib.region) == (True, "111122223333", "eu-west-1")
        assert repr(ib) == (
            "<MockController of <ImageBuilderMock account_id='111122223333' "
            "region='eu-west-1' active>>"
        )
    assert not ib.active


def test_async_with_hands_out_the_controller() -> None:
    async def work() -> tuple[type, list[str]]:
        async with mock_imagebuilder(region="ap-southeast-2") as ib:
            arn = _infra(_client("ap-southeast-2"), "async")
            return type(ib), [arn, *ib.backend().resources]

    kind, (arn, *listed) = asyncio.run(work())
    assert kind is MockController
    assert listed == [arn]


def test_the_controller_acts_on_the_active_mocks_state() -> None:
    with mock_imagebuilder() as ib:
        client = _client()
        arn = _infra(client, "seen")
        assert list(ib.backend().resources) == [arn]
        assert [call.operation for call in ib.calls] == ["CreateInfrastructureConfiguration"]
        ib.fail_next("ListInfrastructureConfigurations", message="Try later.")
        with pytest.raises(ClientError) as caught:
            client.list_infrastructure_configurations()
        assert error_of(caught) == ("ServiceUnavailableException", "Try later.")
        ib.reset()
        assert list(ib.backend().resources) == []
        assert ib.calls == []


def test_the_fixture_hands_out_the_controller(
    imagebuilder_mock: MockController, imagebuilder_client: Any
) -> None:
    assert type(imagebuilder_mock) is MockController
    arn = _infra(imagebuilder_client, "from-fixture")
    assert list(imagebuilder_mock.backend().resources) == [arn]
    # The module-level mock's verbs reach the same state, through its own controller.
    assert mock_imagebuilder.controller is not imagebuilder_mock
    assert mock_imagebuilder.service is imagebuilder_mock.service
    mock_imagebuilder.fail_next("GetInfrastructureConfiguration", message="Not now.")
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.get_infrastructure_configuration(infrastructureConfigurationArn=arn)
    assert error_of(caught) == ("ServiceUnavailableException", "Not now.")


def test_verbs_on_the_mock_and_on_a_stale_controller_are_refused_while_inactive() -> None:
    with mock_imagebuilder() as ib:
        pass
    for call in (
        lambda: ib.fail_next("GetImage"),
        lambda: ib.backend(),
        lambda: mock_imagebuilder.fail_build(reason="left over"),
        lambda: mock_imagebuilder.set_progression("manual"),
    ):
        with pytest.raises(RuntimeError) as caught:
            call()
        assert str(caught.value) == INACTIVE


def test_a_controller_whose_scope_ended_reaches_the_next_active_mock() -> None:
    with mock_imagebuilder() as old:
        pass
    with mock_imagebuilder(progression="manual") as current:
        assert old.progression == "manual"
        old.fail_next("ListInfrastructureConfigurations", "CallRateLimitExceededException")
        with pytest.raises(ClientError) as caught:
            _client().list_infrastructure_configurations()
        assert error_of(caught) == (
            "CallRateLimitExceededException",
            "Injected CallRateLimitExceededException for ListInfrastructureConfigurations.",
        )
        assert [call.error_code for call in current.calls] == ["CallRateLimitExceededException"]


def test_a_moto_access_key_acts_as_its_account() -> None:
    import moto

    with moto.mock_aws(), mock_imagebuilder():
        sts = boto3.client("sts", region_name=REGION)
        credentials = sts.assume_role(
            RoleArn="arn:aws:iam::222222222222:role/builder", RoleSessionName="session"
        )["Credentials"]
        client = boto3.client(
            "imagebuilder",
            region_name=REGION,
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )
        # Each account names an instance profile of its own IAM.
        moto_instance_profile(
            "p",
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )
        moto_instance_profile("p")
        assert _infra(client, "assumed").split(":")[4] == "222222222222"
        # The mock's own fake key stays the mock's default account.
        assert _infra(_client(), "default").split(":")[4] == "123456789012"


# -- read from the source ------------------------------------------------------------------------


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def _imported_names(tree: ast.Module) -> set[str]:
    """The names imports bind in a module (modules and objects of other modules alike)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def _root(target: ast.expr) -> ast.expr:
    while isinstance(target, ast.Attribute):
        target = target.value
    return target


def _foreign_writes(path: Path) -> list[tuple[str, str]]:
    """Every statement of ``path`` that sets or deletes an attribute of something it
    imported, as (file, what it writes), in source order."""
    tree = _tree(path)
    imported = _imported_names(tree)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        written: list[tuple[ast.expr, ast.stmt | ast.expr]] = []
        if isinstance(node, ast.Assign | ast.Delete):
            written = [(target, target) for target in node.targets]
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            written = [(node.target, node.target)]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("setattr", "delattr")
            and node.args
        ):
            # ``setattr(module, "name", value)`` writes ``module.name``.
            written = [(ast.Attribute(node.args[0], "?", ast.Store()), node)]
        for target, shown in written:
            root = _root(target)
            if (
                isinstance(target, ast.Attribute)
                and isinstance(root, ast.Name)
                and root.id in imported
            ):
                found.append((shown.lineno, ast.unparse(shown)))
    return [(path.name, text) for _, text in sorted(found)]


def test_the_source_scan_finds_a_write_to_another_module(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from . import _interception\n"
        "from ._mock import _Activation\n"
        "import botocore.waiter\n"
        "_interception._Active.service = None\n"
        "_Activation.depth += 1\n"
        "setattr(botocore.waiter, 'time', None)\n"
        "del _interception.FAKE_ACCESS_KEY\n"
        "local = object()\n"
        "local.name = 'own'\n",
        encoding="utf-8",
    )
    assert _foreign_writes(probe) == [
        ("probe.py", "_interception._Active.service"),
        ("probe.py", "_Activation.depth"),
        ("probe.py", "setattr(botocore.waiter, 'time', None)"),
        ("probe.py", "_interception.FAKE_ACCESS_KEY"),
    ]


# The one deliberate exception: botocore's waiters read ``time.sleep`` from their
# module global, and the mock's waiter pacing works by standing in for it.
_THIRD_PARTY_PATCHES = [("_waiters.py", "setattr(botocore.waiter, 'time', _WaiterTime(time))")]


def test_no_module_writes_another_modules_state() -> None:
    writes = [write for path in PACKAGE_FILES for write in _foreign_writes(path)]
    assert writes == _THIRD_PARTY_PATCHES


def _imports_moto(path: Path) -> list[str]:
    found: list[str] = []
    for node in ast.walk(_tree(path)):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            # ``sys.modules.get("moto.core.models")`` and ``importlib`` reach moto too.
            modules = [node.value] if node.value.startswith("moto.") else []
        found.extend(m for m in modules if m == "moto" or m.startswith("moto."))
    return found


def test_only_the_integrations_module_touches_moto() -> None:
    touching = {path.relative_to(ROOT).parts[0] for path in PACKAGE_FILES if _imports_moto(path)}
    assert touching == {"_integrations"}


def test_importing_the_package_does_not_import_moto() -> None:
    probe = (
        "import sys, imagebuilder_mock, imagebuilder_mock.pytest_plugin; "
        "print(sorted(m for m in sys.modules if m == 'moto' or m.startswith('moto.')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_botocore_front_door_is_told_what_to_serve() -> None:
    # It learns the service and the defaults from ``activate``: it never reaches
    # into the mock or its controller for them.
    imported = {
        node.module
        for node in ast.walk(_tree(ROOT / "_interception.py"))
        if isinstance(node, ast.ImportFrom) and node.level == 1
    }
    assert imported.isdisjoint({"_mock", "_controller"})
    assert "_integrations" in imported
