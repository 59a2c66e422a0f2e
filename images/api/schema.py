"""drf-spectacular hooks: one entry per endpoint in the schema."""


def endpoints_public(endpoints):
    """Keep the canonical paths: /v2/... with their trailing slash and /v1/...; drop the /api/v2/ alias,
    the slash-less twins, /v2/namespaces/{namespace}/repositories/... (the same views) and the catch-all."""
    kept = []
    for path, path_regex, method, callback in endpoints:
        if path.startswith("/v1/") or (
            path.startswith("/v2/") and path.endswith("/") and not path.startswith("/v2/namespaces/")
        ):
            kept.append((path, path_regex, method, callback))
    return kept
