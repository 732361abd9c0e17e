"""What a controller may inject: checked against the model when asked, not when it would fire.

A fault that names an operation the service lacks, or an error the operation
cannot answer, would sit in the queue and never fire (or answer what AWS
never does); refusing it at the call says so where the mistake is.
"""

from __future__ import annotations

import functools

from ._errors import ImageBuilderError, error_class
from ._model import declared_errors, service_model

__all__ = ["error_for", "require_count"]


@functools.cache
def _modeled_errors() -> frozenset[str]:
    return frozenset().union(*(declared_errors(name) for name in service_model().operation_names))


def require_count(count: int) -> None:
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a positive whole number, not {count!r}")


def error_for(
    name: str, error: str | type[ImageBuilderError], count: int
) -> type[ImageBuilderError]:
    """The error class ``fail_next(name, error, count=count)`` would answer with.

    A named operation must declare the error; ``"*"`` takes any error some
    operation declares, and then faults only the operations that declare it.
    """
    require_count(count)
    operations = service_model().operation_names
    if name != "*" and name not in operations:
        import difflib  # only for a mistake: the package's import does not pay for it

        close = difflib.get_close_matches(name, operations, n=3)
        hint = f"did you mean {' or '.join(map(repr, close))}? " if close else ""
        raise ValueError(
            f"{name!r} is not an Image Builder operation; {hint}Name one of the "
            f"{len(operations)} operations of the service model (e.g. 'GetImage'), or '*' for any"
        )
    if isinstance(error, str):
        code = error
    elif isinstance(error, type) and issubclass(error, ImageBuilderError):
        code = error.code
    else:
        raise TypeError(f"error must be an error code or an ImageBuilderError class, not {error!r}")
    if name == "*":
        if code not in _modeled_errors():
            raise ValueError(
                f"{code!r} is not an Image Builder error; the modeled errors are "
                f"{', '.join(sorted(_modeled_errors()))}"
            )
    elif code not in declared_errors(name):
        raise ValueError(
            f"{name} does not declare {code!r}; it declares "
            f"{', '.join(sorted(declared_errors(name)))}"
        )
    return error_class(code) if isinstance(error, str) else error
