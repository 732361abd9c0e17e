"""The protocol core: model validation, errors, pagination, filters, idempotency."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from builders import COMPONENT_DOCUMENT
from errors import error_of
from handlers import replace_handler

from imagebuilder_mock import ImageBuilderMock
from imagebuilder_mock._model import service_model

LIST = "ListInfrastructureConfigurations"
SUMMARIES = "infrastructureConfigurationSummaryList"


def _limit(shape: str, key: str) -> int:
    value: int = service_model().shape_for(shape).metadata[key]
    return value


def _create(client: Any, name: str, **extra: Any) -> str:
    arn: str = client.create_infrastructure_configuration(
        name=name, instanceProfileName="p", **extra
    )["infrastructureConfigurationArn"]
    return arn


def _names(page: dict[str, Any]) -> list[str]:
    return [summary["name"] for summary in page[SUMMARIES]]


# -- validation of what botocore does not check ----------------------------------------


def _invalid(parameter: str, rule: str) -> tuple[str, str]:
    return (
        "InvalidParameterValueException",
        f"The value supplied for parameter '{parameter}' is not valid. '{parameter}' {rule}",
    )


def test_max_length(imagebuilder_client: Any) -> None:
    limit = _limit("NonEmptyString", "max")
    with pytest.raises(ClientError) as caught:
        _create(imagebuilder_client, "long", description="d" * (limit + 1))
    assert error_of(caught) == _invalid(
        "description", f"must have length less than or equal to {limit}."
    )


def test_pattern(imagebuilder_client: Any) -> None:
    pattern = service_model().shape_for("ResourceName").metadata["pattern"]
    with pytest.raises(ClientError) as caught:
        _create(imagebuilder_client, "has.dot")
    assert error_of(caught) == _invalid("name", f"must match pattern {pattern}")


def test_enum_in_a_nested_structure(imagebuilder_client: Any) -> None:
    allowed = service_model().shape_for("TenancyType").enum
    with pytest.raises(ClientError) as caught:
        _create(imagebuilder_client, "tenancy", placement={"tenancy": "shared"})
    assert error_of(caught) == _invalid(
        "placement.tenancy", f"must be one of: {', '.join(allowed)}."
    )


def test_numeric_range(imagebuilder_client: Any) -> None:
    limit = _limit("HttpPutResponseHopLimit", "max")
    with pytest.raises(ClientError) as caught:
        _create(
            imagebuilder_client,
            "hops",
            instanceMetadataOptions={"httpPutResponseHopLimit": limit + 1},
        )
    assert error_of(caught) == _invalid(
        "instanceMetadataOptions.httpPutResponseHopLimit",
        f"must be less than or equal to {limit}.",
    )


def test_map_size(imagebuilder_client: Any) -> None:
    limit = _limit("ResourceTagMap", "max")
    with pytest.raises(ClientError) as caught:
        _create(imagebuilder_client, "tags", resourceTags={f"k{i}": "v" for i in range(limit + 1)})
    assert error_of(caught) == _invalid("resourceTags", f"must contain at most {limit} items.")


def test_list_size(imagebuilder_client: Any) -> None:
    limit = _limit("FilterList", "max")
    filters = [{"name": "name", "values": ["x"]}] * (limit + 1)
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.list_infrastructure_configurations(filters=filters)
    assert error_of(caught) == _invalid("filters", f"must contain at most {limit} items.")


def test_a_rejected_request_creates_nothing(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError):
        _create(imagebuilder_client, "bad.name")
    assert imagebuilder_client.list_infrastructure_configurations()[SUMMARIES] == []


def _unvalidated_client() -> Any:
    # botocore checks required members itself; switching that off lets the
    # request reach the mock, as it would reach AWS from a client that does not check.
    return boto3.client(
        "imagebuilder", region_name="us-east-1", config=Config(parameter_validation=False)
    )


def test_missing_required_member(imagebuilder_mock: ImageBuilderMock) -> None:
    client = _unvalidated_client()
    with pytest.raises(ClientError) as caught:
        client.create_infrastructure_configuration(name="no-profile")
    assert error_of(caught) == _invalid("instanceProfileName", "is required.")


def _rewrite_body(client: Any, operation: str, **members: Any) -> None:
    """Change the JSON body after botocore built it, as a client that does not check would."""

    def rewrite(request: Any, **kwargs: Any) -> None:
        body = json.loads(request.data)
        body.update(members)
        request.data = json.dumps(body).encode()

    client.meta.events.register(f"before-sign.imagebuilder.{operation}", rewrite)


def test_wrong_type(imagebuilder_client: Any) -> None:
    _rewrite_body(imagebuilder_client, "CreateInfrastructureConfiguration", instanceTypes="m5")
    with pytest.raises(ClientError) as caught:
        _create(imagebuilder_client, "typed")
    assert error_of(caught) == _invalid("instanceTypes", "must be a list, not str.")


def test_unknown_json_members_are_ignored(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock
) -> None:
    _rewrite_body(imagebuilder_client, "CreateInfrastructureConfiguration", notInTheModel="x")
    _create(imagebuilder_client, "extra")
    assert "notInTheModel" not in imagebuilder_mock.calls[-1].params
    assert imagebuilder_mock.calls[-1].params["name"] == "extra"


def test_tag_operations_answer_invalid_parameter(imagebuilder_client: Any) -> None:
    arn = _create(imagebuilder_client, "tagged")
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.tag_resource(resourceArn=arn, tags={"k": "v" * 1000})
    code, message = error_of(caught)
    assert code == "InvalidParameterException"
    assert message.startswith("The value supplied for parameter 'tags.k' is not valid.")


# -- defects surface as the service's 500 ----------------------------------------------


def test_handler_defect_is_a_service_exception(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
        raise KeyError("placement")

    replace_handler(imagebuilder_mock, monkeypatch, LIST, broken)
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.list_infrastructure_configurations()
    assert error_of(caught) == ("ServiceException", "KeyError: 'placement'")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500


def test_operation_without_handler_is_an_invalid_request(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    replace_handler(imagebuilder_mock, monkeypatch, LIST, None)
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.list_infrastructure_configurations()
    assert error_of(caught) == (
        "InvalidRequestException",
        f"The operation '{LIST}' is not supported by imagebuilder-mock.",
    )


# -- pagination --------------------------------------------------------------------------


def test_max_results_bounds_come_from_the_model(imagebuilder_client: Any) -> None:
    low = _limit("RestrictedInteger", "min")
    high = _limit("RestrictedInteger", "max")
    imagebuilder_client.list_infrastructure_configurations(maxResults=high)
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.list_infrastructure_configurations(maxResults=high + 1)
    assert error_of(caught) == _invalid("maxResults", f"must be less than or equal to {high}.")
    client = _unvalidated_client()
    with pytest.raises(ClientError) as caught:
        client.list_infrastructure_configurations(maxResults=low - 1)
    assert error_of(caught) == _invalid("maxResults", f"must be greater than or equal to {low}.")


def test_default_page_is_25_and_the_last_page_has_no_token(imagebuilder_client: Any) -> None:
    for i in range(26):
        _create(imagebuilder_client, f"config-{i:02d}")
    first = imagebuilder_client.list_infrastructure_configurations()
    assert len(first[SUMMARIES]) == 25
    second = imagebuilder_client.list_infrastructure_configurations(nextToken=first["nextToken"])
    assert _names(second) == ["config-25"]
    assert "nextToken" not in second


def test_paginator_walks_every_item_once(imagebuilder_client: Any) -> None:
    names = [f"config-{i}" for i in range(7)]
    for name in names:
        _create(imagebuilder_client, name)
    paginator = imagebuilder_client.get_paginator("list_infrastructure_configurations")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 3}))
    assert [len(page[SUMMARIES]) for page in pages] == [3, 3, 1]
    assert [name for page in pages for name in _names(page)] == names


@pytest.mark.parametrize("token", ["garbage", "eyJhIjoxfQ.0000000000000000"])
def test_bad_token(imagebuilder_client: Any, token: str) -> None:
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.list_infrastructure_configurations(nextToken=token)
    assert error_of(caught) == (
        "InvalidPaginationTokenException",
        f"The pagination token '{token}' is not valid for {LIST}.",
    )


def test_altered_token(imagebuilder_client: Any) -> None:
    for name in ("aaa", "bbb", "ccc"):
        _create(imagebuilder_client, name)
    token = imagebuilder_client.list_infrastructure_configurations(maxResults=1)["nextToken"]
    altered = token[:-1] + ("0" if token[-1] != "0" else "1")
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.list_infrastructure_configurations(nextToken=altered)
    assert error_of(caught)[0] == "InvalidPaginationTokenException"


def test_tokens_survive_deletes(imagebuilder_client: Any) -> None:
    arns = {name: _create(imagebuilder_client, name) for name in ("aaa", "bbb", "ccc", "ddd")}
    first = imagebuilder_client.list_infrastructure_configurations(maxResults=2)
    assert _names(first) == ["aaa", "bbb"]
    # A clean-up job deletes what it has just listed, then asks for the next page.
    for name in _names(first):
        imagebuilder_client.delete_infrastructure_configuration(
            infrastructureConfigurationArn=arns[name]
        )
    second = imagebuilder_client.list_infrastructure_configurations(
        maxResults=2, nextToken=first["nextToken"]
    )
    assert _names(second) == ["ccc", "ddd"]
    assert "nextToken" not in second


# -- filters ------------------------------------------------------------------------------


def test_filter_values_are_ored(imagebuilder_client: Any) -> None:
    for name in ("aaa", "bbb", "ccc"):
        _create(imagebuilder_client, name)
    page = imagebuilder_client.list_infrastructure_configurations(
        filters=[{"name": "name", "values": ["aaa", "ccc", "zzz"]}]
    )
    assert _names(page) == ["aaa", "ccc"]


def test_filters_are_anded(imagebuilder_client: Any) -> None:
    for name in ("aaa", "bbb"):
        _create(imagebuilder_client, name)
    both = [
        {"name": "name", "values": ["aaa", "bbb"]},
        {"name": "name", "values": ["bbb"]},
    ]
    assert _names(imagebuilder_client.list_infrastructure_configurations(filters=both)) == ["bbb"]
    disjoint = [{"name": "name", "values": ["aaa"]}, {"name": "name", "values": ["bbb"]}]
    page = imagebuilder_client.list_infrastructure_configurations(filters=disjoint)
    assert page[SUMMARIES] == []


def test_filter_matching_is_exact(imagebuilder_client: Any) -> None:
    _create(imagebuilder_client, "Builders")
    page = imagebuilder_client.list_infrastructure_configurations(
        filters=[{"name": "name", "values": ["builders", "Build"]}]
    )
    assert page[SUMMARIES] == []


def test_unknown_filter_name(imagebuilder_client: Any) -> None:
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.list_infrastructure_configurations(
            filters=[{"name": "platform", "values": ["Linux"]}]
        )
    assert error_of(caught) == (
        "InvalidParameterValueException",
        "The value supplied for parameter 'filters[0].name' is not valid. "
        "Unknown filter name 'platform'. Valid filter names: name.",
    )


def test_filters_apply_before_paging(imagebuilder_client: Any) -> None:
    for i in range(6):
        _create(imagebuilder_client, f"config-{i}")
    wanted = ["config-1", "config-3", "config-5"]
    filters = [{"name": "name", "values": wanted}]
    first = imagebuilder_client.list_infrastructure_configurations(filters=filters, maxResults=2)
    assert _names(first) == ["config-1", "config-3"]
    second = imagebuilder_client.list_infrastructure_configurations(
        filters=filters, maxResults=2, nextToken=first["nextToken"]
    )
    assert _names(second) == ["config-5"]
    assert "nextToken" not in second


# -- clientToken idempotency --------------------------------------------------------------


def test_same_token_same_parameters_answers_once(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock
) -> None:
    first = imagebuilder_client.create_infrastructure_configuration(
        name="once", instanceProfileName="p", clientToken="retry-me"
    )
    again = imagebuilder_client.create_infrastructure_configuration(
        name="once", instanceProfileName="p", clientToken="retry-me"
    )
    assert again["infrastructureConfigurationArn"] == first["infrastructureConfigurationArn"]
    assert again["clientToken"] == "retry-me"
    assert len(imagebuilder_mock.backend().resources) == 1


def test_a_replay_answers_with_its_own_request_id(
    imagebuilder_client: Any, imagebuilder_mock: ImageBuilderMock
) -> None:
    first = imagebuilder_client.create_infrastructure_configuration(
        name="once", instanceProfileName="p", clientToken="retry-me"
    )
    again = imagebuilder_client.create_infrastructure_configuration(
        name="once", instanceProfileName="p", clientToken="retry-me"
    )
    assert first["requestId"] == first["ResponseMetadata"]["RequestId"]
    assert again["requestId"] == again["ResponseMetadata"]["RequestId"]
    assert again["requestId"] != first["requestId"]
    # The call log shows each request's own answer, the first one unchanged by the replay.
    logged = [call.response for call in imagebuilder_mock.calls]
    assert [answer["requestId"] for answer in logged if answer] == [
        first["requestId"],
        again["requestId"],
    ]
    assert all(
        answer["infrastructureConfigurationArn"] == first["infrastructureConfigurationArn"]
        for answer in logged
        if answer
    )


def test_same_token_other_parameters_is_a_mismatch(imagebuilder_client: Any) -> None:
    imagebuilder_client.create_infrastructure_configuration(
        name="once", instanceProfileName="p", clientToken="retry-me"
    )
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.create_infrastructure_configuration(
            name="twice", instanceProfileName="p", clientToken="retry-me"
        )
    assert error_of(caught) == (
        "IdempotentParameterMismatchException",
        "The client token 'retry-me' was already used for a CreateInfrastructureConfiguration "
        "request with different parameters.",
    )
    assert _names(imagebuilder_client.list_infrastructure_configurations()) == ["once"]


def test_tokens_are_per_operation(imagebuilder_client: Any) -> None:
    arn = imagebuilder_client.create_infrastructure_configuration(
        name="once", instanceProfileName="p", clientToken="shared"
    )["infrastructureConfigurationArn"]
    updated = imagebuilder_client.update_infrastructure_configuration(
        infrastructureConfigurationArn=arn, instanceProfileName="q", clientToken="shared"
    )
    assert updated["clientToken"] == "shared"


def test_boto3_fills_in_a_fresh_token(imagebuilder_client: Any) -> None:
    first = imagebuilder_client.create_infrastructure_configuration(
        name="a-one", instanceProfileName="p"
    )
    second = imagebuilder_client.create_infrastructure_configuration(
        name="a-two", instanceProfileName="p"
    )
    assert first["clientToken"] != second["clientToken"]


# -- hostile input: what a client that does not check can send ---------------------------


def _send_body(client: Any, body: bytes) -> None:
    """Replace every request's body with ``body`` on the wire, as a raw HTTP client could."""

    def replace(request: Any, **kwargs: Any) -> None:
        request.body = body

    client.meta.events.register_first("before-send.imagebuilder", replace)


def _surrogate_requests(client: Any) -> dict[str, tuple[str, Any]]:
    return {
        "description": (
            "description",
            lambda: _create(client, "lone", description="bad \udcff text"),
        ),
        "tag value": ("tags.k", lambda: _create(client, "lone", tags={"k": "\udcff"})),
        "tag key": ("tags key", lambda: _create(client, "lone", tags={"k\udcff": "v"})),
        "clientToken": ("clientToken", lambda: _create(client, "lone", clientToken="\udcff")),
        "nextToken": (
            "nextToken",
            lambda: client.list_infrastructure_configurations(nextToken="\udcff"),
        ),
    }


@pytest.mark.parametrize(
    "where", ["description", "tag value", "tag key", "clientToken", "nextToken"]
)
def test_a_lone_surrogate_is_refused_and_stores_nothing(
    imagebuilder_client: Any, where: str
) -> None:
    path, call = _surrogate_requests(imagebuilder_client)[where]
    with pytest.raises(ClientError) as caught:
        call()
    assert error_of(caught) == _invalid(
        path, "must be valid Unicode text; it contains the unpaired surrogate U+DCFF."
    )
    # Every later read of the account still answers.
    assert imagebuilder_client.list_infrastructure_configurations()[SUMMARIES] == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "The JSON text nests more than 100 levels deep."),
        (b'{"a":' * 101 + b"1" + b"}" * 101, "The JSON text nests more than 100 levels deep."),
        (b'{"maxResults": NaN}', "NaN is not a JSON value."),
        (b'{"maxResults": -Infinity}', "-Infinity is not a JSON value."),
        (b'{"maxResults": 1' + b"0" * 5000 + b"}", "The text holds a number with too many digits."),
        (b"\xff\xfe", "The text is not valid UTF-8."),
        (
            b'{"maxResults": ',
            "The text is not valid JSON: Expecting value: line 1 column 16 (char 15)",
        ),
    ],
    ids=["deep-array", "deep-object", "nan", "infinity", "digits", "not-utf8", "truncated"],
)
def test_an_unreadable_body_is_an_invalid_request(
    imagebuilder_client: Any, body: bytes, reason: str
) -> None:
    _send_body(imagebuilder_client, body)
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.list_infrastructure_configurations()
    assert error_of(caught) == (
        "InvalidRequestException",
        f"The request body cannot be read: {reason}",
    )
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.parametrize(
    ("operation", "kwargs", "code"),
    [
        # The import operations do not declare InvalidRequestException: their client error.
        (
            "import_vm_image",
            {
                "name": "n",
                "semanticVersion": "1.0.0",
                "platform": "Linux",
                "vmImportTaskId": "import-ami-0123456789abcdef0",
            },
            "ClientException",
        ),
        # The tag operations declare InvalidParameterException for what the client got wrong.
        (
            "list_tags_for_resource",
            {"resourceArn": "arn:aws:imagebuilder:us-east-1:123456789012:component/c/1.0.0/1"},
            "InvalidParameterException",
        ),
    ],
)
def test_an_unreadable_body_gets_a_code_the_operation_declares(
    imagebuilder_client: Any, operation: str, kwargs: dict[str, Any], code: str
) -> None:
    _send_body(imagebuilder_client, b"[" * 5000)
    with pytest.raises(ClientError) as caught:
        getattr(imagebuilder_client, operation)(**kwargs)
    assert error_of(caught)[0] == code
    assert error_of(caught)[1].startswith("The request body cannot be read: ")
    name = imagebuilder_client.meta.method_to_api_mapping[operation]
    declared = {s.name for s in service_model().operation_model(name).error_shapes}
    assert code in declared


def test_a_body_that_is_not_an_object_is_an_invalid_request(
    imagebuilder_client: Any,
) -> None:
    _send_body(imagebuilder_client, b"[1]")
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.list_infrastructure_configurations()
    assert error_of(caught) == (
        "InvalidRequestException",
        "The request body must be a JSON object.",
    )


def test_nesting_up_to_the_limit_is_read(imagebuilder_client: Any) -> None:
    # An unknown member 99 levels deep (100 with the body itself) is read and ignored.
    _send_body(imagebuilder_client, b'{"a":' * 99 + b"1" + b"}" * 99)
    assert imagebuilder_client.list_infrastructure_configurations()[SUMMARIES] == []


def test_an_integer_must_fit_its_wire_type(imagebuilder_client: Any) -> None:
    # MaxParallelLaunches has a model minimum and no maximum: an int on the wire.
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.create_distribution_configuration(
            name="fast",
            distributions=[
                {
                    "region": "us-east-1",
                    "fastLaunchConfigurations": [{"enabled": True, "maxParallelLaunches": 2**31}],
                }
            ],
        )
    path = "distributions[0].fastLaunchConfigurations[0].maxParallelLaunches"
    assert error_of(caught) == _invalid(path, "must be less than or equal to 2147483647.")


def test_a_huge_integer_is_told_the_model_range_first(imagebuilder_client: Any) -> None:
    high = _limit("RestrictedInteger", "max")
    _send_body(imagebuilder_client, b'{"maxResults": 1' + b"0" * 30 + b"}")
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.list_infrastructure_configurations()
    assert error_of(caught) == _invalid("maxResults", f"must be less than or equal to {high}.")


UPDATE = "arn:aws:imagebuilder:us-east-1:123456789012:image/web/1.0.0/1"
TIMESTAMP_RANGE = "must be a timestamp from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z."


@pytest.mark.parametrize(
    "update_at", ["1e20", "-1e20", "253402300800", "1e400", '"9999-12-31T23:59:59-01:00"']
)
def test_a_timestamp_out_of_range_is_refused(imagebuilder_client: Any, update_at: str) -> None:
    body = (
        f'{{"resourceArn": "{UPDATE}", "state": {{"status": "DEPRECATED"}}, '
        f'"clientToken": "t", "updateAt": {update_at}}}'
    )
    _send_body(imagebuilder_client, body.encode())
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.start_resource_state_update(
            resourceArn=UPDATE, state={"status": "DEPRECATED"}
        )
    assert error_of(caught) == _invalid("updateAt", TIMESTAMP_RANGE)


@pytest.mark.parametrize("update_at", ["NaN", "Infinity"])
def test_a_non_finite_timestamp_is_not_json(imagebuilder_client: Any, update_at: str) -> None:
    body = (
        f'{{"resourceArn": "{UPDATE}", "state": {{"status": "DEPRECATED"}}, '
        f'"updateAt": {update_at}}}'
    )
    _send_body(imagebuilder_client, body.encode())
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.start_resource_state_update(
            resourceArn=UPDATE, state={"status": "DEPRECATED"}
        )
    assert error_of(caught) == (
        "InvalidRequestException",
        f"The request body cannot be read: {update_at} is not a JSON value.",
    )


def test_import_disk_image_refuses_a_platform_outside_the_image_enum(
    imagebuilder_client: Any,
) -> None:
    # The request's platform is any text; the image shows it as the Platform enum.
    infrastructure = _create(imagebuilder_client, "iso-builders")
    platforms = service_model().shape_for("Platform").metadata["enum"]
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.import_disk_image(
            name="iso",
            semanticVersion="1.0.0",
            platform="Plan9",
            osVersion="Plan 9 from Bell Labs",
            infrastructureConfigurationArn=infrastructure,
            uri="s3://isos/plan9.iso",
        )
    assert error_of(caught) == _invalid("platform", f"must be one of: {', '.join(platforms)}.")
    assert imagebuilder_client.list_images()["imageVersionList"] == []


def test_a_deeply_nested_policy_is_refused(imagebuilder_client: Any) -> None:
    component = imagebuilder_client.create_component(
        name="nginx", semanticVersion="1.0.0", platform="Linux", data=COMPONENT_DOCUMENT
    )["componentBuildVersionArn"]
    # Within the model's length limit for a policy: one long bracket.
    depth = _limit("ResourcePolicyDocument", "max") // 2
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.put_component_policy(
            componentArn=component, policy="[" * depth + "]" * depth
        )
    code, message = error_of(caught)
    assert code == "InvalidParameterValueException"
    assert message.startswith("The value supplied for parameter 'policy' is not valid.")
    with pytest.raises(ClientError) as caught:
        imagebuilder_client.get_component_policy(componentArn=component)
    assert error_of(caught)[0] == "ResourceNotFoundException"


@pytest.mark.parametrize(
    ("operation", "member", "arn"),
    [
        ("get_component", "componentBuildVersionArn", "component/x/0.0.2000000000"),
        ("list_component_build_versions", "componentVersionArn", "component/x/0.0.2000000000"),
        ("get_image_recipe", "imageRecipeArn", "image-recipe/x/2000000000.0.0"),
        ("get_workflow", "workflowBuildVersionArn", "workflow/build/x/0.2000000000.0"),
    ],
)
def test_an_arn_version_node_out_of_range_gets_a_declared_code(
    imagebuilder_client: Any, operation: str, member: str, arn: str
) -> None:
    # Only the create operations declare InvalidVersionNumberException.
    full = f"arn:aws:imagebuilder:us-east-1:123456789012:{arn}"
    with pytest.raises(ClientError) as caught:
        getattr(imagebuilder_client, operation)(**{member: full})
    version = next(part for part in arn.split("/") if part.count(".") == 2)
    assert error_of(caught) == (
        "InvalidParameterValueException",
        f"The semantic version '{version}' is not valid. Each node must be between 0 and "
        "1073741823.",
    )
    name = imagebuilder_client.meta.method_to_api_mapping[operation]
    declared = {s.name for s in service_model().operation_model(name).error_shapes}
    assert "InvalidVersionNumberException" not in declared
