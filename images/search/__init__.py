"""Search over repositories: one query language, one ranking, on PostgreSQL and SQLite."""

from images.search.service import SORTS, FacetValue, SearchFilters, SearchResult, repository_search

__all__ = ["SORTS", "FacetValue", "SearchFilters", "SearchResult", "repository_search"]
