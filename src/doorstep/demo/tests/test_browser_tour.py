"""The tour (issue 12): every demo role signs in, on the demo data set, and follows every
link of the navigation and of their home pages, in Chinese, Uyghur and English, on a
phone (390 px) and a desktop. No link answers 404 or 5xx (or 403), no page logs a
console error or a CSP violation, nothing is wider than the viewport, and no English
catalogue string is left on a Chinese or Uyghur page.

Kept quick: the demo is loaded once, smaller than `make run`'s; each role signs in
once and keeps its browser context; one link per kind of page (route) is followed; each
page is loaded six times — Chinese, Uyghur and English, each on a phone and a desktop.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import Browser, Page

from doorstep.demo.demo import DEMO_PASSWORD, demo_load, demo_steps_run, existing_demo_accounts
from doorstep.registry.tests.test_i18n import PLACEHOLDER, _VisibleText, messages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# (language, viewport): each page once in each language at each width.
PASSES = tuple(
    (language, size) for language in ("zh-hans", "ug", "en") for size in (PHONE, DESKTOP)
)
HOMES = ("/", "/casework/")
# Not pages to tour: the API and its docs (their own tests), signing out, files.
SKIP_PREFIXES = ("/api/", "/static/", "/i18n/", "/accounts/logout", "/media/")

# Elements wider than the viewport, leaving out those inside a scrolling container
# (a wide table may scroll inside its wrapper).
OVERFLOW_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if ((r.right > width + 1 || r.left < -1) && !scrolls(el)) {
      wide.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
        + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
    }
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5)};
}
"""


class Catalogue:
    """registry/tests/test_i18n.english_leftovers, with the catalogue split once: the
    same rule (a phrase inside any text, a single word as a whole text), about a
    hundred times faster per page."""

    def __init__(self, msgids: list[str]) -> None:
        phrases, words = set(), set()
        for source in msgids:
            for part in PLACEHOLDER.split(source):
                part = part.strip()
                if not part.strip(" .,:;()"):
                    continue
                (phrases if " " in part else words).add(part)
        self.phrases = sorted(phrases)
        self.words = {w.strip(" .,:;()"): w for w in words}

    def leftovers(self, html: str) -> list[str]:
        parser = _VisibleText()
        parser.feed(html)
        chunks = [" ".join(chunk.split()) for chunk in parser.chunks]
        text = "\x00".join(chunks)
        found = {p for p in self.phrases if p in text}
        found |= {
            self.words[c.strip(" .,:;()")] for c in chunks if c.strip(" .,:;()") in self.words
        }
        return sorted(found)


def _internal(href: str | None, base: str) -> str | None:
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(href)
    if parts.netloc and f"{parts.scheme}://{parts.netloc}" != base:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if not path.startswith("/") or path.startswith(SKIP_PREFIXES):
        return None
    return path


def _links(page: Page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "nav.mainnav a[href], main a[href]", "els => els.map(e => e.getAttribute('href'))"
    )
    return [p for p in (_internal(h, base) for h in hrefs) if p]


def _one_per_route(paths: list[str]) -> list[str]:
    """The first link to each kind of page: a home lists thirty households, whose pages
    are one template with other rows; touring one of them is enough."""
    chosen: dict[str, str] = {}
    for path in paths:
        try:
            route = resolve(urlsplit(path).path).route
        except Resolver404:
            route = path  # followed anyway: it will answer 404 and be reported
        chosen.setdefault(route, path)
    return list(chosen.values())


def _sign_in(browser: Browser, base: str, username: str):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]:not(.link):not(.js-hidden)")
    page.wait_for_url(lambda url: "/accounts/login" not in url)
    return context, page


def _check(page: Page, base: str, path: str, language: str, catalogue) -> list[str]:
    problems: list[str] = []
    errors: list[str] = []
    listener = lambda m: errors.append(m.text) if m.type == "error" else None  # noqa: E731
    crash = lambda e: errors.append(str(e))  # noqa: E731
    page.on("console", listener)
    page.on("pageerror", crash)
    try:
        response = page.goto(f"{base}{path}", wait_until="load")
        status = response.status if response is not None else 0
        if status >= 400:
            return [f"{path} answers {status}"]
        page.wait_for_timeout(50)  # htmx's load-triggered fragments
        problems += [f"{path}: console: {e}" for e in errors]
        box = page.evaluate(OVERFLOW_JS)
        if box["scrollWidth"] > box["width"] + 1 or box["wide"]:
            problems.append(f"{path}: wider than {box['width']} px: {box['wide']}")
        if language != "en":
            leftovers = catalogue.leftovers(page.content())
            if leftovers:
                problems.append(f"{path}: English left: {leftovers[:8]}")
    finally:
        page.remove_listener("console", listener)
        page.remove_listener("pageerror", crash)
    return problems


@pytest.fixture
def demo_data(transactional_db):
    demo_load(households=300, workers=40)
    demo_steps_run()
    return existing_demo_accounts()


def test_every_demo_role_tours_its_links_in_every_language_and_width(
    browser: Browser, live_server, demo_data
):
    base = live_server.url
    catalogue = Catalogue([e["msgid"] for e in messages("zh_Hans")])
    problems: list[str] = []
    started = time.monotonic()
    for user in demo_data:
        context, page = _sign_in(browser, base, user.username)
        links: list[str] = []
        for home in HOMES:
            page.goto(f"{base}{home}")
            links += [home, *_links(page, base)]
        seen = _one_per_route(links)
        for language, viewport in PASSES:
            context.add_cookies([{"name": "django_language", "value": language, "url": base}])
            page.set_viewport_size(viewport)
            for path in seen:
                found = _check(page, base, path, language, catalogue)
                problems += [f"{user.username} [{language} {viewport['width']}] {p}" for p in found]
        context.close()
        print(f"tour: {user.username}: {len(seen)} pages, {time.monotonic() - started:.0f} s")
    print(f"tour: {len(demo_data)} roles in {time.monotonic() - started:.0f} s")
    assert not problems, "\n".join(problems)
