from tests.console.fixtures import acme, admin, carol, eager, receiver  # noqa: F401
