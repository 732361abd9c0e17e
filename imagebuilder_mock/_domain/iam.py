"""Resource policies in IAM's policy language, as Image Builder's sharing uses it.

Pure: a policy document in, a decision out. :func:`validate_policy` refuses
what is not a policy, and also what the mock could store but not evaluate
(``Condition``, ``NotPrincipal``, principals other than accounts), so that a
stored policy always means what it says. :func:`allows` evaluates a stored
policy as IAM does for the elements it accepts: an explicit ``Deny`` wins over
any ``Allow``; principals are account ids, account root ARNs or ``*``;
``Action``/``NotAction`` and ``Resource``/``NotResource`` match with IAM's
``*`` and ``?`` wildcards (actions case-insensitively).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any

from .._errors import invalid_value
from .._json_text import load_json

__all__ = ["allows", "validate_policy"]

_VERSIONS = ("2012-10-17", "2008-10-17")
_TOP_LEVEL = frozenset({"Version", "Id", "Statement"})
_STATEMENT_KEYS = frozenset(
    {
        "Sid",
        "Effect",
        "Principal",
        "NotPrincipal",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
    }
)
# Elements IAM defines that the mock does not evaluate: refused, never ignored.
_NOT_EVALUATED = ("Condition", "NotPrincipal")
# ``service:Action`` with IAM's ``*`` and ``?`` wildcards, or ``*`` alone.
_ACTION = re.compile(r"^(?:\*|[a-zA-Z0-9-]+:[a-zA-Z0-9*?]+)$")
# The principals an account can be named by: its id or its root user's ARN.
_ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
_ROOT_ARN = re.compile(r"^arn:aws[a-z-]*:iam::[0-9]{12}:root$")
# ``*`` or ``arn:partition:service:region:account:resource`` (wildcards allowed).
_RESOURCE = re.compile(r"^(?:\*|arn:[^:]*:[^:]*:[^:]*:[^:]*:.+)$")
_PRINCIPAL_RULE = (
    'an account id, an account root ARN (arn:aws:iam::<account>:root) or "*", '
    "or a non-empty list of them"
)


def _policy_error(rule: str) -> Exception:
    return invalid_value("policy", rule)


def _strings(value: Any) -> list[str] | None:
    """A policy element that is a string or a non-empty list of strings, as a list."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _check_principal(where: str, principal: Any) -> None:
    if principal == "*":
        return
    if not (isinstance(principal, dict) and principal):
        raise _policy_error(f'{where}.Principal must be "*" or an object such as {{"AWS": ...}}.')
    others = sorted(set(principal) - {"AWS"})
    if others:
        raise _policy_error(
            f"{where}.Principal names {', '.join(others)}; imagebuilder-mock evaluates "
            "only AWS account principals."
        )
    names = _strings(principal["AWS"])
    if names is None:
        raise _policy_error(
            f"{where}.Principal.AWS must be {_PRINCIPAL_RULE}; got {json.dumps(principal['AWS'])}."
        )
    for name in names:
        if name != "*" and not (_ACCOUNT_ID.fullmatch(name) or _ROOT_ARN.fullmatch(name)):
            raise _policy_error(f"{where}.Principal.AWS must be {_PRINCIPAL_RULE}; got '{name}'.")


def _check_either(where: str, statement: dict[str, Any], element: str) -> str | None:
    """Which of ``element`` and ``Not<element>`` the statement has (not both)."""
    present = [key for key in (element, f"Not{element}") if key in statement]
    if len(present) > 1:
        raise _policy_error(f"{where} must not have both {element} and Not{element}.")
    return present[0] if present else None


def _check_statement(index: int, statement: Any) -> None:
    where = f"Statement[{index}]"
    if not isinstance(statement, dict):
        raise _policy_error(f"{where} must be a JSON object.")
    unknown = sorted(set(statement) - _STATEMENT_KEYS)
    if unknown:
        raise _policy_error(f"{where} has unknown elements: {', '.join(unknown)}.")
    for element in _NOT_EVALUATED:
        if element in statement:
            raise _policy_error(
                f"{where} has a {element} element, which imagebuilder-mock does not "
                "evaluate; remove it."
            )
    if "Sid" in statement and not isinstance(statement["Sid"], str):
        raise _policy_error(f"{where}.Sid must be a string.")
    if statement.get("Effect") not in ("Allow", "Deny"):
        raise _policy_error(f"{where}.Effect must be Allow or Deny.")
    actions_key = _check_either(where, statement, "Action") or "Action"
    actions = _strings(statement.get(actions_key))
    if actions is None:
        raise _policy_error(f"{where} must have an Action (a string or a list of strings).")
    for action in actions:
        if not _ACTION.match(action):
            raise _policy_error(f"{where} has an invalid action '{action}'; use service:Action.")
    # A resource policy says whom it lets in: a principal is mandatory.
    if "Principal" not in statement:
        raise _policy_error(f"{where} must have a Principal.")
    _check_principal(where, statement["Principal"])
    resources_key = _check_either(where, statement, "Resource")
    if resources_key is not None:
        resources = _strings(statement[resources_key])
        if resources is None:
            raise _policy_error(
                f"{where}.{resources_key} must be a string or a non-empty list of strings."
            )
        for resource in resources:
            if not _RESOURCE.match(resource):
                raise _policy_error(
                    f"{where} has an invalid resource '{resource}'; use \"*\" or an ARN."
                )


def validate_policy(text: str) -> None:
    """Refuse what is not a policy the mock can evaluate, naming the rule broken."""
    try:
        # Bounded: a policy nested thousands deep is refused, not a RecursionError.
        document = load_json(text)
    except ValueError:
        raise _policy_error("The policy is not valid JSON.") from None
    if not isinstance(document, dict):
        raise _policy_error("The policy must be a JSON object.")
    unknown = sorted(set(document) - _TOP_LEVEL)
    if unknown:
        raise _policy_error(f"The policy has unknown elements: {', '.join(unknown)}.")
    if "Version" in document and document["Version"] not in _VERSIONS:
        version = document["Version"]
        raise _policy_error(
            f"The policy Version must be one of {', '.join(_VERSIONS)}; got {version!r}."
        )
    if "Id" in document and not isinstance(document["Id"], str):
        raise _policy_error("The policy Id must be a string.")
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise _policy_error("The policy must have a Statement (an object or a non-empty list).")
    for index, statement in enumerate(statements):
        _check_statement(index, statement)


# -- evaluation -------------------------------------------------------------------------


def _pattern(text: str, *, ignore_case: bool) -> re.Pattern[str]:
    """IAM's wildcards: ``*`` any run of characters, ``?`` any one character."""
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)
    return re.compile(body, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


@dataclass(frozen=True)
class _Statement:
    deny: bool
    # Account ids, root ARNs and ``*``, as written.
    principals: frozenset[str]
    actions: tuple[re.Pattern[str], ...]
    not_action: bool
    # None: the statement names no resource, so it covers the one it is attached to.
    resources: tuple[re.Pattern[str], ...] | None
    not_resource: bool

    def names(self, account: str, partition: str) -> bool:
        return bool(self.principals & {"*", account, f"arn:{partition}:iam::{account}:root"})

    def covers(self, action: str, resource_arn: str) -> bool:
        matched = any(p.fullmatch(action) for p in self.actions)
        if matched == self.not_action:
            return False
        if self.resources is None:
            return True
        return any(p.fullmatch(resource_arn) for p in self.resources) != self.not_resource


def _statement(raw: dict[str, Any]) -> _Statement:
    principal = raw["Principal"]
    principals = {"*"} if principal == "*" else set(_strings(principal["AWS"]) or ())
    not_action = "NotAction" in raw
    actions = _strings(raw["NotAction" if not_action else "Action"]) or []
    not_resource = "NotResource" in raw
    resources = _strings(raw.get("NotResource" if not_resource else "Resource"))
    return _Statement(
        deny=raw["Effect"] == "Deny",
        principals=frozenset(principals),
        actions=tuple(_pattern(a, ignore_case=True) for a in actions),
        not_action=not_action,
        resources=(
            None if resources is None else tuple(_pattern(r, ignore_case=False) for r in resources)
        ),
        not_resource=not_resource,
    )


@functools.lru_cache(maxsize=1024)
def _statements(text: str) -> tuple[_Statement, ...]:
    """A stored (so already validated) policy, compiled once however often it is read."""
    statements = json.loads(text)["Statement"]
    if isinstance(statements, dict):
        statements = [statements]
    return tuple(_statement(s) for s in statements)


def allows(
    policy: str | None, *, account: str, partition: str, action: str, resource_arn: str
) -> bool:
    """Whether ``policy`` lets ``account`` perform ``action`` on ``resource_arn``.

    Allowed only when some statement allows it and none denies it.
    """
    if not policy:
        return False
    allowed = False
    for statement in _statements(policy):
        if not statement.names(account, partition) or not statement.covers(action, resource_arn):
            continue
        if statement.deny:
            return False
        allowed = True
    return allowed
