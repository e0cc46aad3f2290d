#!/usr/bin/env python
"""Django's command-line utility. Writes made by a one-off command are tagged with its name in the
audit trail; the embedded database starts on the command's first connection."""

import contextlib
import os
import sys

# Long-running commands serve many requests or jobs; each of those sets its own audit context.
SERVING_COMMANDS = {"runserver", "db_worker", "worker"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentpool.settings")
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    import pghistory

    command = sys.argv[1] if len(sys.argv) > 1 else ""
    audit = (
        contextlib.nullcontext()
        if command in SERVING_COMMANDS or not command
        else pghistory.context(command=" ".join(sys.argv[1:3]))
    )
    with audit:
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
