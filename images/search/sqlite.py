"""Search SQL of SQLite: the FTS5 table behind search, the triggers that keep it in step with
images_repository, and the matches and typo candidates read from them (the same functions as
images/search/postgresql.py; images/search/service.py picks one by the connection).

An external-content FTS5 table (`content='images_repository'`) stores only the index, not a second
copy of every README. The triggers are the only writers, so every code path that saves a repository
(services, admin, fixtures, bulk loads) keeps search current.
"""

import json

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from images.models import Repository

FTS_TABLE = "images_repository_fts"
COLUMNS = "name, short_description, full_description"

_TRIGGERS = {
    "images_repository_fts_insert": """
        CREATE TRIGGER IF NOT EXISTS images_repository_fts_insert AFTER INSERT ON images_repository BEGIN
            INSERT INTO images_repository_fts(rowid, name, short_description, full_description)
            VALUES (new.id, new.name, new.short_description, new.full_description);
        END""",
    "images_repository_fts_delete": """
        CREATE TRIGGER IF NOT EXISTS images_repository_fts_delete AFTER DELETE ON images_repository BEGIN
            INSERT INTO images_repository_fts(images_repository_fts, rowid, name, short_description, full_description)
            VALUES ('delete', old.id, old.name, old.short_description, old.full_description);
        END""",
    "images_repository_fts_update": """
        CREATE TRIGGER IF NOT EXISTS images_repository_fts_update
        AFTER UPDATE OF name, short_description, full_description ON images_repository BEGIN
            INSERT INTO images_repository_fts(images_repository_fts, rowid, name, short_description, full_description)
            VALUES ('delete', old.id, old.name, old.short_description, old.full_description);
            INSERT INTO images_repository_fts(rowid, name, short_description, full_description)
            VALUES (new.id, new.name, new.short_description, new.full_description);
        END""",
}


def fts_ensure(connection) -> None:
    """Create the FTS table and its triggers when missing; rebuild the index if a trigger was missing.

    Safe to call any number of times (the migration and every post_migrate call it). Also puts back
    the index of sort=updated, which a table rebuild drops too.
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        if "images_repository" not in present:
            return
        if FTS_TABLE not in present:
            cursor.execute(
                "CREATE VIRTUAL TABLE images_repository_fts USING fts5(name, short_description, full_description,"
                " content='images_repository',"
                " content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
            )
        missing = [name for name in _TRIGGERS if name not in present]
        for name in missing:
            cursor.execute(_TRIGGERS[name])
        if missing or FTS_TABLE not in present:
            # Rows written while a trigger was missing are not in the index yet.
            cursor.execute("INSERT INTO images_repository_fts(images_repository_fts) VALUES ('rebuild')")
        if "last_pushed_at" in {
            column.name for column in connection.introspection.get_table_description(cursor, "images_repository")
        }:
            # The order of sort=updated (migration 0007), lost like the triggers when the table is rebuilt.
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS repository_pushed_order ON images_repository (last_pushed_at DESC, id)"
            )


def fts_drop(connection) -> None:
    with connection.cursor() as cursor:
        for name in _TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute("DROP TABLE IF EXISTS images_repository_fts")


# A tier of names is better found through its own condition and sorted: SQLite would walk the order
# index testing each row (see service._page).
SORT_NAME_TIERS = True


def named_ids(parsed) -> RawSQL | None:
    """The ids of the repositories whose name holds the query's name, read once for every query of the
    search that tests it (`id IN (...)` instead of `name LIKE '%...%'`).

    SQLite has no trigram index, but reads names from its covering index on name much faster than from the
    table, and an id list lets it join the name part of a match to the FTS part instead of scanning the
    table. The list is one JSON parameter: as thousands of parameters (a one-letter query matches most
    names) Django took longer to build each query than SQLite to run it. Within one namespace the namespace
    index finds fewer rows than this: None there.
    """
    if parsed.namespace or not parsed.name:
        return None
    ids = Repository.objects.filter(name__contains=parsed.name).order_by().values_list("id", flat=True)
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(list(ids))])


def text_q(words: tuple[str, ...], *, strong: bool) -> Q:
    """Repositories whose text holds every word as a prefix; `strong`: in the name or short description.
    The FTS5 table is asked for the ids once."""
    expression = " AND ".join(f'"{word}"*' for word in words)
    if strong:
        expression = f"{{name short_description}} : ({expression})"
    return Q(
        id__in=RawSQL("SELECT rowid FROM images_repository_fts WHERE images_repository_fts MATCH %s", [expression])
    )


def typo_candidates(name: str, budget: int) -> list[str]:
    """Names of about the query's length sharing one of its first two letters (no trigram index here)."""
    first, second = name[0], name[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT name FROM images_repository WHERE length(name) BETWEEN %s AND %s"
            " AND (substr(name, 1, 1) IN (%s, %s) OR substr(name, 2, 1) IN (%s, %s)) LIMIT 5000",
            [len(name) - budget, len(name) + budget, first, second, first, second],
        )
        return [row[0] for row in cursor.fetchall()]
