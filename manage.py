#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "demo":
        # The demo runs on a laptop: debug pages, no HTTPS, no secret to set.
        os.environ.setdefault("DEBUG", "1")
    elif command not in ("runserver", "") and "--deploy" not in sys.argv:
        # A one-off command (migrate, import_articles, check ...) signs nothing that outlives
        # it, so it may run without SECRET_KEY; serving and the deploy check still need one.
        os.environ.setdefault("FACTCHECK_ONE_OFF_COMMAND", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
