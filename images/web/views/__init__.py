"""HTML views of the catalogue: each parses the request, calls selectors or one service, renders."""
