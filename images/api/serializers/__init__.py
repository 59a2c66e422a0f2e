"""Hub API v2 shapes: Docker Hub's field names, so scripts written for Docker Hub read Hub's answers.

Views build plain dicts (images/api/views/*) and every response goes through one of these, so the
OpenAPI schema drf-spectacular writes from them is exactly what is sent. One module per area.
"""
