"""Pure functions that turn image content into catalogue data.

Nothing in this package imports Django or touches a database: every function takes bytes, text or
file objects and returns dataclasses, so the Celery tasks in ``images.tasks`` stay thin and the
parsers are tested on real files without a database.
"""
