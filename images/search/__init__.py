"""Search over repositories: one query language (query.py), one ranking (service.py), filters and
facets (facets.py), and the SQL each database does its own way (postgresql.py, sqlite.py)."""
