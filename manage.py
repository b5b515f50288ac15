#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policing.settings")
    if not os.environ.get("DJANGO_SECRET_KEY"):
        # A checkout with no production environment: commands run with the
        # local demo settings. The web server (policing.wsgi) and the Celery
        # worker still refuse to start without DJANGO_SECRET_KEY, and
        # `check --deploy` flags the demo key.
        os.environ.setdefault("FENGQIAO_DEMO", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
