"""Two accounts in two regions, against a reference model of what each may see.

A Hypothesis ``RuleBasedStateMachine`` drives four callers (two accounts by
two regions) through creates, gets, paged lists, updates, deletes, tags,
resource policies and image builds across components, infrastructure
configurations, image recipes and images. A small model keeps what each
caller owns and what has been shared with it, and every answer is compared
with it:

* visibility: a Get by ARN succeeds exactly when the model says the caller
  may see the resource (its own in its region, or another account's shared
  with it by policy in the same region); never anything of another region;
* lists equal the model's set, walked page by page with a small
  ``maxResults``, and the pages are disjoint and complete;
* a page token serves only the caller and the query that received it;
* no call ever answers a server error.

Profiles: ``HYPOTHESIS_PROFILE=long`` runs many more examples (see ``PROFILES``);
the default is bounded and derandomized. ``pytest -rP tests/test_stateful.py``
prints how many examples, steps and calls ran.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from builders import COMPONENT_DOCUMENT, aws_image
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    precondition,
    rule,
    run_state_machine_as_test,
)

from imagebuilder_mock import mock_imagebuilder

# -- what a caller is told when it may not see something -------------------------------
# One constant per reason, so a deliberate change of the answer is one edit here.

# A resource of another account that was not shared with the caller.
NOT_SHARED = "ResourceNotFoundException"
# A resource in another region than the caller's (whoever owns it).
OTHER_REGION = "ResourceNotFoundException"
# A resource that was deleted.
GONE = "ResourceNotFoundException"
# Tagging, untagging, reading tags of, or setting a policy on a resource the caller
# does not own (even one shared with it: sharing grants reading, not managing).
NOT_OWNER = "ResourceNotFoundException"
# A resource named in a request's parameters (a recipe's component, a build's recipe
# or infrastructure) that the caller may not see.
BAD_REFERENCE = "InvalidParameterValueException"
# A page token presented by another caller, or with other filters.
FOREIGN_TOKEN = "InvalidPaginationTokenException"
# An ARN of another partition than the caller's region's.
OTHER_PARTITION = "ResourceNotFoundException"

ACCOUNTS = ("111111111111", "222222222222")
REGIONS = ("us-east-1", "eu-west-1")
CALLERS = tuple((account, region) for account in ACCOUNTS for region in REGIONS)
# An account that never calls: a policy naming it shares nothing with the callers.
STRANGER = "333333333333"

Caller = tuple[str, str]

# -- run counters ------------------------------------------------------------------------

COUNTS: Counter[str] = Counter()

# -- profiles ------------------------------------------------------------------------------

_COMMON: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much],
}
PROFILES = {
    # Bounded and repeatable for CI: well under a minute on a small machine.
    # One failure is shrunk and reported, which keeps a failing run short too.
    "ci": settings(
        max_examples=50,
        stateful_step_count=30,
        derandomize=True,
        report_multiple_bugs=False,
        **_COMMON,
    ),
    # For a long local or tox run: HYPOTHESIS_PROFILE=long.
    "long": settings(max_examples=1000, stateful_step_count=50, **_COMMON),
}


def _profile() -> settings:
    return PROFILES.get(os.environ.get("HYPOTHESIS_PROFILE", "ci"), PROFILES["ci"])


# -- the reference model -----------------------------------------------------------------


@dataclass
class Thing:
    """One resource as the model knows it."""

    kind: str  # component | infra | recipe | image
    arn: str
    account: str
    region: str
    name: str
    version: str | None = None
    build: int | None = None
    # Accounts a resource policy shares it with, and whether it has a policy at all.
    grantees: frozenset[str] = frozenset()
    policy: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    components: tuple[str, ...] = ()  # recipes: the component builds they hold
    description: str | None = None  # infrastructure configurations
    finished: bool = False  # images: a poll saw the build end

    @property
    def version_arn(self) -> str:
        return self.arn.rsplit("/", 1)[0] if self.build is not None else self.arn

    def owned_by(self, caller: Caller) -> bool:
        return (self.account, self.region) == caller


class Model:
    """What exists, and what each caller may see of it."""

    def __init__(self) -> None:
        self.live: dict[str, Thing] = {}
        self.gone: dict[str, Thing] = {}
        self.last_build: dict[str, int] = {}

    def next_build(self, version_arn: str) -> int:
        # Build numbers are never reused, even after a delete.
        number = self.last_build.get(version_arn, 0) + 1
        self.last_build[version_arn] = number
        return number

    def add(self, thing: Thing) -> None:
        self.live[thing.arn] = thing
        self.gone.pop(thing.arn, None)

    def remove(self, thing: Thing) -> None:
        del self.live[thing.arn]
        self.gone[thing.arn] = thing

    def of(self, kind: str, *, live_only: bool = False) -> list[Thing]:
        pool = list(self.live.values())
        if not live_only:
            pool += list(self.gone.values())
        return sorted((t for t in pool if t.kind == kind), key=lambda t: t.arn)

    def owned(self, kinds: tuple[str, ...], caller: Caller) -> list[Thing]:
        return [t for k in kinds for t in self.of(k, live_only=True) if t.owned_by(caller)]

    def seen(self, kinds: tuple[str, ...], caller: Caller) -> list[Thing]:
        return [t for k in kinds for t in self.of(k, live_only=True) if self.visible(t, caller)]

    def everything(self) -> list[Thing]:
        return sorted([*self.live.values(), *self.gone.values()], key=lambda t: t.arn)

    def visible(self, thing: Thing, caller: Caller) -> bool:
        account, region = caller
        return (
            thing.arn in self.live
            and thing.region == region
            and (thing.account == account or account in thing.grantees)
        )

    def hidden_code(self, thing: Thing, caller: Caller) -> str:
        """The error a caller gets for a resource it may not see."""
        if thing.region != caller[1]:
            return OTHER_REGION
        if thing.arn not in self.live:
            return GONE
        return NOT_SHARED

    def listed(self, kind: str, caller: Caller, owner: str) -> set[str]:
        """What a List with ``owner`` shows the caller (version ARNs for versioned kinds)."""
        account, region = caller
        return {
            t.version_arn
            for t in self.live.values()
            if t.kind == kind
            and t.region == region
            and (
                t.account == account
                if owner == "Self"
                else t.account != account and account in t.grantees
            )
        }

    def builds(self, kind: str, version_arn: str, caller: Caller) -> set[str]:
        return {
            t.arn
            for t in self.live.values()
            if t.kind == kind and t.version_arn == version_arn and self.visible(t, caller)
        }


# -- how each kind is read, listed and shared ----------------------------------------------


@dataclass(frozen=True)
class Kind:
    get: str
    get_param: str
    result: str
    lister: str
    list_key: str
    owner_param: bool
    policy: str | None = None  # the suffix of Put/Get<X>Policy
    policy_param: str | None = None
    actions: tuple[str, ...] = ()


KINDS = {
    "component": Kind(
        "get_component",
        "componentBuildVersionArn",
        "component",
        "list_components",
        "componentVersionList",
        True,
        "component_policy",
        "componentArn",
        ("imagebuilder:GetComponent", "imagebuilder:ListComponents"),
    ),
    "infra": Kind(
        "get_infrastructure_configuration",
        "infrastructureConfigurationArn",
        "infrastructureConfiguration",
        "list_infrastructure_configurations",
        "infrastructureConfigurationSummaryList",
        False,
    ),
    "recipe": Kind(
        "get_image_recipe",
        "imageRecipeArn",
        "imageRecipe",
        "list_image_recipes",
        "imageRecipeSummaryList",
        True,
        "image_recipe_policy",
        "imageRecipeArn",
        ("imagebuilder:GetImageRecipe", "imagebuilder:ListImageRecipes"),
    ),
    "image": Kind(
        "get_image",
        "imageBuildVersionArn",
        "image",
        "list_images",
        "imageVersionList",
        True,
        "image_policy",
        "imageArn",
        ("imagebuilder:GetImage", "imagebuilder:ListImages"),
    ),
}
ALL = tuple(KINDS)
SHAREABLE = tuple(k for k, v in KINDS.items() if v.policy)
BUILD_LISTS = {
    "component": ("list_component_build_versions", "componentVersionArn", "componentSummaryList"),
    "image": ("list_image_build_versions", "imageVersionArn", "imageSummaryList"),
}

# Policy forms: which of them share with the account they name.
POLICY_FORMS = (
    "account-id",
    "root-arn",
    "everyone",
    "stranger",
    "deny",
    "allow-and-deny",
    "ec2",
    "list-only",
)


def policy_for(form: str, other: str, actions: tuple[str, ...]) -> tuple[str, frozenset[str]]:
    """A policy document of a form, and the callers it shares the resource with."""
    allow: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": [other]},
        "Action": list(actions),
    }
    statements: list[dict[str, Any]] = [allow]
    grantees = frozenset({other})
    if form == "root-arn":
        allow["Principal"] = {"AWS": f"arn:aws:iam::{other}:root"}
    elif form == "everyone":
        allow["Principal"] = "*"
        grantees = frozenset(ACCOUNTS)
    elif form == "stranger":
        allow["Principal"] = {"AWS": [STRANGER]}
        grantees = frozenset()
    elif form == "deny":
        allow["Effect"] = "Deny"
        grantees = frozenset()
    elif form == "allow-and-deny":
        # An explicit deny wins over an allow, as everywhere in IAM.
        statements.append({**allow, "Effect": "Deny"})
        grantees = frozenset()
    elif form == "ec2":
        # Actions of another service grant nothing in Image Builder.
        allow["Action"] = ["ec2:DescribeImages"]
        grantees = frozenset()
    elif form == "list-only":
        # Seeing a resource takes its Get action; its List action alone reads nothing.
        allow["Action"] = [actions[1]]
        grantees = frozenset()
    document = {"Version": "2012-10-17", "Statement": statements}
    return json.dumps(document), grantees


# -- calling the mock -----------------------------------------------------------------------


@dataclass
class Outcome:
    operation: str
    params: dict[str, Any]
    response: dict[str, Any] | None = None
    code: str | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.code is None

    def describe(self) -> str:
        shown = f"{self.code}: {self.message}" if self.code else "success"
        return f"{self.operation}({self.params}) -> {shown}"


def expect_ok(outcome: Outcome) -> dict[str, Any]:
    assert outcome.ok and outcome.response is not None, f"expected success: {outcome.describe()}"
    return outcome.response


def expect_error(outcome: Outcome, code: str, *naming: str) -> None:
    """A refusal with ``code`` whose message names (one of) what it refuses."""
    assert outcome.code == code, f"expected {code}: {outcome.describe()}"
    assert not naming or any(name in outcome.message for name in naming), (
        f"the message does not name {' or '.join(naming)}: {outcome.describe()}"
    )


def make_clients() -> dict[Caller, Any]:
    # No retries: a server error must show at once, not be retried away.
    config = Config(retries={"total_max_attempts": 1})
    return {
        (account, region): boto3.client(
            "imagebuilder",
            region_name=region,
            aws_access_key_id=account,
            aws_secret_access_key="x",
            config=config,
        )
        for account, region in CALLERS
    }


def pick(data: st.DataObject, good: list[Thing], every: list[Thing], label: str) -> Thing:
    """A resource, half the time one the request can use: most steps then do something."""
    choices = st.sampled_from(every)
    if good:
        choices = st.one_of(st.sampled_from(good), choices)
    return data.draw(choices, label=label)


# -- the machine ----------------------------------------------------------------------------

callers = st.sampled_from(CALLERS)
# Half the policies share: the other half try the forms that share nothing.
policy_forms = st.one_of(st.sampled_from(POLICY_FORMS[:3]), st.sampled_from(POLICY_FORMS))
page_sizes = st.integers(min_value=1, max_value=3)


class AccountsAndRegions(RuleBasedStateMachine):
    clients: ClassVar[dict[Caller, Any]] = {}

    def __init__(self) -> None:
        super().__init__()
        # Every example starts from an empty mock.
        self.mock = mock_imagebuilder(progression="observe")
        self.mock.__enter__()
        self.model = Model()
        self.serial = 0
        # Each caller's distribution configuration, made when it first distributes.
        self.distributions: dict[Caller, str] = {}
        COUNTS["examples"] += 1

    def teardown(self) -> None:
        self.mock.__exit__(None, None, None)

    # -- helpers --------------------------------------------------------------------

    def call(self, caller: Caller, operation: str, **params: Any) -> Outcome:
        COUNTS["calls"] += 1
        outcome = Outcome(f"{caller[0]}@{caller[1]}.{operation}", params)
        try:
            outcome.response = getattr(self.clients[caller], operation)(**params)
        except ClientError as error:
            outcome.code = error.response["Error"]["Code"]
            outcome.message = error.response["Error"].get("Message", "")
            status = error.response["ResponseMetadata"]["HTTPStatusCode"]
            assert status < 500 and outcome.code != "ServiceException", (
                f"server error {status}: {outcome.describe()}"
            )
        COUNTS[f"{'ok' if outcome.ok else 'refused'}:{operation}"] += 1
        return outcome

    def step(self, name: str) -> None:
        COUNTS["steps"] += 1
        COUNTS[f"rule:{name}"] += 1

    def unique(self) -> str:
        self.serial += 1
        return f"change {self.serial}"

    def pages(
        self, caller: Caller, operation: str, key: str, size: int, **params: Any
    ) -> Iterator[list[dict[str, Any]]]:
        """Every page of a List, following nextToken to the end."""
        token: str | None = None
        for _ in range(200):
            extra = {"nextToken": token} if token else {}
            response = expect_ok(self.call(caller, operation, maxResults=size, **params, **extra))
            page = response[key]
            assert len(page) <= size, f"{operation} served {len(page)} items for maxResults={size}"
            yield page
            token = response.get("nextToken")
            if not token:
                return
        raise AssertionError(f"{operation} did not reach its last page in 200 pages")

    def walk(self, caller: Caller, operation: str, key: str, size: int, **params: Any) -> set[str]:
        """The ARNs of a whole List; pages must be disjoint."""
        seen: list[str] = []
        for page in self.pages(caller, operation, key, size, **params):
            seen += [item["arn"] for item in page]
        assert len(seen) == len(set(seen)), f"{operation}{params}: pages overlap: {seen}"
        return set(seen)

    def check_list(self, caller: Caller, kind: str, owner: str, size: int) -> None:
        spec = KINDS[kind]
        params = {"owner": owner} if spec.owner_param else {}
        if not spec.owner_param and owner != "Self":
            return
        got = self.walk(caller, spec.lister, spec.list_key, size, **params)
        want = self.model.listed(kind, caller, owner)
        assert got == want, (
            f"{caller} {spec.lister}({params}): missing {sorted(want - got)}, "
            f"unexpected {sorted(got - want)}"
        )

    # -- components -----------------------------------------------------------------

    @rule(
        caller=callers,
        name=st.sampled_from(("alpha", "beta")),
        version=st.sampled_from(("1.0.0", "2.0.0")),
    )
    def create_component(self, caller: Caller, name: str, version: str) -> None:
        self.step("create_component")
        self.new_component(caller, name, version)

    def new_component(self, caller: Caller, name: str, version: str) -> Thing:
        """A new build: every create differs in its description, so none is refused."""
        account, region = caller
        outcome = self.call(
            caller,
            "create_component",
            name=name,
            semanticVersion=version,
            platform="Linux",
            data=COMPONENT_DOCUMENT,
            description=self.unique(),
        )
        version_arn = f"arn:aws:imagebuilder:{region}:{account}:component/{name}/{version}"
        build = self.model.next_build(version_arn)
        arn = f"{version_arn}/{build}"
        assert expect_ok(outcome)["componentBuildVersionArn"] == arn
        thing = Thing("component", arn, account, region, name, version, build)
        self.model.add(thing)
        return thing

    @precondition(lambda self: self.model.of("component"))
    @rule(caller=callers, data=st.data())
    def delete_component(self, caller: Caller, data: st.DataObject) -> None:
        self.step("delete_component")
        thing = pick(
            data,
            self.model.owned(("component",), caller),
            self.model.of("component"),
            "component",
        )
        outcome = self.call(caller, "delete_component", componentBuildVersionArn=thing.arn)
        if not (thing.owned_by(caller) and thing.arn in self.model.live):
            expect_error(outcome, NOT_OWNER if thing.arn in self.model.live else GONE, thing.arn)
            return
        held = any(
            thing.arn in t.components and t.owned_by(caller)
            for t in self.model.of("recipe", live_only=True)
        )
        if thing.policy is not None or held:
            # Shared builds and builds a recipe holds stay.
            expect_error(outcome, "ResourceDependencyException", thing.arn)
            return
        expect_ok(outcome)
        self.model.remove(thing)

    # -- infrastructure configurations ------------------------------------------------

    @rule(caller=callers, name=st.sampled_from(("small", "large")))
    def create_infrastructure(self, caller: Caller, name: str) -> None:
        self.step("create_infrastructure")
        self.new_infrastructure(caller, name)

    def new_infrastructure(self, caller: Caller, name: str) -> Thing | None:
        account, region = caller
        arn = f"arn:aws:imagebuilder:{region}:{account}:infrastructure-configuration/{name}"
        outcome = self.call(
            caller,
            "create_infrastructure_configuration",
            name=name,
            instanceProfileName="EC2InstanceProfileForImageBuilder",
        )
        if arn in self.model.live:
            expect_error(outcome, "ResourceAlreadyExistsException", arn)
            return None
        assert expect_ok(outcome)["infrastructureConfigurationArn"] == arn
        thing = Thing("infra", arn, account, region, name)
        self.model.add(thing)
        return thing

    @precondition(lambda self: self.model.of("infra"))
    @rule(caller=callers, data=st.data())
    def update_infrastructure(self, caller: Caller, data: st.DataObject) -> None:
        self.step("update_infrastructure")
        thing = pick(
            data, self.model.owned(("infra",), caller), self.model.of("infra"), "infrastructure"
        )
        description = self.unique()
        outcome = self.call(
            caller,
            "update_infrastructure_configuration",
            infrastructureConfigurationArn=thing.arn,
            instanceProfileName="EC2InstanceProfileForImageBuilder",
            description=description,
        )
        if thing.owned_by(caller) and thing.arn in self.model.live:
            expect_ok(outcome)
            thing.description = description
        else:
            expect_error(outcome, NOT_OWNER if thing.arn in self.model.live else GONE, thing.arn)

    @precondition(lambda self: self.model.of("infra"))
    @rule(caller=callers, data=st.data())
    def delete_infrastructure(self, caller: Caller, data: st.DataObject) -> None:
        self.step("delete_infrastructure")
        thing = pick(
            data, self.model.owned(("infra",), caller), self.model.of("infra"), "infrastructure"
        )
        outcome = self.call(
            caller, "delete_infrastructure_configuration", infrastructureConfigurationArn=thing.arn
        )
        if thing.owned_by(caller) and thing.arn in self.model.live:
            # No pipeline holds it; images keep their own copy.
            expect_ok(outcome)
            self.model.remove(thing)
        else:
            expect_error(outcome, NOT_OWNER if thing.arn in self.model.live else GONE, thing.arn)

    # -- image recipes ----------------------------------------------------------------

    @precondition(lambda self: self.model.of("component"))
    @rule(
        caller=callers,
        name=st.sampled_from(("web", "database")),
        version=st.sampled_from(("1.0.0", "1.1.0")),
        data=st.data(),
    )
    def create_recipe(self, caller: Caller, name: str, version: str, data: st.DataObject) -> None:
        self.step("create_recipe")
        every = st.sampled_from(self.model.of("component"))
        usable = self.model.seen(("component",), caller)
        chosen = data.draw(
            st.lists(
                st.one_of(st.sampled_from(usable), every) if usable else every,
                min_size=1,
                max_size=2,
            ),
            label="components",
        )
        self.new_recipe(caller, name, version, chosen)

    def new_recipe(
        self, caller: Caller, name: str, version: str, chosen: list[Thing]
    ) -> Thing | None:
        account, region = caller
        outcome = self.call(
            caller,
            "create_image_recipe",
            name=name,
            semanticVersion=version,
            components=[{"componentArn": c.arn} for c in chosen],
            parentImage=aws_image(region),
        )
        arn = f"arn:aws:imagebuilder:{region}:{account}:image-recipe/{name}/{version}"
        series = [(c.account, c.name) for c in chosen]
        if not all(self.model.visible(c, caller) for c in chosen) or len(set(series)) < len(series):
            # A component the caller may not see, or one component twice.
            expect_error(outcome, BAD_REFERENCE, *(c.arn for c in chosen))
            return None
        if arn in self.model.live:
            expect_error(outcome, "ResourceAlreadyExistsException", arn)
            return None
        assert expect_ok(outcome)["imageRecipeArn"] == arn
        thing = Thing(
            "recipe", arn, account, region, name, version, components=tuple(c.arn for c in chosen)
        )
        self.model.add(thing)
        return thing

    @precondition(lambda self: self.model.of("recipe"))
    @rule(caller=callers, data=st.data())
    def delete_recipe(self, caller: Caller, data: st.DataObject) -> None:
        self.step("delete_recipe")
        thing = pick(data, self.model.owned(("recipe",), caller), self.model.of("recipe"), "recipe")
        outcome = self.call(caller, "delete_image_recipe", imageRecipeArn=thing.arn)
        if thing.owned_by(caller) and thing.arn in self.model.live:
            # No pipeline holds it; images keep their own copy.
            expect_ok(outcome)
            self.model.remove(thing)
        else:
            expect_error(outcome, NOT_OWNER if thing.arn in self.model.live else GONE, thing.arn)

    # -- images -------------------------------------------------------------------------

    @precondition(lambda self: self.model.of("recipe") and self.model.of("infra"))
    @rule(caller=callers, data=st.data())
    def create_image(self, caller: Caller, data: st.DataObject) -> None:
        self.step("create_image")
        recipe = pick(data, self.model.seen(("recipe",), caller), self.model.of("recipe"), "recipe")
        infra = pick(
            data, self.model.owned(("infra",), caller), self.model.of("infra"), "infrastructure"
        )
        self.new_image(caller, recipe, infra)

    def new_image(self, caller: Caller, recipe: Thing, infra: Thing) -> Thing | None:
        account, region = caller
        outcome = self.call(
            caller,
            "create_image",
            imageRecipeArn=recipe.arn,
            infrastructureConfigurationArn=infra.arn,
        )
        live_infra = infra.owned_by(caller) and infra.arn in self.model.live
        if not (self.model.visible(recipe, caller) and live_infra):
            expect_error(outcome, BAD_REFERENCE, recipe.arn, infra.arn)
            return None
        version_arn = (
            f"arn:aws:imagebuilder:{region}:{account}:image/{recipe.name}/{recipe.version}"
        )
        build = self.model.next_build(version_arn)
        arn = f"{version_arn}/{build}"
        assert expect_ok(outcome)["imageBuildVersionArn"] == arn
        thing = Thing("image", arn, account, region, recipe.name, recipe.version, build)
        self.model.add(thing)
        return thing

    @rule(caller=callers, name=st.sampled_from(("web", "database")), share=st.booleans())
    def build_from_scratch(self, caller: Caller, name: str, share: bool) -> None:
        """What a user does first: a component, a recipe holding it, a configuration, a
        build; then, perhaps, sharing all three with the other account."""
        self.step("build_from_scratch")
        component = self.new_component(caller, "alpha", "1.0.0")
        recipe = next(iter(self.model.owned(("recipe",), caller)), None)
        for version in ("1.0.0", "1.1.0", "2.0.0"):
            if recipe is not None:
                break
            arn = f"arn:aws:imagebuilder:{caller[1]}:{caller[0]}:image-recipe/{name}/{version}"
            if arn not in self.model.live:
                recipe = self.new_recipe(caller, name, version, [component])
        infra = next(iter(self.model.owned(("infra",), caller)), None)
        if infra is None:
            infra = self.new_infrastructure(caller, "small")
        assert recipe is not None and infra is not None
        image = self.new_image(caller, recipe, infra)
        assert image is not None
        if share:
            for thing in (component, recipe, image):
                self.share(caller, thing, "account-id")

    @precondition(lambda self: self.model.of("image"))
    @rule(caller=callers, data=st.data())
    def distribute_image(self, caller: Caller, data: st.DataObject) -> None:
        """Only an image's owner distributes it: sharing lets others read, not copy."""
        self.step("distribute_image")
        account, region = caller
        source = pick(data, self.model.owned(("image",), caller), self.model.of("image"), "image")
        if caller not in self.distributions:
            self.distributions[caller] = expect_ok(
                self.call(
                    caller,
                    "create_distribution_configuration",
                    name="everywhere",
                    distributions=[{"region": region}],
                )
            )["distributionConfigurationArn"]
        outcome = self.call(
            caller,
            "distribute_image",
            sourceImage=source.arn,
            distributionConfigurationArn=self.distributions[caller],
            executionRole=f"arn:aws:iam::{account}:role/distribute",
        )
        if not (source.owned_by(caller) and source.arn in self.model.live):
            visible = self.model.visible(source, caller)
            code = NOT_OWNER if visible else self.model.hidden_code(source, caller)
            expect_error(outcome, code, source.arn)
            return
        version_arn = (
            f"arn:aws:imagebuilder:{region}:{account}:image/{source.name}/{source.version}"
        )
        build = self.model.next_build(version_arn)
        arn = f"{version_arn}/{build}"
        assert expect_ok(outcome)["imageBuildVersionArn"] == arn
        self.model.add(Thing("image", arn, account, region, source.name, source.version, build))

    @precondition(lambda self: any(not t.finished for t in self.model.of("image", live_only=True)))
    @rule(data=st.data())
    def poll_image(self, data: st.DataObject) -> None:
        """The owner polls a build until it ends, as a waiter would."""
        self.step("poll_image")
        pending = [t for t in self.model.of("image", live_only=True) if not t.finished]
        thing = data.draw(st.sampled_from(pending), label="image")
        caller = (thing.account, thing.region)
        for _ in range(12):
            image = expect_ok(self.call(caller, "get_image", imageBuildVersionArn=thing.arn))
            status = image["image"]["state"]["status"]
            if status in ("AVAILABLE", "FAILED", "CANCELLED"):
                break
        assert status == "AVAILABLE", f"{thing.arn} ended {status}"
        thing.finished = True

    @precondition(lambda self: self.model.of("image"))
    @rule(caller=callers, data=st.data())
    def delete_image(self, caller: Caller, data: st.DataObject) -> None:
        self.step("delete_image")
        thing = pick(data, self.model.owned(("image",), caller), self.model.of("image"), "image")
        outcome = self.call(caller, "delete_image", imageBuildVersionArn=thing.arn)
        if not (thing.owned_by(caller) and thing.arn in self.model.live):
            expect_error(outcome, NOT_OWNER if thing.arn in self.model.live else GONE, thing.arn)
            return
        if not thing.finished and not outcome.ok:
            # The model does not follow a build's status between polls: a build
            # still running cannot be deleted, one that ended can.
            expect_error(outcome, "ResourceDependencyException", thing.arn)
            return
        expect_ok(outcome)
        self.model.remove(thing)

    # -- reads ----------------------------------------------------------------------------

    @precondition(lambda self: self.model.everything())
    @rule(caller=callers, data=st.data())
    def get_by_arn(self, caller: Caller, data: st.DataObject) -> None:
        """A Get by ARN succeeds exactly when the model says the caller may see it."""
        self.step("get_by_arn")
        thing = pick(data, self.model.seen(ALL, caller), self.model.everything(), "resource")
        spec = KINDS[thing.kind]
        outcome = self.call(caller, spec.get, **{spec.get_param: thing.arn})
        if not self.model.visible(thing, caller):
            expect_error(outcome, self.model.hidden_code(thing, caller), thing.arn)
            return
        got = expect_ok(outcome)[spec.result]
        assert got["arn"] == thing.arn, f"{spec.get} answered {got['arn']} for {thing.arn}"
        if thing.kind == "infra":
            assert got.get("description") == thing.description
        if thing.kind == "component":
            assert got["owner"] == thing.account

    @precondition(lambda self: self.model.everything())
    @rule(data=st.data(), partition=st.sampled_from(("aws-cn", "aws-us-gov")))
    def get_in_other_partition(self, data: st.DataObject, partition: str) -> None:
        """The same ARN in another partition names nothing: partitions never meet."""
        self.step("get_in_other_partition")
        thing = data.draw(st.sampled_from(self.model.everything()), label="resource")
        spec = KINDS[thing.kind]
        arn = thing.arn.replace("arn:aws:", f"arn:{partition}:", 1)
        outcome = self.call((thing.account, thing.region), spec.get, **{spec.get_param: arn})
        expect_error(outcome, OTHER_PARTITION, arn)

    @rule(caller=callers, size=page_sizes)
    def lists_match_model(self, caller: Caller, size: int) -> None:
        """Every List of one caller, for both owners, walked page by page."""
        self.step("lists_match_model")
        for kind in KINDS:
            for owner in ("Self", "Shared"):
                self.check_list(caller, kind, owner, size)

    @precondition(lambda self: self.model.of("component") or self.model.of("image"))
    @rule(caller=callers, size=page_sizes, data=st.data())
    def build_versions_match_model(self, caller: Caller, size: int, data: st.DataObject) -> None:
        """ListXBuildVersions shows the builds of a version the caller may see, no others."""
        self.step("build_versions_match_model")
        things = self.model.of("component") + self.model.of("image")
        thing = pick(data, self.model.seen(tuple(BUILD_LISTS), caller), things, "of the version of")
        operation, parameter, key = BUILD_LISTS[thing.kind]
        want = self.model.builds(thing.kind, thing.version_arn, caller)
        first = self.call(caller, operation, maxResults=size, **{parameter: thing.version_arn})
        if not want and not first.ok:
            # Nothing to show may also be told as a missing version.
            expect_error(first, self.model.hidden_code(thing, caller), thing.version_arn)
            return
        got = self.walk(caller, operation, key, size, **{parameter: thing.version_arn})
        assert got == want, (
            f"{caller} {operation}({thing.version_arn}): missing {sorted(want - got)}, "
            f"unexpected {sorted(got - want)}"
        )

    def paged_lists(self) -> list[tuple[Caller, str]]:
        """The (caller, kind) whose own List runs to a second page at maxResults=1."""
        return [
            (caller, kind)
            for caller in CALLERS
            for kind in KINDS
            if len(self.model.listed(kind, caller, "Self")) >= 2
        ]

    @precondition(lambda self: self.paged_lists())
    @rule(second=callers, data=st.data())
    def page_token_serves_one_query(self, second: Caller, data: st.DataObject) -> None:
        """A page token is good only for the caller and query that received it."""
        self.step("page_token_serves_one_query")
        first, kind = data.draw(st.sampled_from(self.paged_lists()), label="issued to")
        spec = KINDS[kind]
        token = expect_ok(self.call(first, spec.lister, maxResults=1))["nextToken"]
        extra: dict[str, Any] = {}
        if second == first or data.draw(st.booleans(), label="other filters"):
            extra["filters"] = [{"name": "name", "values": ["small", "alpha", "web"]}]
        outcome = self.call(second, spec.lister, maxResults=1, nextToken=token, **extra)
        expect_error(outcome, FOREIGN_TOKEN, token)

    # -- sharing -----------------------------------------------------------------------------

    @precondition(lambda self: any(self.model.of(k) for k in SHAREABLE))
    @rule(caller=callers, form=policy_forms, data=st.data())
    def put_policy(self, caller: Caller, form: str, data: st.DataObject) -> None:
        self.step("put_policy")
        things = [t for k in SHAREABLE for t in self.model.of(k)]
        thing = pick(data, self.model.owned(SHAREABLE, caller), things, "resource")
        self.share(caller, thing, form)

    def share(self, caller: Caller, thing: Thing, form: str) -> None:
        spec = KINDS[thing.kind]
        other = next(a for a in ACCOUNTS if a != thing.account)
        text, grantees = policy_for(form, other, spec.actions)
        outcome = self.call(
            caller, f"put_{spec.policy}", **{str(spec.policy_param): thing.arn, "policy": text}
        )
        if not (thing.owned_by(caller) and thing.arn in self.model.live):
            expect_error(outcome, NOT_OWNER if thing.arn in self.model.live else GONE, thing.arn)
            return
        expect_ok(outcome)
        thing.policy, thing.grantees = text, grantees

    @precondition(lambda self: any(self.model.of(k) for k in SHAREABLE))
    @rule(caller=callers, data=st.data())
    def get_policy(self, caller: Caller, data: st.DataObject) -> None:
        self.step("get_policy")
        things = [t for k in SHAREABLE for t in self.model.of(k)]
        thing = pick(data, self.model.owned(SHAREABLE, caller), things, "resource")
        spec = KINDS[thing.kind]
        outcome = self.call(caller, f"get_{spec.policy}", **{str(spec.policy_param): thing.arn})
        if not (thing.owned_by(caller) and thing.arn in self.model.live):
            expect_error(outcome, NOT_OWNER if thing.arn in self.model.live else GONE, thing.arn)
        elif thing.policy is None:
            expect_error(outcome, "ResourceNotFoundException", thing.arn)
        else:
            assert json.loads(expect_ok(outcome)["policy"]) == json.loads(thing.policy)

    # -- tags ----------------------------------------------------------------------------------

    @precondition(lambda self: self.model.everything())
    @rule(
        caller=callers,
        key=st.sampled_from(("team", "stage")),
        value=st.sampled_from(("a", "b")),
        untag=st.booleans(),
        data=st.data(),
    )
    def tag_and_untag(
        self, caller: Caller, key: str, value: str, untag: bool, data: st.DataObject
    ) -> None:
        self.step("tag_and_untag")
        thing = pick(data, self.model.owned(ALL, caller), self.model.everything(), "resource")
        if untag:
            outcome = self.call(caller, "untag_resource", resourceArn=thing.arn, tagKeys=[key])
        else:
            outcome = self.call(caller, "tag_resource", resourceArn=thing.arn, tags={key: value})
        if not (thing.owned_by(caller) and thing.arn in self.model.live):
            expect_error(outcome, NOT_OWNER if thing.arn in self.model.live else GONE, thing.arn)
            return
        expect_ok(outcome)
        if untag:
            thing.tags.pop(key, None)
        else:
            thing.tags[key] = value

    @precondition(lambda self: self.model.everything())
    @rule(caller=callers, data=st.data())
    def tags_match_model(self, caller: Caller, data: st.DataObject) -> None:
        self.step("tags_match_model")
        thing = pick(data, self.model.owned(ALL, caller), self.model.everything(), "resource")
        outcome = self.call(caller, "list_tags_for_resource", resourceArn=thing.arn)
        if not (thing.owned_by(caller) and thing.arn in self.model.live):
            expect_error(outcome, NOT_OWNER if thing.arn in self.model.live else GONE, thing.arn)
            return
        assert expect_ok(outcome)["tags"] == thing.tags


def test_callers_see_what_the_model_says() -> None:
    AccountsAndRegions.clients = make_clients()
    before = Counter(COUNTS)
    violations = 1  # until the run ends without one
    try:
        run_state_machine_as_test(AccountsAndRegions, settings=_profile())
        violations = 0
    finally:
        ran = COUNTS - before
        answered = sum(n for name, n in ran.items() if name.startswith("ok:"))
        refused = sum(n for name, n in ran.items() if name.startswith("refused:"))
        rules = ", ".join(
            f"{name[5:]}={count}" for name, count in sorted(ran.items()) if name.startswith("rule:")
        )
        print(
            f"\nstateful: {ran['examples']} examples, {ran['steps']} steps, {ran['calls']} calls "
            f"({answered} answered, {refused} refused), "
            f"{violations} violations\nrules: {rules}"
        )
    assert ran["examples"] > 0 and ran["steps"] > 0


@pytest.mark.parametrize("form", POLICY_FORMS)
def test_each_policy_form_shares_as_the_model_says(form: str) -> None:
    """Each policy the machine puts is accepted, and shares with exactly its grantees."""
    clients = make_clients()
    owner, other = CALLERS[0], CALLERS[2]
    assert owner[1] == other[1] and owner[0] != other[0]
    with mock_imagebuilder():
        arn = clients[owner].create_component(
            name="alpha", semanticVersion="1.0.0", platform="Linux", data=COMPONENT_DOCUMENT
        )["componentBuildVersionArn"]
        text, grantees = policy_for(form, other[0], KINDS["component"].actions)
        clients[owner].put_component_policy(componentArn=arn, policy=text)
        try:
            clients[other].get_component(componentBuildVersionArn=arn)
            shared = True
        except ClientError as error:
            assert error.response["Error"]["Code"] == NOT_SHARED
            shared = False
        assert shared == (other[0] in grantees)
