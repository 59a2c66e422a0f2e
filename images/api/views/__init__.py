"""Hub API v2 views, one module per resource; base.py holds what they share."""
