"""What each endpoint may answer, for the OpenAPI document (and the schema tests)."""

from __future__ import annotations

from typing import Any

from ninja.errors import ValidationError

from tipline.api.schemas import Error, ValidationErrors

_ERRORS: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error, 409: Error,
                           422: ValidationErrors}


def answers(ok: Any, *codes: int) -> dict[int, Any]:
    """200 with `ok`, 401 (no token), 404 (no such record, or not the caller's to see), 422
    (a refused parameter), and the other `codes` (400: a body that is not JSON)."""
    return {200: ok, **{code: _ERRORS[code] for code in sorted({401, 404, 422, *codes})}}


def refuse(where: str, name: str, message: str) -> ValidationError:
    """A 422 naming the field: refuse("query", "state", "...")."""
    return ValidationError([{"loc": [where, name], "msg": message, "type": "value_error"}])
