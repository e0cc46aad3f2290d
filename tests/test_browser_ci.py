"""Browser tests never pass silently on CI: without Chromium they fail, and .ci/run stops when
it cannot install it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests import browser

ROOT = Path(__file__).resolve().parent.parent


def _browser_item():
    return SimpleNamespace(get_closest_marker=lambda name: name == "browser" or None)


def test_a_browser_test_without_chromium_fails_on_ci(monkeypatch):
    monkeypatch.setattr(browser, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setenv("CI", "true")

    with pytest.raises(pytest.fail.Exception, match="apt-get install chromium"):
        browser.pytest_runtest_call(_browser_item())


def test_a_browser_test_without_chromium_is_left_to_the_skip_off_ci(monkeypatch):
    monkeypatch.setattr(browser, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.delenv("CI", raising=False)

    assert browser.pytest_runtest_call(_browser_item()) is None


def test_other_tests_are_untouched_on_ci_without_chromium(monkeypatch):
    monkeypatch.setattr(browser, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setenv("CI", "true")
    item = SimpleNamespace(get_closest_marker=lambda name: None)

    assert browser.pytest_runtest_call(item) is None


def test_ci_run_fails_when_it_cannot_install_chromium(tmp_path):
    # A PATH with no chromium, an apt-get that fails, and no make (reaching it would be a bug).
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "dirname", "env"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    apt_get = bin_dir / "apt-get"
    apt_get.write_text("#!/bin/sh\necho 'E: Unable to locate package chromium' >&2\nexit 100\n")
    apt_get.chmod(0o755)

    result = subprocess.run(
        [str(bin_dir / "bash"), str(ROOT / ".ci" / "run")],
        env={"PATH": str(bin_dir), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert "could not install chromium" in result.stderr
    assert "make" not in result.stderr  # stopped before running the suite


def test_the_ci_script_runs_the_suite_with_ci_true():
    assert "export CI=true" in (ROOT / ".ci" / "run").read_text()
    assert os.access(ROOT / ".ci" / "run", os.X_OK)
