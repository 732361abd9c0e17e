"""Components: create, import, get (build/version/wildcard), list, build versions, delete."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from errors import error_of

from imagebuilder_mock import mock_imagebuilder

ACCOUNT = "123456789012"
OTHER_ACCOUNT = "111122223333"
PREFIX = f"arn:aws:imagebuilder:us-east-1:{ACCOUNT}:component"
AL2023 = "arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.x.x"

BUILD_DOC = """\
name: web
schemaVersion: 1.0
parameters:
  - Port:
      type: string
      default: "8080"
      description: Port to open.
phases:
  - name: build
    steps:
      - name: InstallNginx
        action: ExecuteBash
        inputs:
          commands:
            - sudo dnf install -y nginx
"""
TEST_DOC = """\
schemaVersion: 1.0
phases:
  - name: test
    steps:
      - name: CheckNginx
        action: ExecuteBash
        inputs:
          commands: [nginx -v]
"""


def make(client: Any, name: str = "web", version: str = "1.0.0", **extra: Any) -> str:
    extra.setdefault("platform", "Linux")
    extra.setdefault("data", BUILD_DOC)
    if extra["data"] is None:  # a uri instead
        del extra["data"]
    return str(
        client.create_component(name=name, semanticVersion=version, **extra)[
            "componentBuildVersionArn"
        ]
    )


def get(client: Any, arn: str) -> dict[str, Any]:
    return dict(client.get_component(componentBuildVersionArn=arn)["component"])


def listed(client: Any, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in client.get_paginator("list_components").paginate(**params):
        items.extend(page["componentVersionList"])
    return items


def other_client() -> Any:
    return boto3.client(
        "imagebuilder",
        region_name="us-east-1",
        aws_access_key_id=OTHER_ACCOUNT,
        aws_secret_access_key="secret",
    )


# -- CreateComponent ------------------------------------------------------------------


def test_create_returns_build_arn_and_latest_version_references(imagebuilder_client: Any) -> None:
    out = imagebuilder_client.create_component(
        name="My_Web Server", semanticVersion="2019.12.30", platform="Linux", data=BUILD_DOC
    )
    assert out["componentBuildVersionArn"] == f"{PREFIX}/my-web-server/2019.12.30/1"
    assert out["latestVersionReferences"] == {
        "latestVersionArn": f"{PREFIX}/my-web-server/x.x.x",
        "latestMajorVersionArn": f"{PREFIX}/my-web-server/2019.x.x",
        "latestMinorVersionArn": f"{PREFIX}/my-web-server/2019.12.x",
        "latestPatchVersionArn": f"{PREFIX}/my-web-server/2019.12.30",
    }
    assert out["clientToken"]


def test_get_returns_every_field(imagebuilder_client: Any) -> None:
    arn = make(
        imagebuilder_client,
        name="My_Web",
        description="Installs nginx",
        changeDescription="first",
        supportedOsVersions=["Amazon Linux 2023"],
        kmsKeyId="arn:aws:kms:us-east-1:123456789012:key/abc",
        tags={"team": "web"},
    )
    out = imagebuilder_client.get_component(componentBuildVersionArn=arn)
    got = out["component"]
    assert got.pop("dateCreated").endswith("Z")
    assert got == {
        "arn": arn,
        "name": "My_Web",
        "version": "1.0.0",
        "description": "Installs nginx",
        "changeDescription": "first",
        "type": "BUILD",
        "platform": "Linux",
        "supportedOsVersions": ["Amazon Linux 2023"],
        "state": {"status": "ACTIVE"},
        "parameters": [
            {
                "name": "Port",
                "type": "String",
                "defaultValue": ["8080"],
                "description": "Port to open.",
            }
        ],
        "owner": ACCOUNT,
        "data": BUILD_DOC,
        "kmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/abc",
        "encrypted": True,
        "tags": {"team": "web"},
    }
    assert out["latestVersionReferences"]["latestPatchVersionArn"] == f"{PREFIX}/my-web/1.0.0"
    assert out["requestId"]


def test_minimal_component_is_encrypted_without_kms_key(imagebuilder_client: Any) -> None:
    got = get(imagebuilder_client, make(imagebuilder_client, data=TEST_DOC))
    assert got["encrypted"] is True
    assert "kmsKeyId" not in got
    assert got["tags"] == {}
    assert got["type"] == "TEST"


def test_same_name_and_version_makes_the_next_build(imagebuilder_client: Any) -> None:
    first = make(imagebuilder_client)
    second = make(imagebuilder_client, changeDescription="second build")
    third = make(imagebuilder_client, name="WEB", changeDescription="third build")
    assert [first, second, third] == [f"{PREFIX}/web/1.0.0/{n}" for n in (1, 2, 3)]
    got = get(imagebuilder_client, second)
    assert got["arn"] == second
    assert got["version"] == "1.0.0"
    assert got["changeDescription"] == "second build"


def test_identical_create_of_latest_build_is_refused(imagebuilder_client: Any) -> None:
    arn = make(imagebuilder_client)
    with pytest.raises(ClientError) as excinfo:
        make(imagebuilder_client)
    assert error_of(excinfo) == (
        "ResourceAlreadyExistsException",
        f"The following resource 'Component' already exists: '{arn}'.",
    )


def test_build_numbers_are_not_reused_after_delete(imagebuilder_client: Any) -> None:
    first = make(imagebuilder_client)
    imagebuilder_client.delete_component(componentBuildVersionArn=first)
    assert make(imagebuilder_client) == f"{PREFIX}/web/1.0.0/2"


def test_same_client_token_returns_the_first_answer(imagebuilder_client: Any) -> None:
    first = make(imagebuilder_client, clientToken="token-1")
    again = make(imagebuilder_client, clientToken="token-1")
    assert first == again
    assert [c["arn"] for c in listed(imagebuilder_client)] == [f"{PREFIX}/web/1.0.0"]


@pytest.mark.parametrize(
    "sources",
    [{}, {"data": BUILD_DOC, "uri": "s3://bucket/component.yaml"}],
    ids=["neither", "both"],
)
def test_exactly_one_of_data_and_uri(imagebuilder_client: Any, sources: dict[str, str]) -> None:
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.create_component(
            name="web", semanticVersion="1.0.0", platform="Linux", **sources
        )
    assert error_of(excinfo) == (
        "InvalidParameterCombinationException",
        "You must specify exactly one of data or uri.",
    )


def test_uri_component_holds_a_placeholder_build_document(imagebuilder_client: Any) -> None:
    arn = make(imagebuilder_client, data=None, uri="s3://my-bucket/components/web.yaml")
    got = get(imagebuilder_client, arn)
    assert got["type"] == "BUILD"
    assert "s3://my-bucket/components/web.yaml" in got["data"]


@pytest.mark.parametrize("uri", ["https://example.com/c.yaml", "s3://bucket", "s3:///key"])
def test_uri_must_be_an_s3_url(imagebuilder_client: Any, uri: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        make(imagebuilder_client, data=None, uri=uri)
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'uri' is not valid. The uri must be an Amazon S3 URL "
        "of the form s3://bucket/key.",
    )


def test_uri_with_a_trailing_newline_is_refused(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        make(imagebuilder_client, data=None, uri="s3://bucket/component.yaml\n")
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'uri' is not valid. The uri must be an Amazon S3 URL "
        "of the form s3://bucket/key.",
    )
    assert imagebuilder_client.list_components()["componentVersionList"] == []


def test_dry_run_validates_and_creates_nothing(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        make(imagebuilder_client, dryRun=True)
    assert error_of(excinfo) == (
        "DryRunOperationException",
        "Request would have succeeded, but the DryRun flag is set.",
    )
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    assert listed(imagebuilder_client) == []
    # The dry run consumed no build number.
    assert make(imagebuilder_client) == f"{PREFIX}/web/1.0.0/1"


def test_dry_run_of_an_invalid_document_reports_the_document(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        make(imagebuilder_client, data="schemaVersion: 2.0", dryRun=True)
    assert error_of(excinfo)[0] == "InvalidParameterValueException"


@pytest.mark.parametrize("version", ["1.0.1073741824", "1073741824.0.0"])
def test_version_node_out_of_range(imagebuilder_client: Any, version: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        make(imagebuilder_client, version=version)
    assert error_of(excinfo) == (
        "InvalidVersionNumberException",
        f"The semantic version '{version}' is not valid. Each node must be between 0 and "
        "1073741823.",
    )


def test_largest_version_node_is_accepted(imagebuilder_client: Any) -> None:
    arn = make(imagebuilder_client, version="1073741823.0.1073741823")
    assert arn == f"{PREFIX}/web/1073741823.0.1073741823/1"


@pytest.mark.parametrize("version", ["1.0", "1.0.x", "v1.0.0"])
def test_version_must_be_concrete(imagebuilder_client: Any, version: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        make(imagebuilder_client, version=version)
    code, message = error_of(excinfo)
    assert code == "InvalidParameterValueException"
    assert message.startswith("The value supplied for parameter 'semanticVersion' is not valid.")


# -- ImportComponent ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "kind", "action", "phase"),
    [
        ("Linux", "BUILD", "ExecuteBash", "build"),
        ("macOS", "TEST", "ExecuteBash", "test"),
        ("Windows", "TEST", "ExecutePowerShell", "test"),
        ("Windows", "BUILD", "ExecutePowerShell", "build"),
    ],
)
def test_import_shell_script_wraps_it_in_a_document(
    imagebuilder_client: Any, platform: str, kind: str, action: str, phase: str
) -> None:
    import yaml

    out = imagebuilder_client.import_component(
        name="imported script",
        semanticVersion="1.2.3",
        type=kind,
        format="SHELL",
        platform=platform,
        data="echo one\necho two",
    )
    arn = out["componentBuildVersionArn"]
    assert arn == f"{PREFIX}/imported-script/1.2.3/1"
    assert "latestVersionReferences" not in out
    got = get(imagebuilder_client, arn)
    assert (got["type"], got["platform"], got["name"]) == (kind, platform, "imported script")
    document = yaml.safe_load(got["data"])
    assert document["schemaVersion"] == 1.0
    assert document["phases"] == [
        {
            "name": phase,
            "steps": [
                {
                    "name": "imported-script",
                    "action": action,
                    "inputs": {"commands": ["echo one", "echo two"]},
                }
            ],
        }
    ]


def test_import_needs_exactly_one_source(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.import_component(
            name="imported", semanticVersion="1.0.0", type="BUILD", format="SHELL", platform="Linux"
        )
    assert error_of(excinfo) == (
        "InvalidParameterCombinationException",
        "You must specify exactly one of data or uri.",
    )


def test_import_from_s3_and_again_makes_the_next_build(imagebuilder_client: Any) -> None:
    params = dict(name="imported", semanticVersion="1.0.0", format="SHELL", platform="Linux")
    first = imagebuilder_client.import_component(
        type="BUILD", uri="s3://scripts-bucket/s.sh", **params
    )
    second = imagebuilder_client.import_component(
        type="TEST", uri="s3://scripts-bucket/s.sh", **params
    )
    assert first["componentBuildVersionArn"].endswith("/imported/1.0.0/1")
    assert second["componentBuildVersionArn"].endswith("/imported/1.0.0/2")


def test_import_version_out_of_range(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.import_component(
            name="imported",
            semanticVersion="2000000000.0.0",
            type="BUILD",
            format="SHELL",
            platform="Linux",
            data="true",
        )
    assert error_of(excinfo)[0] == "InvalidVersionNumberException"


# -- GetComponent: build, version and wildcard ARNs ----------------------------------


@pytest.fixture
def versions(imagebuilder_client: Any) -> dict[str, str]:
    """Builds of 2.2.4, 1.7.8 (two builds), 1.6.8 and 1.10.0 of one component."""
    arns = {}
    for version in ("2.2.4", "1.7.8", "1.6.8", "1.10.0"):
        arns[version] = make(imagebuilder_client, version=version)
    arns["1.7.8/2"] = make(imagebuilder_client, version="1.7.8", changeDescription="rebuild")
    return arns


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("x.x.x", "2.2.4/1"),
        ("1.x.x", "1.10.0/1"),
        ("1.7.x", "1.7.8/2"),
        ("1.6.x", "1.6.8/1"),
        ("1.7.8", "1.7.8/2"),
        ("1.7.8/1", "1.7.8/1"),
        ("2.x.x", "2.2.4/1"),
    ],
)
def test_get_resolves_version_and_wildcard_arns_to_a_build(
    imagebuilder_client: Any, versions: dict[str, str], selector: str, expected: str
) -> None:
    out = imagebuilder_client.get_component(componentBuildVersionArn=f"{PREFIX}/web/{selector}")
    assert out["component"]["arn"] == f"{PREFIX}/web/{expected}"
    assert out["component"]["version"] == expected.split("/")[0]
    major, minor, patch = expected.split("/")[0].split(".")
    assert out["latestVersionReferences"] == {
        "latestVersionArn": f"{PREFIX}/web/x.x.x",
        "latestMajorVersionArn": f"{PREFIX}/web/{major}.x.x",
        "latestMinorVersionArn": f"{PREFIX}/web/{major}.{minor}.x",
        "latestPatchVersionArn": f"{PREFIX}/web/{major}.{minor}.{patch}",
    }


@pytest.mark.parametrize("selector", ["1.x.8", "x.2.x", "x.x.4"])
def test_get_rejects_wildcards_that_are_not_right_aligned(
    imagebuilder_client: Any, versions: dict[str, str], selector: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        get(imagebuilder_client, f"{PREFIX}/web/{selector}")
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        f"The value supplied for parameter 'componentBuildVersionArn' is not valid. The version "
        f"'{selector}' is not valid: a wildcard (x) may only be followed by other wildcards.",
    )


@pytest.mark.parametrize("suffix", ["web/3.x.x", "web/1.7.9", "web/1.7.8/3", "other/x.x.x"])
def test_get_of_nothing_matching_is_not_found(
    imagebuilder_client: Any, versions: dict[str, str], suffix: str
) -> None:
    arn = f"{PREFIX}/{suffix}"
    with pytest.raises(ClientError) as excinfo:
        get(imagebuilder_client, arn)
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        f"The resource ARN '{arn}' does not exist.",
    )
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_get_of_a_recipe_arn_is_invalid(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        get(imagebuilder_client, f"arn:aws:imagebuilder:us-east-1:{ACCOUNT}:image-recipe/r/1.0.0")
    code, message = error_of(excinfo)
    assert code == "InvalidParameterValueException"
    assert "'componentBuildVersionArn'" in message


def test_get_of_another_accounts_component_needs_sharing(imagebuilder_client: Any) -> None:
    theirs = make(other_client(), name="theirs")
    with pytest.raises(ClientError) as excinfo:
        get(imagebuilder_client, theirs)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"
    policy = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        f'"Principal": {{"AWS": ["{ACCOUNT}"]}}, "Action": ["imagebuilder:GetComponent"], '
        f'"Resource": ["{theirs}"]}}]}}'
    )
    other_client().put_component_policy(componentArn=theirs, policy=policy)
    got = get(imagebuilder_client, theirs.rsplit("/", 2)[0] + "/x.x.x")
    assert (got["arn"], got["owner"]) == (theirs, OTHER_ACCOUNT)
    shared = listed(imagebuilder_client, owner="Shared")
    assert [c["arn"] for c in shared] == [theirs.rsplit("/", 1)[0]]


# -- ListComponents -------------------------------------------------------------------


def test_list_shows_one_entry_per_version_with_version_arns(
    imagebuilder_client: Any, versions: dict[str, str]
) -> None:
    items = listed(imagebuilder_client)
    # Newest version first, compared node by node as numbers.
    assert [c["version"] for c in items] == ["2.2.4", "1.10.0", "1.7.8", "1.6.8"]
    assert [c["arn"] for c in items] == [f"{PREFIX}/web/{c['version']}" for c in items]
    assert items[0] == {
        "arn": f"{PREFIX}/web/2.2.4",
        "name": "web",
        "version": "2.2.4",
        "platform": "Linux",
        "type": "BUILD",
        "owner": ACCOUNT,
        "dateCreated": items[0]["dateCreated"],
        "status": "ACTIVE",
    }


def test_list_by_name_shows_the_latest_version_of_each_name(
    imagebuilder_client: Any, versions: dict[str, str]
) -> None:
    make(imagebuilder_client, name="api", version="0.1.0")
    items = listed(imagebuilder_client, byName=True)
    assert [(c["name"], c["version"]) for c in items] == [("api", "0.1.0"), ("web", "2.2.4")]


def test_list_by_name_with_version_filter_is_refused(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.list_components(
            byName=True, filters=[{"name": "version", "values": ["1.0.0"]}]
        )
    assert error_of(excinfo) == (
        "InvalidParameterCombinationException",
        "The value supplied for parameter 'filters' is not valid. You cannot list Components by "
        "name and filter by version in the same request.",
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["1.x.x"], ["1.10.0", "1.7.8", "1.6.8"]),
        (["1.7.x", "2.2.4"], ["2.2.4", "1.7.8"]),
        (["x.x.x"], ["2.2.4", "1.10.0", "1.7.8", "1.6.8"]),
        (["1.7.8/2"], []),
        (["3.x.x"], []),
    ],
)
def test_version_filter_takes_wildcards(
    imagebuilder_client: Any, versions: dict[str, str], values: list[str], expected: list[str]
) -> None:
    items = listed(imagebuilder_client, filters=[{"name": "version", "values": values}])
    assert [c["version"] for c in items] == expected


def test_version_filter_rejects_misaligned_wildcards(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.list_components(filters=[{"name": "version", "values": ["1.x.2"]}])
    assert error_of(excinfo) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'filters[0].values' is not valid. The version '1.x.2' "
        "is not valid: a wildcard (x) may only be followed by other wildcards.",
    )


def test_filters_on_component_fields(imagebuilder_client: Any) -> None:
    make(imagebuilder_client, name="web", description="nginx", supportedOsVersions=["Ubuntu 22"])
    make(imagebuilder_client, name="smoke", data=TEST_DOC)
    make(
        imagebuilder_client,
        name="win",
        platform="Windows",
        data=BUILD_DOC.replace("ExecuteBash", "ExecutePowerShell"),
        supportedOsVersions=["Microsoft Windows Server 2022", "Ubuntu 22"],
    )

    def names(*filters: tuple[str, list[str]]) -> list[str]:
        spec = [{"name": n, "values": v} for n, v in filters]
        return [c["name"] for c in listed(imagebuilder_client, filters=spec)]

    assert names(("type", ["TEST"])) == ["smoke"]
    assert names(("platform", ["Windows"])) == ["win"]
    assert names(("platform", ["Linux", "Windows"])) == ["smoke", "web", "win"]
    assert names(("description", ["nginx"])) == ["web"]
    assert names(("supportedOsVersion", ["Ubuntu 22"])) == ["web", "win"]
    assert names(("supportedOsVersion", ["Ubuntu 22"]), ("platform", ["Linux"])) == ["web"]
    assert names(("name", ["smoke", "nothing"])) == ["smoke"]
    assert names(("status", ["ACTIVE"])) == ["smoke", "web", "win"]
    assert names(("status", ["DEPRECATED"])) == []


def test_unknown_filter_name_is_rejected(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.list_components(filters=[{"name": "color", "values": ["red"]}])
    code, message = error_of(excinfo)
    assert code == "InvalidParameterValueException"
    assert message.startswith(
        "The value supplied for parameter 'filters[0].name' is not valid. Unknown filter name "
        "'color'."
    )


def test_owner_self_hides_amazon_and_other_accounts(imagebuilder_client: Any) -> None:
    make(other_client(), name="theirs")
    make(imagebuilder_client, name="mine")
    assert [c["name"] for c in listed(imagebuilder_client)] == ["mine"]
    assert [c["name"] for c in listed(imagebuilder_client, owner="Self")] == ["mine"]
    assert listed(imagebuilder_client, owner="Shared") == []


def test_bad_next_token_is_rejected(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.list_components(nextToken="not-a-token")
    assert error_of(excinfo) == (
        "InvalidPaginationTokenException",
        "The pagination token 'not-a-token' is not valid for ListComponents.",
    )


# -- ListComponentBuildVersions -------------------------------------------------------


def test_build_versions_are_listed_newest_first(imagebuilder_client: Any) -> None:
    arns = [make(imagebuilder_client, changeDescription=f"build {n}") for n in range(1, 4)]
    make(imagebuilder_client, version="2.0.0")
    out = imagebuilder_client.list_component_build_versions(
        componentVersionArn=f"{PREFIX}/web/1.0.0"
    )
    summaries = out["componentSummaryList"]
    assert [s["arn"] for s in summaries] == arns[::-1]
    assert summaries[0] == {
        "arn": arns[2],
        "name": "web",
        "version": "1.0.0",
        "platform": "Linux",
        "state": {"status": "ACTIVE"},
        "type": "BUILD",
        "owner": ACCOUNT,
        "changeDescription": "build 3",
        "dateCreated": summaries[0]["dateCreated"],
        "tags": {},
    }


def test_build_versions_without_arn_lists_all_own_builds(imagebuilder_client: Any) -> None:
    make(imagebuilder_client, name="api")
    make(imagebuilder_client, name="web", version="1.0.0")
    make(imagebuilder_client, name="web", version="1.1.0")
    out = imagebuilder_client.list_component_build_versions()
    assert [s["arn"] for s in out["componentSummaryList"]] == [
        f"{PREFIX}/api/1.0.0/1",
        f"{PREFIX}/web/1.1.0/1",
        f"{PREFIX}/web/1.0.0/1",
    ]


def test_build_versions_of_unknown_version_is_empty(imagebuilder_client: Any) -> None:
    out = imagebuilder_client.list_component_build_versions(
        componentVersionArn=f"{PREFIX}/no/1.0.0"
    )
    assert out["componentSummaryList"] == []
    assert "nextToken" not in out


def test_build_versions_rejects_a_build_arn(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.list_component_build_versions(
            componentVersionArn=f"{PREFIX}/web/1.0.0/1"
        )
    code, message = error_of(excinfo)
    assert code == "InvalidParameterValueException"
    assert "'componentVersionArn'" in message


def test_build_versions_page(imagebuilder_client: Any) -> None:
    arns = [make(imagebuilder_client, changeDescription=f"build {n}") for n in range(1, 6)]
    pages = imagebuilder_client.get_paginator("list_component_build_versions").paginate(
        componentVersionArn=f"{PREFIX}/web/1.0.0", PaginationConfig={"PageSize": 2}
    )
    seen = [[s["arn"] for s in page["componentSummaryList"]] for page in pages]
    assert seen == [arns[4:2:-1], arns[2:0:-1], arns[:1]]


# -- DeleteComponent ------------------------------------------------------------------


def test_delete_removes_one_build(imagebuilder_client: Any) -> None:
    first = make(imagebuilder_client)
    second = make(imagebuilder_client, changeDescription="again")
    out = imagebuilder_client.delete_component(componentBuildVersionArn=second)
    assert out["componentBuildVersionArn"] == second
    assert out["requestId"]
    assert get(imagebuilder_client, f"{PREFIX}/web/1.0.0")["arn"] == first
    with pytest.raises(ClientError) as excinfo:
        get(imagebuilder_client, second)
    assert error_of(excinfo)[0] == "ResourceNotFoundException"


def test_delete_of_unknown_build_is_not_found(imagebuilder_client: Any) -> None:
    arn = f"{PREFIX}/web/1.0.0/1"
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.delete_component(componentBuildVersionArn=arn)
    assert error_of(excinfo) == (
        "ResourceNotFoundException",
        f"The resource ARN '{arn}' does not exist.",
    )


@pytest.mark.parametrize("suffix", ["1.0.0", "1.x.x", "x.x.x"])
def test_delete_needs_a_build_arn(imagebuilder_client: Any, suffix: str) -> None:
    make(imagebuilder_client)
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.delete_component(componentBuildVersionArn=f"{PREFIX}/web/{suffix}")
    code, message = error_of(excinfo)
    assert code == "InvalidParameterValueException"
    assert message.startswith(
        "The value supplied for parameter 'componentBuildVersionArn' is not valid."
    )


@pytest.mark.parametrize("reference", ["1.0.0/1", "1.0.0", "1.x.x", "x.x.x"])
def test_delete_of_a_component_a_recipe_uses_is_refused(
    imagebuilder_client: Any, reference: str
) -> None:
    arn = make(imagebuilder_client)
    imagebuilder_client.create_image_recipe(
        name="recipe",
        semanticVersion="1.0.0",
        parentImage=AL2023,
        components=[{"componentArn": f"{PREFIX}/web/{reference}"}],
    )
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.delete_component(componentBuildVersionArn=arn)
    assert error_of(excinfo) == (
        "ResourceDependencyException",
        f"Resource dependency error: The resource ARN '{arn}' has other resources depended on it.",
    )


def test_delete_of_an_older_build_the_recipe_does_not_pick(imagebuilder_client: Any) -> None:
    old = make(imagebuilder_client)
    make(imagebuilder_client, changeDescription="newer")
    imagebuilder_client.create_image_recipe(
        name="recipe",
        semanticVersion="1.0.0",
        parentImage=AL2023,
        components=[{"componentArn": f"{PREFIX}/web/x.x.x"}],
    )
    assert (
        imagebuilder_client.delete_component(componentBuildVersionArn=old)[
            "componentBuildVersionArn"
        ]
        == old
    )


def test_delete_of_a_shared_build_is_refused(imagebuilder_client: Any) -> None:
    arn = make(imagebuilder_client)
    policy = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        f'"Principal": {{"AWS": ["{OTHER_ACCOUNT}"]}}, "Action": ["imagebuilder:GetComponent"], '
        f'"Resource": ["{arn}"]}}]}}'
    )
    imagebuilder_client.put_component_policy(componentArn=arn, policy=policy)
    with pytest.raises(ClientError) as excinfo:
        imagebuilder_client.delete_component(componentBuildVersionArn=arn)
    assert error_of(excinfo) == (
        "ResourceDependencyException",
        f"Resource dependency error: The resource ARN '{arn}' is shared with other accounts.",
    )


def test_tags_of_a_component_build(imagebuilder_client: Any) -> None:
    arn = make(imagebuilder_client, tags={"a": "1"})
    imagebuilder_client.tag_resource(resourceArn=arn, tags={"b": "2"})
    assert get(imagebuilder_client, arn)["tags"] == {"a": "1", "b": "2"}


# -- paging a thousand components -----------------------------------------------------


THOUSAND = 1000


@pytest.fixture(scope="class")
def thousand_components() -> Iterator[Any]:
    """A client over 1,000 component versions, made once for the class that uses it.

    They go in through the backend: 1,000 creates through boto3 per test would
    slow the suite without testing anything more. The mock stays active for
    the class only, so no other test sees them.
    """
    from imagebuilder_mock._domain.components import component_from_fields
    from imagebuilder_mock._domain.versions import SemanticVersion

    with mock_imagebuilder() as mock:
        backend = mock.backend()
        for i in range(THOUSAND):
            backend.add(
                component_from_fields(
                    backend,
                    name=f"component-{i % 100:03d}",
                    version=SemanticVersion(1, i // 100, 0),
                    build=1,
                    account=backend.account_id,
                    data=BUILD_DOC,
                )
            )
        yield boto3.client(
            "imagebuilder",
            region_name="us-east-1",
            aws_access_key_id="FOOBARKEY",
            aws_secret_access_key="FOOBARSECRET",
        )


class TestPagingAThousandComponents:
    """Every page size from 1 to 25 walks all 1,000 versions exactly once."""

    @pytest.mark.parametrize("page_size", range(1, 26))
    def test_pages_have_no_duplicates_gaps_or_empty_tail(
        self, thousand_components: Any, page_size: int
    ) -> None:
        client = thousand_components
        seen: list[str] = []
        token: str | None = None
        # Every page holds at least one version, so more pages than versions means a loop.
        for _ in range(THOUSAND + 1):
            params: dict[str, Any] = {"maxResults": page_size}
            if token:
                params["nextToken"] = token
            page = client.list_components(**params)
            items = page["componentVersionList"]
            assert 0 < len(items) <= page_size
            seen.extend(c["arn"] for c in items)
            token = page.get("nextToken")
            if token is None:
                break
        else:
            pytest.fail(f"list_components still returns a nextToken after {THOUSAND + 1} pages")
        assert len(seen) == THOUSAND
        assert len(set(seen)) == THOUSAND
        assert sorted(seen) == sorted(
            f"{PREFIX}/component-{i % 100:03d}/1.{i // 100}.0" for i in range(THOUSAND)
        )
        # Each name's versions come newest first.
        assert seen[:3] == [f"{PREFIX}/component-000/1.{m}.0" for m in (9, 8, 7)]
