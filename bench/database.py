"""The database a bench runs on: SQLite in its data dir, or a PostgreSQL database of its own beside DATABASE_URL."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def database_url(base: str, size: int, kind: str) -> tuple[str, Path]:
    """The data dir and the database of a `kind` bench at `size`: SQLite in the data dir (base ""), or for a
    PostgreSQL `base` a `<db>_bench_<kind>_<size>` database beside it, created once and then reused."""
    data_dir = ROOT / "var" / "bench" / f"{kind}-{'pg' if base else 'sqlite'}-{size}"
    data_dir.mkdir(parents=True, exist_ok=True)
    if not base:
        return "", data_dir
    import psycopg

    server, _, name = base.rpartition("/")
    bench_name = f"{name}_bench_{kind}_{size}"
    with psycopg.connect(f"{server}/postgres".replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [bench_name]).fetchone():
            conn.execute(f'CREATE DATABASE "{bench_name}"')
    return f"{server}/{bench_name}", data_dir
