# The browser tests' fixtures (tests/web/browser.py), for every module here.
from tests.web.browser import browser, catalogue_data  # noqa: F401
