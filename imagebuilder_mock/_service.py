"""The one request path every front door shares.

(operation, URL, body, caller) → parse → validate → fault injection →
idempotency → handler → response, and a record of the call. Front doors only
translate their transport to and from this.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ._domain import BackendRegistry, assemble, handler_table
from ._errors import (
    ImageBuilderError,
    InvalidRequest,
    InvalidVersionNumber,
    ServiceError,
    error_class,
)
from ._model import declared_errors
from ._model import operation as operation_model
from ._protocol.requests import parse_request
from ._protocol.responses import WireResponse, error_response, success_response
from ._protocol.validation import compile_input, output_problems

__all__ = ["Call", "Service", "State"]


@dataclass(slots=True)
class Call:
    """One request the mock answered (slotted: the log keeps one per request)."""

    operation: str
    account_id: str
    region: str
    params: dict[str, Any]
    status: int
    response: dict[str, Any] | None = None
    error_code: str | None = None
    error_message: str | None = None


@dataclass
class _Fault:
    operation: str
    error: Callable[[], ImageBuilderError]
    remaining: int
    # The error code, when known: a ``"*"`` fault only fires for operations declaring it.
    code: str | None = None


@dataclass
class State:
    """Everything a service holds, copied (see ``Service.save``)."""

    registry: BackendRegistry
    calls: list[Call]
    faults: list[_Fault]
    frozen_time: dt.datetime | None


def _copied(state: State) -> State:
    """A deep copy of ``state`` whose locks are new and whose clock is still the service's."""
    registry = state.registry
    memo: dict[int, Any] = {
        id(registry.clock): registry.clock,
        id(registry.wiring): registry.wiring,
        id(registry._lock): threading.RLock(),
        id(registry.builds.lock): threading.Lock(),
    }
    for backend in registry.existing():
        memo[id(backend.lock)] = threading.RLock()
    return copy.deepcopy(state, memo)


@dataclass
class _OperationPlan:
    """What the model says about an operation, worked out once."""

    check: Callable[[Any, str], Any]
    echo_token: bool
    adds_request_id: bool
    invalid_parameter_code: str
    unreadable_body_code: str
    errors: frozenset[str] = field(default_factory=frozenset)


_PLANS: dict[str, _OperationPlan] = {}


def _plan(name: str) -> _OperationPlan:
    plan = _PLANS.get(name)
    if plan is None:
        op = operation_model(name)
        output = op.output_shape
        members = output.members if output is not None else {}
        errors = declared_errors(name)
        # The tag operations declare InvalidParameterException, not ...ValueException.
        invalid = (
            "InvalidParameterException"
            if "InvalidParameterException" in errors
            and "InvalidParameterValueException" not in errors
            else "InvalidParameterValueException"
        )
        # A body that cannot be read is an invalid request; the import operations
        # do not declare that code and answer the client error they declare.
        unreadable = next(
            (c for c in ("InvalidRequestException", "ClientException") if c in errors), invalid
        )
        plan = _PLANS[name] = _OperationPlan(
            check=compile_input(op.input_shape) if op.input_shape is not None else _no_input,
            echo_token="clientToken" in members,
            adds_request_id="requestId" in members,
            invalid_parameter_code=invalid,
            unreadable_body_code=unreadable,
            errors=errors,
        )
    return plan


def _request_id() -> str:
    """A random UUID in its usual text form (cheaper than ``str(uuid.uuid4())``)."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


def _no_input(value: Any, path: str) -> Any:
    return {}


class Service:
    """The mock's Image Builder: backends, the call log, faults and the clock."""

    def __init__(self) -> None:
        self.handlers = handler_table()
        self.registry = BackendRegistry(assemble(), clock=self.now)
        self.calls: list[Call] = []
        self.check_responses = False
        self.frozen_time: dt.datetime | None = None
        self._faults: list[_Fault] = []
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        return self.frozen_time or dt.datetime.now(dt.timezone.utc)

    def reset(self) -> None:
        with self._lock:
            self.registry.clear()
            self.calls.clear()
            self._faults.clear()

    def inject(
        self,
        operation: str,
        error: Callable[[], ImageBuilderError],
        count: int,
        code: str | None = None,
    ) -> None:
        with self._lock:
            self._faults.append(_Fault(operation, error, count, code))

    def save(self) -> State:
        """A copy of the whole state (resources, settings, calls, faults, clock)."""
        with self._lock:
            return _copied(State(self.registry, self.calls, self._faults, self.frozen_time))

    def restore(self, state: State) -> None:
        """Go back to a state ``save`` took; the saved copy stays usable for later restores."""
        with self._lock:
            fresh = _copied(state)
            self.registry = fresh.registry
            # In place: a test may hold the list ``calls`` hands out.
            self.calls[:] = fresh.calls
            self._faults[:] = fresh.faults
            self.frozen_time = fresh.frozen_time

    def _take_fault(self, operation: str) -> ImageBuilderError | None:
        if not self._faults:
            return None
        with self._lock:
            for fault in self._faults:
                if fault.operation == "*" and fault.code not in (None, *_plan(operation).errors):
                    continue
                if fault.operation in (operation, "*") and fault.remaining > 0:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    return fault.error()
        return None

    def handle(
        self,
        operation: str,
        url: str,
        body: bytes | str | None,
        account_id: str,
        region: str,
    ) -> WireResponse:
        request_id = _request_id()
        params: dict[str, Any] = {}
        try:
            plan = _plan(operation)
            op = operation_model(operation)
            try:
                params = plan.check(parse_request(op, url, body), "")
            except ImageBuilderError as error:
                # Parsing and validation speak generically; answer the code this
                # operation declares for the same situation.
                code = {
                    "InvalidParameterValueException": plan.invalid_parameter_code,
                    "InvalidRequestException": plan.unreadable_body_code,
                }.get(error.code, error.code)
                if code != error.code:
                    raise error_class(code)(error.message) from None
                raise
            fault = self._take_fault(operation)
            if fault is not None:
                raise fault
            handler = self.handlers.get(operation)
            if handler is None:
                raise InvalidRequest(
                    f"The operation '{operation}' is not supported by imagebuilder-mock."
                )
            # A read (Get*/List*) creates no backend, not even the caller's: the
            # second item is evaluated once the first is entered.
            with (
                self.registry.reading(operation.startswith(("Get", "List"))),
                (backend := self.registry.get(account_id, region)).lock,
            ):
                result = backend.idempotency.recall(operation, params)
                if result is None:
                    # Time-driven work (a scheduled state update) is settled here,
                    # once, so that no handler has to remember it.
                    backend.settle()
                    result = handler(backend, params)
                    if plan.echo_token and "clientToken" in params:
                        result["clientToken"] = params["clientToken"]
                    if plan.adds_request_id:
                        result = {"requestId": request_id, **result}
                    # The ledger and the call log share the one answer.
                    backend.idempotency.record(operation, params, result)
                elif plan.adds_request_id:
                    # A replay is a request of its own: same answer, its own id.
                    result = {**result, "requestId": request_id}
            if self.check_responses:
                self._check(operation, result)
        except ImageBuilderError as error:
            if error.code == InvalidVersionNumber.code and error.code not in plan.errors:
                # A version node out of range in an ARN: the operations that read
                # by ARN do not declare InvalidVersionNumberException, so they
                # answer their invalid-parameter code with the same message.
                error = error_class(plan.invalid_parameter_code)(error.message)
            return self._answer_error(operation, account_id, region, params, error, request_id)
        except Exception as error:
            # A defect of the mock still answers as the service would: a 500
            # that says what went wrong, never a broken response.
            failure = ServiceError(f"{type(error).__name__}: {error}")
            return self._answer_error(operation, account_id, region, params, failure, request_id)
        self.calls.append(Call(operation, account_id, region, params, 200, response=result))
        return success_response(result, request_id)

    def _answer_error(
        self,
        operation: str,
        account_id: str,
        region: str,
        params: dict[str, Any],
        error: ImageBuilderError,
        request_id: str,
    ) -> WireResponse:
        answer = error_response(error, request_id)
        self.calls.append(
            Call(
                operation,
                account_id,
                region,
                params,
                answer[0],
                error_code=error.code,
                error_message=error.message,
            )
        )
        return answer

    def _check(self, operation: str, result: dict[str, Any]) -> None:
        output = operation_model(operation).output_shape
        if output is None:
            problems = [f"{operation} has no output, got {sorted(result)}"] if result else []
        else:
            problems = output_problems(output, result)
        if problems:
            raise AssertionError(
                f"{operation} response does not match its output shape: " + "; ".join(problems)
            )
