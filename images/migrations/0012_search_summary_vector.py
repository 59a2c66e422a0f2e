from django.db import migrations

# Search on PostgreSQL, two changes.
#
# The "name or short description" tier. The weighted search_vector answers it
# only by rechecking each row's whole vector (a GIN index keeps no weights, and the README makes the
# vector large), so that tier got slower the more READMEs held the words. A second, small vector of the
# name and the short description alone, with its own GIN index, answers it from the index.
# (SQLite's FTS5 table restricts a match to columns by itself: images.search.service._text_q.)
#
# The name-prefix index (0011) also carries the columns that visibility and the facet filters test, so a
# name tier with filters is read from the index alone, not from a heap page per matching name
# (images.search.service._page finds a page's ids first and reads its rows afterwards).
FORWARD = [
    """ALTER TABLE images_repository ADD COLUMN IF NOT EXISTS summary_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', translate(name, '/._', '   '))
        || to_tsvector('simple', coalesce(short_description, ''))
    ) STORED""",
    "DROP INDEX IF EXISTS repository_name_prefix",
    "CREATE INDEX repository_name_prefix ON images_repository (name varchar_pattern_ops)"
    " INCLUDE (is_private, namespace_id, trusted_rank, pull_count, star_count, id,"
    " trusted_content, facet_os, facet_architectures, facet_categories)",
    "CREATE INDEX IF NOT EXISTS repository_summary_vector ON images_repository USING gin (summary_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS repository_name_prefix",
    "CREATE INDEX repository_name_prefix ON images_repository (name varchar_pattern_ops)"
    " INCLUDE (is_private, trusted_rank, pull_count, star_count, id)",
    "DROP INDEX IF EXISTS repository_summary_vector",
    "ALTER TABLE images_repository DROP COLUMN IF EXISTS summary_vector",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0011_search_name_prefix"),
    ]

    operations = [migrations.RunPython(forward, backward)]
