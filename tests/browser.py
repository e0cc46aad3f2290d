"""Headless Chromium for browser tests: Debian's chromium driven by Playwright's Python client
(never a browser Playwright downloads). Without chromium the tests are skipped, saying how to
install it; on CI (CI=true) they fail instead, so a machine without a browser never passes silently.

`screenshot(page, name)` keeps a picture of the page under test-results/screenshots/ (git-ignored),
at desktop (1280x800) and phone (390x844) sizes, as an artifact of the run."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.factories import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
INSTALL_HINT = (
    "Chromium is not installed: run `apt-get install chromium fonts-noto-cjk` (.ci/run does)"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # The machines have no internet: stop Chromium's own background connections.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results" / "screenshots"


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def chromium_missing() -> bool:
    return not os.path.exists(CHROMIUM)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    # On CI the fixtures below hand a browser test None instead of skipping it: it fails here,
    # in its call phase, so the run reports it as failed.
    if item.get_closest_marker("browser") and on_ci() and chromium_missing():
        pytest.fail(f"CI=true but no browser. {INSTALL_HINT}", pytrace=False)


@pytest.fixture(scope="session")
def browser():
    if chromium_missing():
        if on_ci():
            yield None
            return
        pytest.skip(INSTALL_HINT)
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    if browser is None:
        yield None
        return
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **DESKTOP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    if browser is None:
        yield None
        return
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def log_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def screenshot(page, name: str) -> Path:
    """Save the page as test-results/screenshots/<test>-<name>-<width>x<height>.png."""
    test = os.environ.get("PYTEST_CURRENT_TEST", "test").split(" ")[0].split("::")[-1]
    size = page.viewport_size or {"width": 0, "height": 0}
    filename = re.sub(r"[^\w.-]+", "_", f"{test}-{name}-{size['width']}x{size['height']}") + ".png"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / filename
    page.screenshot(path=str(path), full_page=True)
    return path
