"""The Hub API's query-string parameters, read one way: a missing or empty one is its default, a bad one a
400 that names it and says what it takes."""

from rest_framework.exceptions import ValidationError


def _bad(name: str, expected: str) -> ValidationError:
    return ValidationError({name: [expected]})


def query_text(request, *names: str, limit: int) -> str:
    """The first of `names` given (synonyms, e.g. Docker Hub's `query` and `q`), stripped, at most `limit` long."""
    for name in names:
        if name in request.query_params:
            return request.query_params[name].strip()[:limit]
    return ""


def query_int(request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name, "")
    if raw == "":
        return default
    # ASCII digits only: int() also reads "١٢" and raises on "²", which isdigit() lets through.
    digits = raw[1:] if raw[:1] == "-" else raw
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 18) or not low <= int(raw) <= high:
        raise _bad(name, f"a whole number from {low} to {high}")
    return int(raw)


def query_choice(request, name: str, choices, default: str = "") -> str:
    """One of `choices` (a sequence or a mapping's keys)."""
    raw = request.query_params.get(name, "")
    if raw == "":
        return default
    if raw not in choices:
        raise _bad(name, f"one of {', '.join(choices)}")
    return raw


def query_flag(request, name: str) -> bool | None:
    """true/1 or false/0 (any case); None when not given."""
    raw = request.query_params.get(name, "").lower()
    if raw == "":
        return None
    if raw not in ("true", "1", "false", "0"):
        raise _bad(name, "true or false")
    return raw in ("true", "1")


def query_list(request, name: str, allowed=None) -> tuple[str, ...]:
    """Values given as repeated parameters or comma-separated (Docker Hub's UI sends `a,b`), at most 20."""
    values = []
    for raw in request.query_params.getlist(name):
        values.extend(v.strip() for v in raw.split(",") if v.strip())
    values = list(dict.fromkeys(values))[:20]
    unknown = [v for v in values if allowed is not None and v not in allowed]
    if unknown:
        raise _bad(name, f"unknown value {unknown[0][:50]!r}; one of {', '.join(allowed)}")
    return tuple(values)
