"""JSON as a manifest must be: UTF-8 without a BOM, strict JSON, nesting and numbers bounded.

Python's json module recurses once per nested array or object and raises RecursionError (not
ValueError) somewhere near the interpreter's recursion limit, and it turns integer literals of more
than 4,300 digits into ValueError only after reading them. So the depth is measured before
decoding, in one pass over the bytes, and every number is bounded as it is read. Anything that
does not pass is ManifestInvalid with a reason, whatever the bytes were.
"""

import json
import re
from itertools import accumulate

from images.errors import ManifestInvalid

# Deeper than any manifest a client writes (an index reaches 4: manifests[].platform."os.features"[]),
# shallow enough for every later json.loads of the stored bytes (indexing, referrers) to be safe.
MAX_DEPTH = 64
# Sizes are int64 (image-spec descriptor.md); an integer literal this long cannot be one.
MAX_INTEGER_DIGITS = 20

# A JSON string, quotes included; an unterminated one runs to the end of the body. It matches at
# every quote it starts from, so the scan stays linear: a pattern that could fail after a long
# string (say `"\"\"\"...` never closed) would be tried again from each escaped quote, quadratic.
# Over bytes: no byte of a multi-byte UTF-8 sequence is a quote or a backslash.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")
_DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def _invalid(reason: str) -> ManifestInvalid:
    return ManifestInvalid(reason=reason)


def json_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in `body` (0 for a scalar); brackets in strings do not count."""
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", body))
    if not brackets:
        return 0
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)))


def _integer(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise _invalid(f"number too large ({len(literal)} digits)")
    return int(literal)


def _constant(name: str):
    raise _invalid(f"{name} is not JSON")


def json_object_load(body: bytes, *, max_depth: int = MAX_DEPTH) -> dict:
    """Decode a JSON object from `body`, refusing what is not strict, bounded UTF-8 JSON."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _invalid(f"not UTF-8: byte {exc.start}") from None
    if text.startswith("\ufeff"):
        raise _invalid("starts with a byte order mark")
    # Cheap bound first: fewer brackets than the limit cannot nest deeper than it.
    if body.count(b"[") + body.count(b"{") > max_depth and json_depth(body) > max_depth:
        raise _invalid(f"nesting too deep (more than {max_depth} levels)")
    try:
        document = json.loads(text, parse_int=_integer, parse_constant=_constant)
    except RecursionError:
        raise _invalid("nesting too deep") from None
    except ValueError as exc:
        raise _invalid(f"not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise _invalid("not a JSON object")
    return document
