"""JSON and YAML documents from images and advisory sources, read within bounds.

``json.loads`` and PyYAML recurse once per nesting level, so a document of 100,000 nested arrays
(200 KB) raises ``RecursionError``; YAML aliases let a small document name the same list a billion
times over, which costs nothing to load but everything to walk. None of the documents read here
(image configs, package.json, OSV records) nests more than a handful of levels or holds more than a
few thousand values, so each is refused, with ``DocumentError`` saying why, when it is larger than
its caller allows, nests deeper than ``MAX_DEPTH`` or holds more than ``MAX_VALUES`` values.
"""

import json

import yaml

from .limits import size_text

MAX_DEPTH = 64
MAX_VALUES = 1_000_000


class DocumentError(ValueError):
    """A document that is not what it should be; the message says why, in words."""


def load_json(data: bytes | str, max_bytes: int) -> object:
    _check_size(data, max_bytes)
    try:
        value = json.loads(data)
    except RecursionError:
        raise DocumentError(f"is nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError included
        raise DocumentError(f"is not valid JSON: {error}") from None
    check_shape(value)
    return value


def load_yaml(text: str, max_bytes: int) -> object:
    _check_size(text, max_bytes)
    try:
        value = yaml.safe_load(text)
    except RecursionError:
        raise DocumentError(f"is nested deeper than {MAX_DEPTH} levels") from None
    except yaml.YAMLError as error:
        raise DocumentError(f"is not valid YAML: {error}") from None
    check_shape(value)
    return value


def _check_size(data: bytes | str, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise DocumentError(f"is {len(data)} bytes, more than the {size_text(max_bytes)} allowed")


def check_shape(value: object, max_depth: int = MAX_DEPTH, max_values: int = MAX_VALUES) -> None:
    """Refuse a decoded document nested deeper than ``max_depth`` or holding more than ``max_values``
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
