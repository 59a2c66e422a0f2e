"""Reads for pages, the API, the registry and templates, one module per area. Services write; selectors read."""
