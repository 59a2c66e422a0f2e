"""What the registry reads from a request's address and headers, checked before anything uses it.

Numbers (Range, Content-Range, Content-Length, `n`) are ASCII digits and nothing else: `²` passes
str.isdigit and int() refuses it, `٣` passes both. At most DIGITS_MAX significant digits reach int()
(Python refuses to convert more than 4,300, and no blob, upload or page comes near 10**18); a longer
number saturates at HUGE, which every caller already treats as too big.

NUL: no name, reference, digest, upload id or filter the registry knows can hold one, and PostgreSQL
refuses one in any query, so a NUL anywhere in a registry path parameter or query string is answered
before the view runs, with the code the registry gives that parameter when it is malformed.
"""

from images.registry.errors import Code, RegistryError

DIGITS_MAX = 18
HUGE = 10**DIGITS_MAX

# The code for a NUL, by the parameter that holds it. No tag or digest holds one, so a reference with
# a NUL names nothing (404, as distribution's routes answer it); a name is NAME_INVALID as elsewhere.
NUL_PATH_CODES = {
    "name": Code.NAME_INVALID,
    "reference": Code.MANIFEST_UNKNOWN,
    "digest": Code.DIGEST_INVALID,
    "upload_id": Code.BLOB_UPLOAD_UNKNOWN,
}
NUL_QUERY_CODES = {
    "n": Code.PAGINATION_NUMBER_INVALID,
    "last": Code.PAGINATION_NUMBER_INVALID,
    "digest": Code.DIGEST_INVALID,
    "mount": Code.DIGEST_INVALID,
    "from": Code.NAME_INVALID,
}
# Any other parameter (artifactType ...): the spec's UNSUPPORTED, "an invalid set of parameters", as a 400.
NUL_OTHER = (Code.UNSUPPORTED, 400)


def ascii_int(raw: str | None) -> int | None:
    """The number `raw` spells in ASCII digits (leading zeros allowed), HUGE past DIGITS_MAX
    significant digits; None for anything else (empty, a sign, spaces, other scripts' digits)."""
    if not raw or not raw.isascii() or not raw.isdigit():
        return None
    significant = raw.lstrip("0")
    return HUGE if len(significant) > DIGITS_MAX else int(significant or "0")


def nul_refusal(path_params: dict, query) -> RegistryError | None:
    """The error for the first path parameter or query parameter (name or value) holding a NUL."""
    for key, value in path_params.items():
        if "\x00" in str(value):
            return _refusal(NUL_PATH_CODES, key, f"{key} holds a NUL character", {key: _shown(value)})
    for key, values in query.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            message = f"query parameter {_shown(key)} holds a NUL character"
            return _refusal(NUL_QUERY_CODES, key, message, {"parameter": _shown(key)})
    return None


def _refusal(codes: dict, key: str, message: str, detail: dict) -> RegistryError:
    code, status = (codes[key], None) if key in codes else NUL_OTHER
    return RegistryError(code, detail, message=message, status=status)


def _shown(value) -> str:
    return str(value)[:100].replace("\x00", "\\x00")
