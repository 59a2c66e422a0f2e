from django.db import migrations

# Search on PostgreSQL: both tsvectors without positions and weights (strip()), and kept in the row. Nothing reads them any more:
# matching is by lexeme prefix only (no phrases, no ranking by weight); the "name or short description" tier
# has its own vector since 0012. Stripped, the full vector is about a third smaller (700 -> 450 bytes on
# average in bench/catalogue.py), and it sits in every repository row: the bounded reads of a broad search
# (facets, counts) read fewer pages, and the best-match order index (0013), which includes the small vector,
# shrinks too.
#
# Both are also kept in the row (storage MAIN): with the default (EXTENDED), a row over ~2 kB had its largest
# value moved to the TOAST table, and a tsvector barely compresses, so in a quarter of the rows of
# bench/catalogue.py (those with a long README) the vector was out of line and every test of it in a scan
# fetched it from there (four more buffers per row). Now the README is what goes out of line.
#
# PostgreSQL 15 cannot change a generated column's expression, so both columns are made again (one rewrite
# of the table) with their indexes.
SEARCH_VECTOR = """to_tsvector('simple', translate(name, '/._', '   '))
        || to_tsvector('simple', coalesce(short_description, ''))
        || to_tsvector('simple', left(coalesce(full_description, ''), 25000))"""
SUMMARY_VECTOR = """to_tsvector('simple', translate(name, '/._', '   '))
        || to_tsvector('simple', coalesce(short_description, ''))"""
OLD_SEARCH_VECTOR = """setweight(to_tsvector('simple', translate(name, '/._', '   ')), 'A')
        || setweight(to_tsvector('simple', coalesce(short_description, '')), 'B')
        || setweight(to_tsvector('simple', left(coalesce(full_description, ''), 25000)), 'C')"""
BEST_ORDER = (
    "CREATE INDEX repository_best_order ON images_repository"
    " (trusted_rank DESC, pull_count DESC, star_count DESC, id)"
    " INCLUDE (is_private, namespace_id, name, trusted_content, facet_os, facet_architectures, facet_categories,"
    " summary_vector)"
)


def _remake(search_vector: str, summary_vector: str, storage: str) -> list[str]:
    return [
        # Dropping summary_vector drops the best-order index that includes it, and each GIN index with its column.
        f"""ALTER TABLE images_repository
        DROP COLUMN search_vector,
        DROP COLUMN summary_vector,
        ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({search_vector}) STORED,
        ADD COLUMN summary_vector tsvector GENERATED ALWAYS AS ({summary_vector}) STORED,
        ALTER COLUMN search_vector SET STORAGE {storage},
        ALTER COLUMN summary_vector SET STORAGE {storage}""",
        "CREATE INDEX repository_search_vector ON images_repository USING gin (search_vector)",
        "CREATE INDEX repository_summary_vector ON images_repository USING gin (summary_vector)",
        BEST_ORDER,
    ]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in _remake(f"strip({SEARCH_VECTOR})", f"strip({SUMMARY_VECTOR})", "MAIN"):
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in _remake(OLD_SEARCH_VECTOR, SUMMARY_VECTOR, "EXTENDED"):
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0013_search_best_order_covering"),
    ]

    operations = [migrations.RunPython(forward, backward)]
