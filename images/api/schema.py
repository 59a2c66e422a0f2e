"""drf-spectacular: which endpoints the schema lists, where each handler's summary comes from, and how a
handler declares its operation in one line."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema

from images.api.serializers.common import ErrorSerializer

NAMESPACE_REPOSITORIES = "/v2/namespaces/{namespace}/repositories"


def endpoints_public(endpoints):
    """Keep the canonical paths: /v2/... with their trailing slash and /v1/...; drop the /api/v2/ alias,
    the slash-less twins, /v2/namespaces/{namespace}/repositories/... (the same views) and the catch-all;
    /v2/namespaces/{namespace}/storage/ is its own."""
    kept = []
    for path, path_regex, method, callback in endpoints:
        if path.startswith("/v1/") or (
            path.startswith("/v2/") and path.endswith("/") and not path.startswith(NAMESPACE_REPOSITORIES)
        ):
            kept.append((path, path_regex, method, callback))
    return kept


class HubAutoSchema(AutoSchema):
    """Each handler's summary is the first line of its docstring (the rest is the description), so the
    text that explains a handler lives beside it once, not again in its decorator."""

    def get_summary(self):
        summary = super().get_summary()
        if summary:
            return summary
        description = (self.get_description() or "").strip()
        return description.split("\n", 1)[0].rstrip(".") or None


# The error answers an operation documents (every body is images.api.errors' {"detail", "message"}).
MISSING = {404: ErrorSerializer}  # a read of something the caller may not see, or that is not there
BAD_OR_MISSING = {400: ErrorSerializer, 404: ErrorSerializer}  # a list with a bad filter or page
READ_ERRORS = {401: ErrorSerializer, 404: ErrorSerializer}  # a read that needs a signed-in caller
LIST_ERRORS = {400: ErrorSerializer, **READ_ERRORS}
ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}  # a write
BAD_REQUEST = {400: ErrorSerializer}  # a search with a bad parameter
BAD_OR_UNSIGNED = {400: ErrorSerializer, 401: ErrorSerializer}  # bad input or bad credentials


def operation(operation_id: str, answer, errors: dict, **more):
    """drf-spectacular's extend_schema for one handler, on one line: its operationId, its answer (a
    serializer for a 200, or {status: serializer}), the error answers above it documents, and whatever
    else extend_schema takes (`request`, `parameters`, `auth`)."""
    answers = answer if isinstance(answer, dict) else {200: answer}
    return extend_schema(operation_id=operation_id, responses={**answers, **errors}, **more)
