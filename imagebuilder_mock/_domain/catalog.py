"""The AWS-managed catalog: components and workflows published under account ``aws``.

Every region's ``aws`` backend starts with the components AWS documentation and
examples use most (update-linux, update-windows, aws-cli-version-2-*, reboot-*,
simple-boot-test-*, hello-world-linux) and the default workflows (build-image,
test-image, distribute-image). They report ``owner: "Amazon"`` and are listed
with ``owner="Amazon"``.

No catalog can hold everything AWS publishes, so a well-formed reference to an
``aws`` component that is not here is accepted as existing, with attributes
derived from its name (:func:`aws_component`).

Tests add their own entries with :func:`add_managed_component` and
:func:`add_managed_workflow`; the entries live as long as the mock's state.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import textwrap
from dataclasses import dataclass
from typing import Any

from .._model import service_model
from .arns import parse_arn, slug
from .backend import Backend
from .components import Component, component_from_fields
from .documents import parse_component_document
from .identifiers import platform_from_name
from .versioned import resolve
from .versions import SemanticVersion, parse_version
from .workflows import Workflow, workflow_from_fields

__all__ = [
    "AWS_ACCOUNT",
    "CATALOG_COMPONENTS",
    "CATALOG_WORKFLOWS",
    "CatalogEntry",
    "add_managed_component",
    "add_managed_workflow",
    "aws_component",
    "default_workflow_data",
    "seed",
]

AWS_ACCOUNT = "aws"
# Catalog entries carry fixed dates so that every run shows the same history.
_EPOCH = dt.datetime(2023, 1, 16, 18, 0, tzinfo=dt.timezone.utc)

LINUX_OS_VERSIONS = (
    "Amazon Linux 2",
    "Amazon Linux 2023",
    "Ubuntu 20",
    "Ubuntu 22",
    "Ubuntu 24",
    "Red Hat Enterprise Linux 8",
    "Red Hat Enterprise Linux 9",
    "SUSE Linux Enterprise Server 15",
)
WINDOWS_OS_VERSIONS = (
    "Microsoft Windows Server 2016",
    "Microsoft Windows Server 2019",
    "Microsoft Windows Server 2022",
    "Microsoft Windows Server 2025",
)


def _doc(text: str) -> str:
    return textwrap.dedent(text).lstrip()


_UPDATE_LINUX = _doc(
    """
    name: update-linux
    description: Updates the operating system packages, including security updates.
    schemaVersion: 1.0
    phases:
      - name: build
        steps:
          - name: UpdateOS
            action: UpdateOS
            onFailure: Abort
            maxAttempts: 3
          - name: RebootAfterUpdate
            action: Reboot
            onFailure: Abort
            inputs:
              delaySeconds: 10
      - name: validate
        steps:
          - name: CheckNoPendingUpdates
            action: ExecuteBash
            inputs:
              commands:
                - if command -v dnf >/dev/null; then dnf check-update --security -q; fi
                - if command -v yum >/dev/null; then yum check-update --security -q; fi
    """
)

_UPDATE_WINDOWS = _doc(
    """
    name: update-windows
    description: Installs the latest Windows updates.
    schemaVersion: 1.0
    parameters:
      - exclude:
          type: string
          default: ""
          description: KB numbers of the updates to leave out, comma separated.
    phases:
      - name: build
        steps:
          - name: UpdateWindows
            action: UpdateOS
            onFailure: Abort
            maxAttempts: 3
            inputs:
              exclude:
                - "{{ exclude }}"
      - name: validate
        steps:
          - name: CheckNoPendingUpdates
            action: ExecutePowerShell
            inputs:
              commands:
                - $session = New-Object -ComObject Microsoft.Update.Session
                - $result = $session.CreateUpdateSearcher().Search('IsInstalled=0')
                - if ($result.Updates.Count -gt 0) { exit 1 }
    """
)

_AWS_CLI_LINUX = _doc(
    """
    name: aws-cli-version-2-linux
    description: Installs the latest version of the AWS CLI version 2.
    schemaVersion: 1.0
    phases:
      - name: build
        steps:
          - name: DownloadInstaller
            action: WebDownload
            inputs:
              - source: https://awscli.amazonaws.com/awscli-exe-linux-{{ arch }}.zip
                destination: /tmp/awscliv2.zip
          - name: InstallAwsCli
            action: ExecuteBash
            inputs:
              commands:
                - cd /tmp && unzip -q -o awscliv2.zip
                - sudo /tmp/aws/install --update
                - rm -rf /tmp/aws /tmp/awscliv2.zip
      - name: validate
        steps:
          - name: ValidateAwsCli
            action: ExecuteBash
            inputs:
              commands:
                - aws --version
    """
)

_AWS_CLI_WINDOWS = _doc(
    """
    name: aws-cli-version-2-windows
    description: Installs the latest version of the AWS CLI version 2.
    schemaVersion: 1.0
    phases:
      - name: build
        steps:
          - name: DownloadInstaller
            action: WebDownload
            inputs:
              - source: https://awscli.amazonaws.com/AWSCLIV2.msi
                destination: C:\\Windows\\Temp\\AWSCLIV2.msi
          - name: InstallAwsCli
            action: InstallMSI
            inputs:
              path: C:\\Windows\\Temp\\AWSCLIV2.msi
      - name: validate
        steps:
          - name: ValidateAwsCli
            action: ExecutePowerShell
            inputs:
              commands:
                - '& "C:\\Program Files\\Amazon\\AWSCLIV2\\aws.exe" --version'
    """
)

_REBOOT_LINUX = _doc(
    """
    name: reboot-linux
    description: Reboots the instance.
    schemaVersion: 1.0
    phases:
      - name: build
        steps:
          - name: Reboot
            action: Reboot
            onFailure: Abort
            inputs:
              delaySeconds: 0
    """
)

_REBOOT_WINDOWS = _REBOOT_LINUX.replace("reboot-linux", "reboot-windows")

_BOOT_TEST_LINUX = _doc(
    """
    name: simple-boot-test-linux
    description: Checks that the instance boots and can reboot.
    schemaVersion: 1.0
    phases:
      - name: test
        steps:
          - name: RecordBootId
            action: ExecuteBash
            inputs:
              commands:
                - cat /proc/sys/kernel/random/boot_id > /tmp/boot-id
          - name: Reboot
            action: Reboot
            inputs:
              delaySeconds: 0
          - name: CheckRebooted
            action: ExecuteBash
            inputs:
              commands:
                - test "$(cat /proc/sys/kernel/random/boot_id)" != "$(cat /tmp/boot-id)"
    """
)

_BOOT_TEST_WINDOWS = _doc(
    """
    name: simple-boot-test-windows
    description: Checks that the instance boots and can reboot.
    schemaVersion: 1.0
    phases:
      - name: test
        steps:
          - name: RecordBootTime
            action: ExecutePowerShell
            inputs:
              commands:
                - (Get-CimInstance Win32_OperatingSystem).LastBootUpTime.Ticks > C:\\boot.txt
          - name: Reboot
            action: Reboot
            inputs:
              delaySeconds: 0
          - name: CheckRebooted
            action: ExecutePowerShell
            inputs:
              commands:
                - $now = (Get-CimInstance Win32_OperatingSystem).LastBootUpTime.Ticks
                - if ($now -eq (Get-Content C:\\boot.txt)) { exit 1 }
    """
)

_HELLO_WORLD_LINUX = _doc(
    """
    name: hello-world-linux
    description: Prints Hello World in every phase.
    schemaVersion: 1.0
    parameters:
      - greeting:
          type: string
          default: Hello World
          description: The text every phase prints.
    phases:
      - name: build
        steps:
          - name: HelloWorldStep
            action: ExecuteBash
            inputs:
              commands:
                - echo '{{ greeting }} from the build phase.'
      - name: validate
        steps:
          - name: HelloWorldStep
            action: ExecuteBash
            inputs:
              commands:
                - echo '{{ greeting }} from the validate phase.'
      - name: test
        steps:
          - name: HelloWorldStep
            action: ExecuteBash
            inputs:
              commands:
                - echo '{{ greeting }} from the test phase.'
    """
)

# The default workflows. build-image runs the seven steps every image build
# reports; test-image launches, scans, tests and terminates.
_BUILD_IMAGE = _doc(
    """
    name: build-image
    description: Builds an output image from a build instance.
    schemaVersion: 1.0
    steps:
      - name: LaunchBuildInstance
        action: LaunchInstance
        onFailure: Abort
        inputs:
          waitFor: ssmAgent
      - name: ApplyBuildComponents
        action: ExecuteComponents
        onFailure: Abort
        inputs:
          instanceId.$: $.stepOutputs.LaunchBuildInstance.instanceId
      - name: InventoryCollection
        action: CollectImageMetadata
        onFailure: Abort
        if:
          and:
            - stringEquals: AMI
              value: $.imagebuilder.imageType
            - booleanEquals: true
              value: $.imagebuilder.collectImageMetadata
        inputs:
          instanceId.$: $.stepOutputs.LaunchBuildInstance.instanceId
      - name: RunSanitizeScript
        action: SanitizeInstance
        onFailure: Abort
        if:
          and:
            - stringEquals: AMI
              value: $.imagebuilder.imageType
            - not:
                stringEquals: Windows
                value: $.imagebuilder.platform
        inputs:
          instanceId.$: $.stepOutputs.LaunchBuildInstance.instanceId
      - name: RunSysPrepScript
        action: RunSysPrep
        onFailure: Abort
        if:
          and:
            - stringEquals: AMI
              value: $.imagebuilder.imageType
            - stringEquals: Windows
              value: $.imagebuilder.platform
        inputs:
          instanceId.$: $.stepOutputs.LaunchBuildInstance.instanceId
      - name: CreateOutputAMI
        action: CreateImage
        onFailure: Abort
        if:
          stringEquals: AMI
          value: $.imagebuilder.imageType
        inputs:
          instanceId.$: $.stepOutputs.LaunchBuildInstance.instanceId
      - name: TerminateBuildInstance
        action: TerminateInstance
        onFailure: Continue
        inputs:
          instanceId.$: $.stepOutputs.LaunchBuildInstance.instanceId
    outputs:
      - name: ImageId
        value: $.stepOutputs.CreateOutputAMI.imageId
    """
)

_TEST_IMAGE = _doc(
    """
    name: test-image
    description: Tests an image on a test instance.
    schemaVersion: 1.0
    steps:
      - name: LaunchTestInstance
        action: LaunchInstance
        onFailure: Abort
        inputs:
          waitFor: ssmAgent
      - name: CollectImageScanFindings
        action: CollectImageScanFindings
        onFailure: Continue
        if:
          booleanEquals: true
          value: $.imagebuilder.imageScanningEnabled
        inputs:
          instanceId.$: $.stepOutputs.LaunchTestInstance.instanceId
      - name: ApplyTestComponents
        action: ExecuteComponents
        onFailure: Abort
        inputs:
          instanceId.$: $.stepOutputs.LaunchTestInstance.instanceId
      - name: TerminateTestInstance
        action: TerminateInstance
        onFailure: Continue
        inputs:
          instanceId.$: $.stepOutputs.LaunchTestInstance.instanceId
    """
)

_DISTRIBUTE_IMAGE = _doc(
    """
    name: distribute-image
    description: Distributes the output image to the configured Regions and accounts.
    schemaVersion: 1.0
    steps:
      - name: DistributeImage
        action: DistributeImage
        onFailure: Abort
        inputs:
          distributions.$: $.imagebuilder.distributionConfiguration.distributions
    """
)

_DEFAULT_WORKFLOW_DATA = {
    "BUILD": _BUILD_IMAGE,
    "TEST": _TEST_IMAGE,
    "DISTRIBUTION": _DISTRIBUTE_IMAGE,
}


def default_workflow_data(workflow_type: str) -> str:
    """The document of AWS's default workflow for a stage (BUILD, TEST, DISTRIBUTION)."""
    return _DEFAULT_WORKFLOW_DATA[workflow_type]


@dataclass(frozen=True)
class CatalogEntry:
    """One published name: its document and the builds AWS released (``X.Y.Z/N``)."""

    name: str
    data: str
    builds: tuple[str, ...]
    platform: str = "Linux"
    workflow_type: str | None = None
    supported_os_versions: tuple[str, ...] = ()
    description: str | None = None


CATALOG_COMPONENTS = (
    CatalogEntry(
        "update-linux",
        _UPDATE_LINUX,
        ("1.0.0/1", "1.0.1/1", "1.0.2/1", "1.0.2/2"),
        "Linux",
        supported_os_versions=LINUX_OS_VERSIONS,
        description="Updates Linux with the latest security updates.",
    ),
    CatalogEntry(
        "update-windows",
        _UPDATE_WINDOWS,
        ("1.0.0/1", "1.0.1/1", "1.0.1/2"),
        "Windows",
        supported_os_versions=WINDOWS_OS_VERSIONS,
        description="Updates Microsoft Windows with the latest security updates.",
    ),
    CatalogEntry(
        "aws-cli-version-2-linux",
        _AWS_CLI_LINUX,
        ("1.0.0/1", "1.0.3/1", "1.0.4/1"),
        "Linux",
        supported_os_versions=LINUX_OS_VERSIONS,
        description="Installs the latest version of the AWS CLI version 2.",
    ),
    CatalogEntry(
        "aws-cli-version-2-windows",
        _AWS_CLI_WINDOWS,
        ("1.0.0/1", "1.0.1/1", "1.0.2/1"),
        "Windows",
        supported_os_versions=WINDOWS_OS_VERSIONS,
        description="Installs the latest version of the AWS CLI version 2.",
    ),
    CatalogEntry(
        "reboot-linux",
        _REBOOT_LINUX,
        ("1.0.0/1", "1.0.1/1"),
        "Linux",
        supported_os_versions=LINUX_OS_VERSIONS,
        description="Reboots the system.",
    ),
    CatalogEntry(
        "reboot-windows",
        _REBOOT_WINDOWS,
        ("1.0.0/1", "1.0.1/1"),
        "Windows",
        supported_os_versions=WINDOWS_OS_VERSIONS,
        description="Reboots the system.",
    ),
    CatalogEntry(
        "simple-boot-test-linux",
        _BOOT_TEST_LINUX,
        ("1.0.0/1", "1.0.1/1"),
        "Linux",
        supported_os_versions=LINUX_OS_VERSIONS,
        description="Executes a simple boot test.",
    ),
    CatalogEntry(
        "simple-boot-test-windows",
        _BOOT_TEST_WINDOWS,
        ("1.0.0/1", "1.0.1/1"),
        "Windows",
        supported_os_versions=WINDOWS_OS_VERSIONS,
        description="Executes a simple boot test.",
    ),
    CatalogEntry(
        "hello-world-linux",
        _HELLO_WORLD_LINUX,
        ("1.0.0/1", "1.0.0/2", "1.0.1/1"),
        "Linux",
        supported_os_versions=("Amazon Linux 2", "Amazon Linux 2023"),
        description="Hello world testing document for Linux.",
    ),
)

CATALOG_WORKFLOWS = (
    CatalogEntry(
        "build-image",
        _BUILD_IMAGE,
        ("1.0.0/1", "1.0.1/1", "1.0.2/1", "1.0.3/1"),
        workflow_type="BUILD",
        description="Default build workflow of Image Builder.",
    ),
    CatalogEntry(
        "test-image",
        _TEST_IMAGE,
        ("1.0.0/1", "1.0.1/1", "1.0.2/1", "1.0.3/1"),
        workflow_type="TEST",
        description="Default test workflow of Image Builder.",
    ),
    CatalogEntry(
        "distribute-image",
        _DISTRIBUTE_IMAGE,
        ("1.0.0/1", "1.0.1/1"),
        workflow_type="DISTRIBUTION",
        description="Default distribution workflow of Image Builder.",
    ),
)


@functools.cache
def _parsed_component(data: str, platform: str) -> Any:
    # Every region's catalog shares one parse of each document.
    return parse_component_document(data, platform)


def _split(build: str) -> tuple[SemanticVersion, int]:
    version, number = build.split("/")
    return parse_version(version), int(number)


def _aws_backend(backend: Backend) -> Backend:
    if backend.account_id == AWS_ACCOUNT:
        return backend
    return backend.registry.get(AWS_ACCOUNT, backend.region)


def _make_component(
    backend: Backend,
    name: str,
    data: str,
    platform: str,
    version: SemanticVersion,
    build: int,
    date_created: dt.datetime,
    **attributes: Any,
) -> Component:
    parsed = _parsed_component(data, platform)
    return component_from_fields(
        backend,
        name=name,
        version=version,
        build=build,
        account=AWS_ACCOUNT,
        date_created=date_created,
        platform=platform,
        component_type=parsed.component_type,
        parameters=[dict(p) for p in parsed.parameters],
        document=parsed.document,
        data=data,
        **attributes,
    )


def _release_date(index: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(days=45 * index)


def seed(backend: Backend) -> None:
    """Fill a region's ``aws`` backend with the catalog."""
    for entry in CATALOG_COMPONENTS:
        for index, build in enumerate(entry.builds):
            version, number = _split(build)
            backend.add(
                _make_component(
                    backend,
                    entry.name,
                    entry.data,
                    entry.platform,
                    version,
                    number,
                    _release_date(index),
                    supported_os_versions=list(entry.supported_os_versions),
                    description=entry.description,
                )
            )
    for entry in CATALOG_WORKFLOWS:
        for index, build in enumerate(entry.builds):
            version, number = _split(build)
            backend.add(
                workflow_from_fields(
                    backend,
                    name=entry.name,
                    version=version,
                    build=number,
                    account=AWS_ACCOUNT,
                    workflow_type=entry.workflow_type or "BUILD",
                    data=entry.data,
                    date_created=_release_date(index),
                    description=entry.description,
                )
            )


def _derived_data(name: str, platform: str, component_type: str) -> str:
    phase = "test" if component_type == "TEST" else "build"
    action = "ExecutePowerShell" if platform == "Windows" else "ExecuteBash"
    return _doc(
        f"""
        name: {name}
        description: AWS-managed component {name} (imagebuilder-mock derived it from its name).
        schemaVersion: 1.0
        phases:
          - name: {phase}
            steps:
              - name: Run
                action: {action}
                inputs:
                  commands:
                    - echo {name}
        """
    )


@functools.cache
def _publishable_name() -> re.Pattern[str]:
    """The model's ResourceName pattern, which every published component name meets
    (compiled on first use, so importing the package does not read the model)."""
    return re.compile(str(service_model().shape_for("ResourceName").metadata["pattern"]))


def aws_component(backend: Backend, arn: str) -> Component | None:
    """The AWS-managed component an ``aws`` component ARN names, or None for other ARNs.

    Catalog entries resolve as usual. A well-formed ARN the catalog lacks is
    still accepted (AWS publishes more than any catalog holds): the component
    is derived from the name, taking platform and type from a catalog entry of
    the same name if there is one, else from the name (``windows``/``macos``/
    ``linux``; ``test`` makes a TEST component). Wildcard nodes become 0
    (``x.x.x`` → 1.0.0), a missing build becomes 1. Derived components are not
    stored, so they never show up in ListComponents.
    """
    parsed = parse_arn(arn)
    if parsed is None or parsed.account != AWS_ACCOUNT or parsed.resource_type != "component":
        return None
    home = backend.registry.get(AWS_ACCOUNT, parsed.region)
    found = resolve(home, arn, Component)
    if found is not None:
        return found
    # Only a name AWS could have published, in the caller's own region, is taken on trust.
    if parsed.region != backend.region or not _publishable_name().match(parsed.name):
        return None
    nodes = [0 if n == "x" else int(n) for n in (parsed.version or "x.x.x").split(".")]
    version = SemanticVersion(*nodes) if any(nodes) else SemanticVersion(1, 0, 0)
    known = resolve(home, str(parsed.with_version(None)), Component)
    if known is not None:
        platform, data = known.platform, known.data
        extra = {
            "supported_os_versions": list(known.supported_os_versions),
            "description": known.description,
        }
    else:
        platform = platform_from_name(parsed.name)
        kind = "TEST" if "test" in parsed.name.split("-") else "BUILD"
        data, extra = _derived_data(parsed.name, platform, kind), {}
    return _make_component(
        home, parsed.name, data, platform, version, parsed.build or 1, _EPOCH, **extra
    )


def _next_free_build(
    home: Backend, kind: type[Component] | type[Workflow], version_arn: str
) -> int:
    # Catalog builds are stored with fixed numbers, so count from what is there.
    builds = [r.build or 0 for r in home.of_kind(kind) if r.version_arn == version_arn]
    return max(builds, default=0) + 1


def add_managed_component(
    backend: Backend,
    name: str,
    version: str,
    *,
    platform: str = "Linux",
    data: str | None = None,
    build: int | None = None,
    supported_os_versions: list[str] | None = None,
    description: str | None = None,
    change_description: str | None = None,
    status: str = "ACTIVE",
) -> Component:
    """Publish a component under ``aws`` in the backend's region (for tests).

    ``backend`` is any backend of the region; the entry goes to that region's
    ``aws`` backend and lives until the mock's state is reset. ``data`` is a
    component document (validated as CreateComponent validates it); without
    it the component runs one shell step. ``build`` defaults to the next build
    of that version.
    """
    home = _aws_backend(backend)
    semantic = parse_version(version, "version")
    data = data or _derived_data(slug(name), platform, "BUILD")
    version_arn = home.arn("component", slug(name), str(semantic))
    number = build if build is not None else _next_free_build(home, Component, version_arn)
    component = _make_component(
        home,
        name,
        data,
        platform,
        semantic,
        number,
        home.now(),
        supported_os_versions=list(supported_os_versions or []),
        description=description,
        change_description=change_description,
        status=status,
    )
    home.add(component)
    return component


def add_managed_workflow(
    backend: Backend,
    name: str,
    version: str,
    workflow_type: str = "BUILD",
    *,
    data: str | None = None,
    build: int | None = None,
    description: str | None = None,
) -> Workflow:
    """Publish a workflow under ``aws`` in the backend's region (for tests).

    Without ``data`` the workflow runs the default steps of its stage.
    """
    home = _aws_backend(backend)
    semantic = parse_version(version, "version")
    resource_type = f"workflow/{workflow_type.lower()}"
    version_arn = home.arn(resource_type, slug(name), str(semantic))
    number = build if build is not None else _next_free_build(home, Workflow, version_arn)
    workflow = workflow_from_fields(
        home,
        name=name,
        version=semantic,
        build=number,
        account=AWS_ACCOUNT,
        workflow_type=workflow_type,
        data=data or default_workflow_data(workflow_type),
        date_created=home.now(),
        description=description,
    )
    home.add(workflow)
    return workflow
