"""The modeled errors of EC2 Image Builder, as exceptions the domain raises.

Each class carries the error code (the model's shape name); the protocol layer
turns it into the wire error with the HTTP status the model gives that shape.
"""

from __future__ import annotations

__all__ = [
    "AccessDenied",
    "CallRateLimitExceeded",
    "ClientError",
    "DryRunOperation",
    "Forbidden",
    "IdempotentParameterMismatch",
    "ImageBuilderError",
    "InvalidPaginationToken",
    "InvalidParameter",
    "InvalidParameterCombination",
    "InvalidParameterValue",
    "InvalidRequest",
    "InvalidVersionNumber",
    "ResourceAlreadyExists",
    "ResourceDependency",
    "ResourceInUse",
    "ResourceNotFound",
    "ServiceError",
    "ServiceQuotaExceeded",
    "ServiceUnavailable",
    "TooManyRequests",
    "already_exists",
    "dependency_error",
    "error_class",
    "invalid_value",
    "not_found",
]


class ImageBuilderError(Exception):
    """An error the service answers with; ``code`` is the modeled shape name."""

    code = "ServiceException"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ServiceError(ImageBuilderError):
    code = "ServiceException"


class ServiceUnavailable(ImageBuilderError):
    code = "ServiceUnavailableException"


class ClientError(ImageBuilderError):
    code = "ClientException"


class InvalidRequest(ImageBuilderError):
    code = "InvalidRequestException"


class InvalidParameterValue(ImageBuilderError):
    code = "InvalidParameterValueException"


class InvalidParameter(ImageBuilderError):
    code = "InvalidParameterException"


class InvalidParameterCombination(ImageBuilderError):
    code = "InvalidParameterCombinationException"


class InvalidVersionNumber(ImageBuilderError):
    code = "InvalidVersionNumberException"


class InvalidPaginationToken(ImageBuilderError):
    code = "InvalidPaginationTokenException"


class IdempotentParameterMismatch(ImageBuilderError):
    code = "IdempotentParameterMismatchException"


class ResourceAlreadyExists(ImageBuilderError):
    code = "ResourceAlreadyExistsException"


class ResourceDependency(ImageBuilderError):
    code = "ResourceDependencyException"


class ResourceInUse(ImageBuilderError):
    code = "ResourceInUseException"


class ResourceNotFound(ImageBuilderError):
    code = "ResourceNotFoundException"


class Forbidden(ImageBuilderError):
    code = "ForbiddenException"


class AccessDenied(ImageBuilderError):
    code = "AccessDeniedException"


class CallRateLimitExceeded(ImageBuilderError):
    code = "CallRateLimitExceededException"


class TooManyRequests(ImageBuilderError):
    code = "TooManyRequestsException"


class ServiceQuotaExceeded(ImageBuilderError):
    code = "ServiceQuotaExceededException"


class DryRunOperation(ImageBuilderError):
    code = "DryRunOperationException"

    def __init__(
        self, message: str = "Request would have succeeded, but the DryRun flag is set."
    ) -> None:
        super().__init__(message)


_BY_CODE: dict[str, type[ImageBuilderError]] = {
    cls.code: cls
    for cls in (
        ServiceError,
        ServiceUnavailable,
        ClientError,
        InvalidRequest,
        InvalidParameterValue,
        InvalidParameter,
        InvalidParameterCombination,
        InvalidVersionNumber,
        InvalidPaginationToken,
        IdempotentParameterMismatch,
        ResourceAlreadyExists,
        ResourceDependency,
        ResourceInUse,
        ResourceNotFound,
        Forbidden,
        AccessDenied,
        CallRateLimitExceeded,
        TooManyRequests,
        ServiceQuotaExceeded,
        DryRunOperation,
    )
}


def error_class(code: str) -> type[ImageBuilderError]:
    """The exception class of a modeled error code; a fresh subclass for codes added later."""
    cls = _BY_CODE.get(code)
    if cls is None:
        cls = type(code, (ImageBuilderError,), {"code": code})
        _BY_CODE[code] = cls
    return cls


def invalid_value(parameter: str, rule: str) -> InvalidParameterValue:
    """The service's wording for a value that breaks a rule."""
    return InvalidParameterValue(
        f"The value supplied for parameter '{parameter}' is not valid. {rule}"
    )


def dependency_error(arn: str) -> ResourceDependency:
    """The service's wording when something still depends on ``arn``."""
    return ResourceDependency(
        f"Resource dependency error: The resource ARN '{arn}' has other resources depended on it."
    )


def already_exists(kind: str, arn: str) -> ResourceAlreadyExists:
    """The service's wording when a Create names a resource that exists."""
    return ResourceAlreadyExists(f"The following resource '{kind}' already exists: '{arn}'.")


def not_found(arn: str) -> ResourceNotFound:
    return ResourceNotFound(f"The resource ARN '{arn}' does not exist.")
