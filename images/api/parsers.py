"""JSON request bodies of the Hub API, bounded in depth.

DRF's JSONParser turns malformed JSON (ValueError, which covers integers past Python's 4,300-digit
limit) into a 400, but not the RecursionError that json raises for a body nested about a thousand
levels deep, so such a body was a 500 on every endpoint. No Hub API body nests more than a few
levels; anything deeper than DEPTH_MAX is refused here as well, before a serializer (or the error
body that names its fields) walks it recursively.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

DEPTH_MAX = 32
TOO_DEEP = f"JSON parse error - nested deeper than {DEPTH_MAX} levels"


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
        if nested_deeper_than(data, DEPTH_MAX):
            raise ParseError(TOO_DEEP)
        return data


def nested_deeper_than(data, limit: int) -> bool:
    """True when arrays and objects in `data` nest more than `limit` levels (walked without recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False
