"""`make test`: the whole suite, then the both_databases tests on the other database.

Pass 1 runs everything against the configured database (DATABASE_URL, SQLite when unset).
Pass 2 runs the tests marked `both_databases` against the other one: PostgreSQL at
HUB_TEST_POSTGRES_URL when pass 1 was SQLite, SQLite when pass 1 was PostgreSQL. When that
PostgreSQL does not answer, pass 2 is skipped with the reason, or fails under
HUB_REQUIRE_INTEGRATION=1.
"""

import os
import subprocess
import sys
import tempfile

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/test"


def postgres_error(url: str) -> str | None:
    import psycopg

    try:
        psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=3).close()
    except psycopg.Error as exc:
        return str(exc).strip()
    return None


def pytest(args: list[str], env: dict[str, str]) -> int:
    with tempfile.TemporaryDirectory(prefix="hub-test-") as data_dir:
        env = {**env, "HUB_DATA_DIR": data_dir}
        return subprocess.call([sys.executable, "-m", "pytest", *args], env=env)


def main() -> int:
    args = sys.argv[1:]
    env = dict(os.environ)
    first_is_sqlite = not env.get("DATABASE_URL", "").startswith("postgres")
    status = pytest(args, env)
    if status != 0:
        return status

    second = dict(env)
    if first_is_sqlite:
        url = env.get("HUB_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
        if error := postgres_error(url):
            message = f"PostgreSQL pass skipped: {url} does not answer ({error})"
            print(message, file=sys.stderr)
            return 1 if env.get("HUB_REQUIRE_INTEGRATION") == "1" else 0
        second["DATABASE_URL"] = url
        print(f"\n=== both_databases tests on PostgreSQL ({url})", flush=True)
    else:
        second.pop("DATABASE_URL", None)
        print("\n=== both_databases tests on SQLite", flush=True)
    status = pytest(["-m", "both_databases", *args], second)
    return 0 if status == 5 and args else status  # 5: a narrowed run selected none of them


if __name__ == "__main__":
    sys.exit(main())
