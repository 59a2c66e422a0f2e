"""JSON and YAML from outside, read within bounds: pushed manifests, image configs and the package
files inside images, advisories, upstream registries' answers, Hub API bodies.

`json.loads` and PyYAML recurse once per nesting level, so a document of 100,000 nested arrays
(200 KB) raises RecursionError, not ValueError; json turns an integer literal of more than 4,300
digits into ValueError only after reading it; YAML aliases let a small document name the same list
a billion times over. None of the documents Hub reads nests more than a handful of levels or holds
more than a few thousand values, so each is refused with DocumentError, whose message says why as a
predicate ("is nested deeper than 64 levels"), so a caller can put the document's name before it.

`strict` reading is what a pushed manifest must be: UTF-8 without a byte order mark, no NaN or
Infinity, integer literals of at most 20 digits (sizes are int64); its depth is measured in one pass
over the bytes before decoding, so a deep body costs a scan, not a recursion.

Pure Python (PyYAML aside): the OCI module, the indexer and the API's parser all read through here.
"""

import json
import re
from itertools import accumulate

import yaml

MAX_DEPTH = 64
MAX_VALUES = 1_000_000
# Sizes are int64 (image-spec descriptor.md); an integer literal this long cannot be one.
MAX_INTEGER_DIGITS = 20


class DocumentError(ValueError):
    """A document that is not what it should be; the message says why, as a predicate."""


def size_text(count: int) -> str:
    """``1 MiB``, ``16 GiB``, ``4096 bytes``: limits as people write them."""
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if count >= 1 << shift and count % (1 << shift) == 0:
            return f"{count >> shift} {unit}"
    return f"{count} bytes"


# A JSON string, quotes included; an unterminated one runs to the end of the body. It matches at
# every quote it starts from, so the scan stays linear: a pattern that could fail after a long
# string (say `"\"\"\"...` never closed) would be tried again from each escaped quote, quadratic.
# Over bytes: no byte of a multi-byte UTF-8 sequence is a quote or a backslash.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")
_DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def json_depth(body: bytes) -> int:
    """How deeply arrays and objects nest in `body` (0 for a scalar); brackets in strings do not count."""
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", body))
    if not brackets:
        return 0
    return max(accumulate(map(_DEPTH_STEP.__getitem__, brackets)))


def _integer(literal: str) -> int:
    digits = len(literal.lstrip("-"))
    if digits > MAX_INTEGER_DIGITS:
        raise DocumentError(f"holds a number of {digits} digits, more than the {MAX_INTEGER_DIGITS} allowed")
    return int(literal)


def _constant(name: str):
    raise DocumentError(f"holds {name}, which is not JSON")


def _size_check(data: bytes | str, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise DocumentError(f"is {len(data)} bytes, more than the {size_text(max_bytes)} allowed")


def _strict_text(data: bytes, max_depth: int) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"is not UTF-8 (byte {exc.start})") from None
    if text.startswith("\ufeff"):
        raise DocumentError("starts with a byte order mark")
    # Cheap bound first: fewer brackets than the limit cannot nest deeper than it.
    if data.count(b"[") + data.count(b"{") > max_depth and json_depth(data) > max_depth:
        raise DocumentError(f"is nested deeper than {max_depth} levels")
    return text


def load_json(data: bytes | str, max_bytes: int, *, strict: bool = False, max_depth: int = MAX_DEPTH) -> object:
    """A JSON document of at most `max_bytes`, nested at most `max_depth` levels; DocumentError otherwise."""
    _size_check(data, max_bytes)
    hooks = {}
    if strict:
        data = _strict_text(data if isinstance(data, bytes) else data.encode(), max_depth)
        hooks = {"parse_int": _integer, "parse_constant": _constant}
    try:
        value = json.loads(data, **hooks)
    except RecursionError:
        raise DocumentError(f"is nested deeper than {max_depth} levels") from None
    except DocumentError:
        raise
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError included
        raise DocumentError(f"is not valid JSON: {error}") from None
    check_shape(value, max_depth)
    return value


def load_json_object(data: bytes | str, max_bytes: int, **bounds) -> dict:
    """load_json, for the many documents that must be a JSON object."""
    value = load_json(data, max_bytes, **bounds)
    if not isinstance(value, dict):
        raise DocumentError("is not a JSON object")
    return value


def load_yaml(text: str, max_bytes: int) -> object:
    _size_check(text, max_bytes)
    try:
        value = yaml.safe_load(text)
    except RecursionError:
        raise DocumentError(f"is nested deeper than {MAX_DEPTH} levels") from None
    except yaml.YAMLError as error:
        raise DocumentError(f"is not valid YAML: {error}") from None
    check_shape(value)
    return value


def check_shape(value: object, max_depth: int = MAX_DEPTH, max_values: int = MAX_VALUES) -> None:
    """Refuse a decoded document nested deeper than `max_depth` or holding more than `max_values`
    values (counting each time a YAML alias repeats one). Walked without recursion."""
    stack = [(value, 1)]
    seen = 0
    while stack:
        item, depth = stack.pop()
        seen += 1
        if seen > max_values:
            raise DocumentError(f"holds more than {max_values} values (YAML aliases repeating a value?)")
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > max_depth:
            raise DocumentError(f"is nested deeper than {max_depth} levels")
        stack.extend((child, depth + 1) for child in children)
