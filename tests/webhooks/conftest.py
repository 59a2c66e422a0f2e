from tests.console.fixtures import _fast_passwords, acme, admin, alice, bob, carol, eager, receiver  # noqa: F401
