"""The SQLite FTS5 table behind search, and the triggers that keep it in step with images_repository.

An external-content FTS5 table (`content='images_repository'`) stores only the index, not a second
copy of every README. The triggers are the only writers, so every code path that saves a repository
(services, admin, fixtures, bulk loads) keeps search current.
"""

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
