"""Any request, however odd, gets a modeled answer: never a defect's 500.

Requests are generated from the installed model's input shapes (values that
match the patterns and values that break them, wrong enums, out-of-range
numbers) and sent through a boto3 client whose own parameter validation is
off, so they reach the mock as a careless or hostile client would send them.
Every answer must be a success that matches the output shape (response
checking is on) or a modeled error other than ServiceException.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.model import ListShape, MapShape, Shape, StructureShape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imagebuilder_mock import mock_imagebuilder

MODEL = botocore.session.get_session().get_service_model("imagebuilder")


def values_of(shape: Shape, depth: int = 0) -> st.SearchStrategy[Any]:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        if depth > 4:
            return st.just({})
        required = set(shape.required_members)
        fields = {name: values_of(member, depth + 1) for name, member in shape.members.items()}
        return st.fixed_dictionaries(
            {name: s for name, s in fields.items() if name in required},
            optional={name: s for name, s in fields.items() if name not in required},
        )
    if kind == "list":
        assert isinstance(shape, ListShape)
        return st.lists(values_of(shape.member, depth + 1), max_size=3)
    if kind == "map":
        assert isinstance(shape, MapShape)
        return st.dictionaries(
            values_of(shape.key, depth + 1), values_of(shape.value, depth + 1), max_size=3
        )
    if kind == "string":
        enum = shape.metadata.get("enum")
        if enum:
            return st.sampled_from([*enum, "NotAValue"])
        pattern = shape.metadata.get("pattern")
        loose = st.text(max_size=12)
        if pattern:
            return st.one_of(st.from_regex(pattern, fullmatch=True), loose)
        return loose
    if kind in ("integer", "long"):
        return st.integers(min_value=-3, max_value=2000)
    if kind in ("double", "float"):
        return st.floats(allow_nan=False, allow_infinity=False, width=32)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return st.datetimes(
            min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1)
        ).map(lambda moment: moment.replace(tzinfo=dt.timezone.utc))
    return st.none()


@pytest.fixture(scope="module")
def client() -> Any:
    with mock_imagebuilder():
        yield boto3.client(
            "imagebuilder",
            region_name="us-east-1",
            config=Config(parameter_validation=False, retries={"total_max_attempts": 1}),
        )


@pytest.mark.parametrize("operation", MODEL.operation_names)
def test_any_request_gets_a_modeled_answer(client: Any, operation: str) -> None:
    op = MODEL.operation_model(operation)
    method = getattr(client, botocore.xform_name(operation))
    modeled = {
        name for name in MODEL.shape_names if MODEL.shape_for(name).metadata.get("exception")
    }

    @settings(
        max_examples=15,
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(values_of(op.input_shape))
    def check(params: dict[str, Any]) -> None:
        try:
            method(**params)
        except ClientError as error:
            code = error.response["Error"]["Code"]
            assert code in modeled, error
            assert code != "ServiceException", error.response["Error"]["Message"]

    check()
