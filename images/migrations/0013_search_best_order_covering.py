from django.db import migrations

# The best-match order of search on PostgreSQL carries what a tier tests besides the order: visibility,
# the name, the facet columns and the small vector of the name and short description (0012). A broad
# tier such as "words in the short description" walks this index until a page of rows match; with these
# columns included that walk reads index pages only, not a heap page per row tested (at a million
# repositories, a search for two common words tested ~9,000 rows: 10 ms from the heap, 4 ms from here).
# The index grows from ~47 MB to ~325 MB at a million repositories, most of it the vector.
FORWARD = [
    "DROP INDEX IF EXISTS repository_best_order",
    "CREATE INDEX repository_best_order ON images_repository"
    " (trusted_rank DESC, pull_count DESC, star_count DESC, id)"
    " INCLUDE (is_private, namespace_id, name, trusted_content, facet_os, facet_architectures, facet_categories,"
    " summary_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS repository_best_order",
    "CREATE INDEX repository_best_order ON images_repository (trusted_rank DESC, pull_count DESC, star_count DESC, id)",
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
        ("images", "0012_search_summary_vector"),
    ]

    operations = [migrations.RunPython(forward, backward)]
