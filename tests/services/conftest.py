from tests.registry.conftest import _fast_passwords, alice, anonymous, bob, registry  # noqa: F401
