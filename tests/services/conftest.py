from tests.registry.conftest import anonymous, registry  # noqa: F401
