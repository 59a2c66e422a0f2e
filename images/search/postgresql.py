"""Search SQL of PostgreSQL: text matches on the rows' tsvectors, typo candidates from the trigram index.

The same functions as images/search/sqlite.py; images/search/service.py picks one by the connection.
"""

from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import Expression

# Name tiers walk the index of their order and stop after a page (see service._page).
SORT_NAME_TIERS = False


def named_ids(parsed):
    """PostgreSQL tests names through its trigram index: no id list (see sqlite.named_ids)."""
    return None


def text_q(words: tuple[str, ...], *, strong: bool) -> Q:
    """Repositories whose text holds every word as a prefix; `strong`: in the name or short description.

    The row's own tsvector is tested (_TextMatch), wherever Django places the condition: an id
    subquery instead (`id IN (SELECT ...)`) is no semi-join inside an OR, and once its ids outgrow
    work_mem PostgreSQL scans them for every row. `strong` reads the small vector of the name and short
    description (summary_vector, migration 0012), weak the whole text (search_vector, README included).
    """
    column = "summary_vector" if strong else "search_vector"
    return Q(_TextMatch(column, " & ".join(f"{word}:*" for word in words)))


class _TextMatch(Expression):
    """`<repository>.<column> @@ to_tsquery('simple', tsquery)` on PostgreSQL, under the alias the
    repository table has in the query being compiled (U0 and the like inside subqueries)."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str, tsquery: str):
        super().__init__()
        self.column, self.tsquery = column, tsquery

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{alias}.{self.column} @@ to_tsquery('simple', %s)", [self.tsquery]

    def __eq__(self, other):
        return isinstance(other, _TextMatch) and (other.column, other.tsquery) == (self.column, self.tsquery)

    def __hash__(self):
        return hash((type(self), self.column, self.tsquery))


def typo_candidates(name: str, budget: int) -> list[str]:
    """Names of about the query's length that are similar to it by trigrams, most similar first."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', '0.2', false)")
        cursor.execute(
            "SELECT name FROM images_repository WHERE name %% %s AND length(name) BETWEEN %s AND %s"
            " GROUP BY name ORDER BY max(similarity(name, %s)) DESC LIMIT 500",
            [name, len(name) - budget, len(name) + budget, name],
        )
        return [row[0] for row in cursor.fetchall()]
