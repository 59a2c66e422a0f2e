"""JSON request bodies of the Hub API, bounded in depth.

DRF's JSONParser turns malformed JSON (ValueError, which covers integers past Python's 4,300-digit
limit) into a 400, but not the RecursionError that json raises for a body nested about a thousand
levels deep, so such a body was a 500 on every endpoint. No Hub API body nests more than a few
levels; anything deeper than DEPTH_MAX is refused here as well, before a serializer (or the error
body that names its fields) walks it recursively.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from images.documents import DocumentError, check_shape

DEPTH_MAX = 32
TOO_DEEP = f"JSON parse error - nested deeper than {DEPTH_MAX} levels"


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
        try:
            check_shape(data, max_depth=DEPTH_MAX)
        except DocumentError:
            raise ParseError(TOO_DEEP) from None
        return data
