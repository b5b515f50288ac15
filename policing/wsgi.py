import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policing.settings")

application = get_wsgi_application()

# What is loaded now — Django, the apps and, through the URLconf, every view —
# lives as long as the worker. Frozen, it is left out of the collector's full
# passes: over about 175,000 objects each pass took 100–360 ms, came about
# every 20 requests and made the p95 of the province's lists (issue 16).
get_resolver().url_patterns  # noqa: B018 — imports every view
gc.collect()
gc.freeze()
