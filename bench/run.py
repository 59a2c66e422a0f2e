"""`make bench`: run the main() of every bench/*.py module, one after the other."""

import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    sys.path.insert(0, str(HERE.parent))
    status = 0
    for path in sorted(HERE.glob("*.py")):
        if path.stem in ("run", "__init__"):
            continue
        module = importlib.import_module(f"bench.{path.stem}")
        if not hasattr(module, "main"):
            continue
        print(f"\n=== bench/{path.name}", flush=True)
        result = module.main([])
        status = status or (result or 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
