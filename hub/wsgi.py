import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
application = get_wsgi_application()

# What is loaded by now (Django, the URL conf, the models, templates) lives as long as the worker: keep it
# out of the cycle collector's scans, and collect young objects less often. With the defaults, a full
# collection now and then stalled a request by 50-120 ms, and collections cost a search page about 1.3 ms
# on average (bench/catalogue.py).
gc.freeze()
gc.set_threshold(10_000, 50, 100)
