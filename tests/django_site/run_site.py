#!/usr/bin/env python3
"""Starts the test Django site on 127.0.0.1 with a free port.

Usage: run_site.py DATA_DIR
Creates the session database in DATA_DIR, prints the port on a line of its
own, then serves until killed. Used by tests/django_e2e_test.cc.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cookiesite.settings")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    os.environ["COOKIESITE_DATA_DIR"] = sys.argv[1]
    import django
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=QuietHandler)
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
