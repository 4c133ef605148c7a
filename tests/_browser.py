"""A watched browser page for the tests that drive headless system chromium (gallery, atlas, app, slides).

Every request that leaves the local server is aborted and recorded, so a test can assert that a page
works offline; page errors and HTTP errors are recorded too.
"""
from __future__ import annotations

from types import SimpleNamespace


def watched_page(context, base: str, local=("data:", "blob:")):
    """``(page, log)``: a new page of a Playwright ``context``; ``log.outside`` lists the URLs that did not
    start with ``base`` or ``local`` (aborted), ``log.errors`` page errors, ``log.bad`` HTTP statuses >= 400."""
    log = SimpleNamespace(outside=[], errors=[], bad=[])

    def guard(route):
        url = route.request.url
        if url.startswith((base, *local)):
            route.continue_()
        else:
            log.outside.append(url)
            route.abort()

    context.route("**/*", guard)
    context.on("response", lambda r: log.bad.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page = context.new_page()
    page.on("pageerror", lambda exc: log.errors.append(str(exc)))
    return page, log
