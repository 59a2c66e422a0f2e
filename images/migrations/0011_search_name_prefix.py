from django.db import migrations

# Name-prefix tiers of search (`name LIKE 'redis%'`) on PostgreSQL: the database's collation is not C,
# so the plain index on name serves no LIKE; a pattern-ops index does, and with the columns of the
# best-match order and visibility included the tier is an index-only scan and a sort of a few
# thousand entries, instead of a trigram bitmap and a heap page read per match.
# (SQLite finds name tiers through its covering index on name: images.search.service._page.)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS repository_name_prefix ON images_repository (name varchar_pattern_ops)"
            " INCLUDE (is_private, trusted_rank, pull_count, star_count, id)"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS repository_name_prefix")


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0010_search_name_length"),
    ]

    operations = [migrations.RunPython(forward, backward)]
