"""Rate limits for the Hub API, the token endpoint and anonymous pulls (ratelimit.py)."""
