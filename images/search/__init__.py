"""Search over repositories: one query language (query.py, with the package and advisory terms of terms.py),
one ranking (service.py), filters and facets (facets.py), what the images must hold (packages.py), and the
SQL each database does its own way (postgresql.py, sqlite.py)."""
