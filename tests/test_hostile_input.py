"""Hostile requests: each one gets a modeled 4xx and changes nothing.

A client with ``parameter_validation=False``, or anything that writes the HTTP
body itself, can send what botocore never would: lone surrogates, nesting
thousands of levels deep, numbers no wire type holds, values of the wrong JSON
type, timestamps outside any calendar, YAML alias bombs and policies that are
one long bracket. For every operation of the model, requests are generated
from its input shape, one member is made hostile, and the request is sent
through such a client or as a raw body. The answer must be an error with a 4xx
status whose code the operation declares (or one of the few the service answers
for every operation, below), and nothing the account can read may change.

Budget: the ``hostile-ci`` profile (25 derandomised requests per operation);
``HYPOTHESIS_PROFILE=long`` selects ``hostile-long`` (1,000 random ones). Each
test prints its case counts by transport and attack (``pytest -rP``).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.model import ListShape, MapShape, Shape, StructureShape
from builders import COMPONENT_DOCUMENT, aws_image
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imagebuilder_mock import ImageBuilderMock, mock_imagebuilder

MODEL = botocore.session.get_session().get_service_model("imagebuilder")
REGION = "us-east-1"
ACCOUNT = "123456789012"

# -- budget --------------------------------------------------------------------------------

settings.register_profile(
    "hostile-ci",
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)
settings.register_profile(
    "hostile-long", parent=settings.get_profile("hostile-ci"), max_examples=1000, derandomize=False
)
PROFILE = settings.get_profile(
    "hostile-long" if os.environ.get("HYPOTHESIS_PROFILE") == "long" else "hostile-ci"
)

# -- what counts as a modeled answer ------------------------------------------------------

# The service answers these for operations whose model does not list them
# (docs/semantics.md): a bad value or an unknown resource.
ANSWERED_BY_EVERY_OPERATION = frozenset(
    {"InvalidParameterValueException", "ResourceNotFoundException"}
)


def modeled_codes(operation: str) -> frozenset[str]:
    declared = frozenset(shape.name for shape in MODEL.operation_model(operation).error_shapes)
    if "InvalidParameterException" in declared:
        # The tag operations answer bad values with the code they declare.
        return declared | {"ResourceNotFoundException"}
    return declared | ANSWERED_BY_EVERY_OPERATION


# -- the account the requests aim at ------------------------------------------------------

WORKFLOW = """\
name: build
schemaVersion: 1.0
steps:
  - name: LaunchBuildInstance
    action: LaunchInstance
    onFailure: Abort
"""

POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": ["arn:aws:iam::111122223333:root"]},
                "Action": ["imagebuilder:GetComponent"],
                "Resource": "*",
            }
        ],
    }
)


_ARN = f"arn:aws:imagebuilder:{REGION}:{ACCOUNT}"
# What _seed creates (the fixture checks it), so strategies are built once per module.
SEEDED_ARNS = [
    f"{_ARN}:component/nginx/1.0.0/1",
    f"{_ARN}:workflow/build/build/1.0.0/1",
    f"{_ARN}:image-recipe/web/1.0.0",
    f"{_ARN}:container-recipe/api/1.0.0",
    f"{_ARN}:infrastructure-configuration/builders",
    f"{_ARN}:distribution-configuration/regions",
    f"{_ARN}:image-pipeline/web-pipeline",
    f"{_ARN}:image/web/1.0.0/1",
    f"{_ARN}:image/web/1.0.0",
    f"{_ARN}:lifecycle-policy/retention",
]


@dataclass
class Account:
    mock: ImageBuilderMock
    client: Any


def _seed(ib: ImageBuilderMock, c: Any) -> list[str]:
    """One resource of each kind, so hostile requests can name real ARNs."""
    component = c.create_component(
        name="nginx", semanticVersion="1.0.0", platform="Linux", data=COMPONENT_DOCUMENT
    )["componentBuildVersionArn"]
    c.put_component_policy(componentArn=component, policy=POLICY)
    workflow = c.create_workflow(
        name="build", semanticVersion="1.0.0", type="BUILD", data=WORKFLOW
    )["workflowBuildVersionArn"]
    recipe = c.create_image_recipe(
        name="web",
        semanticVersion="1.0.0",
        components=[{"componentArn": component}],
        parentImage=aws_image(REGION),
        tags={"team": "web"},
    )["imageRecipeArn"]
    container_recipe = c.create_container_recipe(
        containerType="DOCKER",
        name="api",
        semanticVersion="1.0.0",
        components=[{"componentArn": component}],
        parentImage="amazonlinux:latest",
        targetRepository={"service": "ECR", "repositoryName": "api"},
        dockerfileTemplateData="FROM {{{ imagebuilder:parentImage }}}\n",
    )["containerRecipeArn"]
    infrastructure = c.create_infrastructure_configuration(
        name="builders", instanceProfileName="EC2InstanceProfileForImageBuilder"
    )["infrastructureConfigurationArn"]
    distribution = c.create_distribution_configuration(
        name="regions", distributions=[{"region": REGION}]
    )["distributionConfigurationArn"]
    pipeline = c.create_image_pipeline(
        name="web-pipeline",
        imageRecipeArn=recipe,
        infrastructureConfigurationArn=infrastructure,
        distributionConfigurationArn=distribution,
    )["imagePipelineArn"]
    image = c.start_image_pipeline_execution(imagePipelineArn=pipeline)["imageBuildVersionArn"]
    ib.finish_builds()
    lifecycle = c.create_lifecycle_policy(
        name="retention",
        executionRole="arn:aws:iam::123456789012:role/Lifecycle",
        resourceType="AMI_IMAGE",
        policyDetails=[{"action": {"type": "DELETE"}, "filter": {"type": "COUNT", "value": 1}}],
        resourceSelection={"recipes": [{"name": "web", "semanticVersion": "1.0.0"}]},
    )["lifecyclePolicyArn"]
    return [
        component,
        workflow,
        recipe,
        container_recipe,
        infrastructure,
        distribution,
        pipeline,
        image,
        image.rsplit("/", 1)[0],
        lifecycle,
    ]


@pytest.fixture(scope="module")
def account() -> Iterator[Account]:
    """One seeded account for the whole module: no request may change it anyway."""
    with mock_imagebuilder(progression="manual") as ib:
        ib.set_time(dt.datetime(2026, 5, 4, 8, 0))
        client = boto3.client(
            "imagebuilder",
            region_name=REGION,
            aws_access_key_id="FOOBARKEY",
            aws_secret_access_key="FOOBARSECRET",
            config=Config(parameter_validation=False, retries={"total_max_attempts": 1}),
        )
        assert _seed(ib, client) == SEEDED_ARNS
        yield Account(ib, client)


def readable_state(ib: ImageBuilderMock) -> dict[tuple[str, str], dict[str, str]]:
    """Everything every account can read: each backend's resources, field by field."""
    return {
        (backend.account_id, backend.region): {
            arn: repr(resource) for arn, resource in backend.resources.items()
        }
        for backend in ib.service.registry.existing()
    }


# -- where a hostile value can go ---------------------------------------------------------

# A path into a request: member names, "[]" (first list item), "{}" (first map
# value) and "{key}" (a map key).
Path = tuple[str, ...]


@dataclass(frozen=True)
class Slot:
    path: Path
    shape: Shape
    located: bool  # the top-level member travels in the URI or the querystring

    @property
    def is_key(self) -> bool:
        return self.path[-1] == "{key}"


def slots_of(shape: StructureShape) -> list[Slot]:
    found: list[Slot] = []

    def walk(current: Shape, path: Path, located: bool, depth: int) -> None:
        if path:
            found.append(Slot(path, current, located))
        if depth > 6:
            return
        if isinstance(current, StructureShape):
            for name, member in current.members.items():
                where = bool(member.serialization.get("location")) if not path else located
                walk(member, (*path, name), where, depth + 1)
        elif isinstance(current, ListShape):
            walk(current.member, (*path, "[]"), located, depth + 1)
        elif isinstance(current, MapShape):
            found.append(Slot((*path, "{key}"), current.key, located))
            walk(current.value, (*path, "{}"), located, depth + 1)

    walk(shape, (), False, 0)
    return found


def place(value: Any, shape: Shape, path: Path, hostile: Any) -> Any:
    """``value`` with ``hostile`` at ``path``, creating the containers on the way."""
    if not path:
        return hostile
    step, rest = path[0], path[1:]
    if isinstance(shape, StructureShape):
        out = dict(value) if isinstance(value, dict) else {}
        out[step] = place(out.get(step), shape.members[step], rest, hostile)
        return out
    if isinstance(shape, ListShape):
        items = list(value) if isinstance(value, list) and value else [None]
        items[0] = place(items[0], shape.member, rest, hostile)
        return items
    assert isinstance(shape, MapShape)
    entries = dict(value) if isinstance(value, dict) else {}
    if step == "{key}":
        return {hostile: next(iter(entries.values()), "v")}
    key = next(iter(entries), "k")
    entries[key] = place(entries.get(key), shape.value, rest, hostile)
    return entries


# -- hostile values -----------------------------------------------------------------------


@dataclass(frozen=True)
class Raw:
    """JSON text put into a raw body as is (``NaN``, ``1e400``, 100,000 brackets):
    ``head`` and ``tail`` repeated ``times`` around ``core``. Kept in pieces so a
    failing example prints short."""

    core: str
    head: str = ""
    tail: str = ""
    times: int = 0

    @property
    def text(self) -> str:
        return self.head * self.times + self.core + self.tail * self.times


def _deep(depth: int, opener: str) -> Raw:
    if opener == "[":
        return Raw("", "[", "]", depth)
    return Raw("1", '{"a":', "}", depth)


SURROGATE_TEXT = st.builds(
    lambda before, code, after: before + chr(code) + after,
    st.text(max_size=4),
    st.integers(0xD800, 0xDFFF),
    st.text(max_size=4),
)

WRONG_TYPES: dict[str, list[Any]] = {
    "string": [1, 1.5, True, [], {}, ["x"], {"a": "b"}],
    "integer": ["1", 1.5, True, [], {}, [1]],
    "long": ["1", 1.5, True, [], {}],
    "boolean": ["true", 1, 0, [], {}],
    "timestamp": [True, [], {}, "not a date", "2026-13-45T00:00:00Z"],
    "list": ["x", 1, True, {}, {"a": 1}],
    "map": ["x", 1, True, [], ["a"]],
    "structure": ["x", 1, True, [], [{}]],
}

HUGE_INTEGERS = [2**31, -(2**31) - 1, 2**63, -(2**63) - 1, 10**30, -(10**40)]
HUGE_NUMBER_TOKENS = [Raw("1e400"), Raw("-1e400"), Raw("NaN"), Raw("Infinity"), Raw("-Infinity")]
BAD_TIMESTAMPS: list[Any] = [
    1e20,
    -1e20,
    253402300800,
    -62135596801,
    10**30,
    "10000-01-01T00:00:00Z",
    "9999-12-31T23:59:59-01:00",
    "0001-01-01T00:00:00+01:00",
    *HUGE_NUMBER_TOKENS,
]
BILLION_LAUGHS = "\n".join(
    [
        "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']",
        *(f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)),
        "schemaVersion: 1.0",
        "phases: *i",
    ]
)
# A policy within the model's 30,000-character limit that is one long bracket.
DEEP_POLICY = "[" * 15_000 + "]" * 15_000
# Members that carry documents the service parses.
YAML_MEMBERS = {("CreateComponent", "data"), ("CreateWorkflow", "data")}
UNREADABLE_BODIES = [
    _deep(100_000, "["),
    _deep(101, "{"),
    Raw("[1]"),
    Raw('"text"'),
    Raw("NaN"),
    Raw("{"),
    # Sent with surrogateescape: the byte 0xFF, which is not UTF-8.
    Raw('{"a": "\udcff"}'),
    Raw('{"a": 1' + "0" * 5000 + "}"),
]


@dataclass(frozen=True)
class Attack:
    """One way to make a request hostile: which slots it fits and the values it sends."""

    name: str
    fits: Callable[[str, Slot], bool]
    values: Callable[[Slot], st.SearchStrategy[Any]]
    raw_only: bool


def _is(*kinds: str) -> Callable[[str, Slot], bool]:
    return lambda operation, slot: slot.shape.type_name in kinds and not slot.is_key


ATTACKS = [
    Attack(
        "surrogate",
        lambda operation, slot: slot.shape.type_name == "string",
        lambda slot: SURROGATE_TEXT,
        raw_only=False,
    ),
    Attack(
        "huge integer",
        _is("integer", "long"),
        lambda slot: st.sampled_from(HUGE_INTEGERS),
        raw_only=False,
    ),
    Attack(
        "non-finite number",
        _is("integer", "long", "double", "float"),
        lambda slot: st.sampled_from(HUGE_NUMBER_TOKENS),
        raw_only=True,
    ),
    Attack(
        "timestamp out of range",
        _is("timestamp"),
        lambda slot: st.sampled_from(BAD_TIMESTAMPS),
        raw_only=True,
    ),
    Attack(
        "wrong type",
        lambda operation, slot: not slot.is_key and slot.shape.type_name in WRONG_TYPES,
        lambda slot: st.sampled_from(WRONG_TYPES[slot.shape.type_name]),
        raw_only=True,
    ),
    Attack(
        "deep nesting",
        lambda operation, slot: not slot.is_key,
        # Within the depth limit only arrays are hostile: objects nested in a
        # structure are unknown members, which the service ignores.
        lambda slot: st.sampled_from([50, 101, 5_000, 100_000]).flatmap(
            lambda depth: st.sampled_from(
                [_deep(depth, "["), _deep(depth, "{")] if depth > 100 else [_deep(depth, "[")]
            )
        ),
        raw_only=True,
    ),
    Attack(
        "YAML alias bomb",
        lambda operation, slot: (operation, slot.path[-1]) in YAML_MEMBERS and len(slot.path) == 1,
        lambda slot: st.just(BILLION_LAUGHS),
        raw_only=False,
    ),
    Attack(
        "deep JSON policy",
        lambda operation, slot: slot.path == ("policy",),
        lambda slot: st.just(DEEP_POLICY),
        raw_only=False,
    ),
]


# -- ordinary values around the hostile one ------------------------------------------------


def values_of(shape: Shape, depth: int = 0) -> st.SearchStrategy[Any]:
    """Plausible values of a shape (valid or not); ARN members often name a seeded resource."""
    return _values_of(shape.name, depth) if shape.name else _build(shape, depth)


@functools.cache
def _values_of(name: str, depth: int) -> st.SearchStrategy[Any]:
    return _build(MODEL.shape_for(name), depth)


def _build(shape: Shape, depth: int) -> st.SearchStrategy[Any]:
    kind = shape.type_name
    if isinstance(shape, StructureShape):
        if depth > 4:
            return st.just({})
        required = set(shape.required_members)
        fields = {name: values_of(m, depth + 1) for name, m in shape.members.items()}
        return st.fixed_dictionaries(
            {name: s for name, s in fields.items() if name in required},
            optional={name: s for name, s in fields.items() if name not in required},
        )
    if isinstance(shape, ListShape):
        return st.lists(values_of(shape.member, depth + 1), max_size=2)
    if isinstance(shape, MapShape):
        return st.dictionaries(
            values_of(shape.key, depth + 1),
            values_of(shape.value, depth + 1),
            max_size=2,
        )
    if kind == "string":
        enum = shape.metadata.get("enum")
        if enum:
            return st.sampled_from(enum)
        pattern = shape.metadata.get("pattern")
        options = [st.text(max_size=8)]
        if pattern:
            options.append(st.from_regex(pattern, fullmatch=True).filter(lambda s: len(s) < 200))
        if "arn" in shape.name.lower() or "arn:" in (pattern or ""):
            options.append(st.sampled_from(SEEDED_ARNS))
        return st.one_of(*options)
    if kind in ("integer", "long"):
        return st.integers(min_value=0, max_value=100)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return st.just(dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc))
    return st.none()


# -- sending ---------------------------------------------------------------------------------

_MARK = "\u0000hostile\u0000"


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.timestamp()
    if isinstance(value, Raw):
        return _MARK
    raise TypeError(type(value).__name__)


def raw_body(request: Request) -> bytes:
    """The request as JSON text, with a Raw hostile value spliced in verbatim."""
    if not request.slot:
        assert isinstance(request.hostile, Raw)
        return request.hostile.text.encode("utf-8", "surrogateescape")
    hostile = request.hostile
    text = json.dumps(request.params, default=_encode)
    if isinstance(hostile, Raw):
        text = text.replace(json.dumps(_MARK), hostile.text, 1)
    return text.encode()


def send_raw(client: Any, method: Callable[..., Any], located: dict[str, Any], body: bytes) -> Any:
    """Call with the URI and querystring members only, and ``body`` on the wire."""

    def replace(request: Any, **kwargs: Any) -> None:
        request.body = body

    client.meta.events.register_first("before-send.imagebuilder", replace)
    try:
        return method(**located)
    finally:
        client.meta.events.unregister("before-send.imagebuilder", replace)


@dataclass(frozen=True)
class Request:
    transport: str  # "client" or "raw"
    attack: str
    params: Any  # the request's members (around the hostile value, if it has a slot)
    hostile: Any
    slot: Path  # empty: the whole body is ``hostile``

    def __repr__(self) -> str:
        shown = repr(self.hostile)
        shown = shown if len(shown) < 80 else shown[:77] + "..."
        return f"Request({self.transport}, {self.attack} at {'.'.join(self.slot)}: {shown})"


@functools.cache
def requests_for(operation: str) -> st.SearchStrategy[Request]:
    shape = MODEL.operation_model(operation).input_shape
    assert isinstance(shape, StructureShape)
    slots = slots_of(shape)
    # Each attack the operation offers a slot for is drawn equally often, then a slot
    # and a transport for it: an attack with one slot (a document member) is not
    # drowned by one with hundreds (strings).
    by_attack: dict[str, list[tuple[str, Attack, Slot]]] = {}
    for attack in ATTACKS:
        for slot in slots:
            if not attack.fits(operation, slot):
                continue
            ways = by_attack.setdefault(attack.name, [])
            # A raw body cannot carry a URI label; a client puts located members in the
            # URL, where botocore itself refuses what it cannot percent-encode.
            if not slot.located:
                ways.append(("raw", attack, slot))
                if not attack.raw_only:
                    ways.append(("client", attack, slot))
            elif not attack.raw_only and attack.name != "surrogate":
                ways.append(("client", attack, slot))
    attacks = sorted(name for name, ways in by_attack.items() if ways)
    # One draw in as many as there are attacks (at least four) sends an unreadable body.
    menu = [*attacks, *["unreadable body"] * max(1, len(attacks) // 4)]

    @st.composite
    def request(draw: st.DrawFn) -> Request:
        base = draw(values_of(shape))
        chosen = draw(st.sampled_from(menu))
        if chosen == "unreadable body":
            body = draw(st.sampled_from(UNREADABLE_BODIES))
            return Request("raw", chosen, base, body, ())
        transport, attack, slot = draw(st.sampled_from(by_attack[chosen]))
        hostile = draw(attack.values(slot))
        return Request(
            transport, attack.name, place(base, shape, slot.path, hostile), hostile, slot.path
        )

    return request()


def located_members(operation: str, params: dict[str, Any]) -> dict[str, Any]:
    shape = MODEL.operation_model(operation).input_shape
    assert isinstance(shape, StructureShape)
    return {
        name: value
        for name, value in params.items()
        if shape.members[name].serialization.get("location") and not isinstance(value, Raw)
    }


def send(account: Account, operation: str, request: Request) -> ClientError:
    method = getattr(account.client, botocore.xform_name(operation))
    with pytest.raises(ClientError) as caught:
        if request.transport == "client":
            method(**request.params)
        else:
            located = located_members(operation, request.params)
            send_raw(account.client, method, located, raw_body(request))
    return caught.value


# -- the property -----------------------------------------------------------------------------


@pytest.mark.parametrize("operation", MODEL.operation_names)
def test_a_hostile_request_gets_a_modeled_4xx_and_changes_nothing(
    account: Account, operation: str
) -> None:
    allowed = modeled_codes(operation)
    sent: Counter[str] = Counter()

    @settings(parent=PROFILE)
    @given(requests_for(operation))
    def check(request: Request) -> None:
        sent[f"{request.transport} {request.attack}"] += 1
        before = readable_state(account.mock)
        error = send(account, operation, request)
        code = error.response["Error"]["Code"]
        status = error.response["ResponseMetadata"]["HTTPStatusCode"]
        message = error.response["Error"].get("Message", "")
        assert code in allowed, f"{operation} answered {code} ({status}): {message}"
        assert 400 <= status < 500, f"{operation} answered {code} ({status}): {message}"
        assert readable_state(account.mock) == before, f"{operation} changed the account"

    check()
    # The case counts, for a long run (``pytest -rP`` shows them).
    kinds = ", ".join(f"{kind}: {count}" for kind, count in sorted(sent.items()))
    print(f"{operation}: {sum(sent.values())} hostile requests ({kinds})")
