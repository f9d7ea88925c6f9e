"""Headless Chromium, driven by selenium: what the explorer's tests and benchmark open pages in.

``start_chromium()`` gives a WebDriver for Debian's ``chromium`` and
``chromedriver`` (``make test`` installs them with ``scripts/ensure_chromium.sh``)
that runs as root (``--no-sandbox``), resolves no host name (so a page that
tried the network would fail, visibly), and keeps the console log.
"""

from __future__ import annotations

import shutil
import time
from typing import Any

__all__ = [
    "BrowserUnavailable",
    "click_box",
    "console_errors",
    "open_page",
    "start_chromium",
    "wait_ready",
]

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


class BrowserUnavailable(RuntimeError):
    """Chromium, chromedriver or selenium is missing; the message says how to install them."""


def start_chromium(width: int = 1400, height: int = 900) -> Any:
    """A headless Chromium WebDriver with networking blocked and console logging on.

    Raises:
        BrowserUnavailable: If selenium, ``chromium`` or ``chromedriver`` is missing.
    """
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as error:
        raise BrowserUnavailable(
            "selenium is not installed: pip install -e '.[dev]'"
        ) from error
    binary = shutil.which("chromium") or CHROMIUM
    driver_path = shutil.which("chromedriver") or CHROMEDRIVER
    for program, path in (("chromium", binary), ("chromedriver", driver_path)):
        if shutil.which(path) is None:
            raise BrowserUnavailable(
                f"{program} not found; install it with 'apt-get install chromium chromium-driver' "
                "(make test runs scripts/ensure_chromium.sh, which does so where it can)"
            )
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in (
        "--headless=new",
        "--no-sandbox",  # needed as root
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
        # Every host name fails to resolve: the pages must not need the network.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(driver_path))


def wait_ready(driver: Any, timeout: float = 20.0) -> float:
    """Wait until the page's ``<body data-vg-ready="1">``; returns the seconds waited."""
    started = time.perf_counter()
    while True:
        state = driver.execute_script(
            "return document.body && document.body.getAttribute('data-vg-ready')"
        )
        if state == "1":
            return time.perf_counter() - started
        if time.perf_counter() - started > timeout:
            status = driver.execute_script(
                "var s = document.getElementById('vg-status'); return s && s.textContent"
            )
            raise TimeoutError(f"the explorer was not ready after {timeout} s (status: {status!r})")
        time.sleep(0.01)


def open_page(driver: Any, url: str, timeout: float = 20.0) -> float:
    """Load ``url`` and wait for the explorer; returns the seconds from the request to ready."""
    started = time.perf_counter()
    driver.get(url)
    wait_ready(driver, timeout)
    return time.perf_counter() - started


def click_box(driver: Any, target: Any) -> float:
    """Click a node's or group's box as a user would, and wait for any new layout.

    Args:
        driver: The WebDriver.
        target: A CSS selector (the first match is clicked) or a page element.

    Returns:
        The seconds from the click to ready.
    """
    started = time.perf_counter()
    element = "document.querySelector(arguments[0])" if isinstance(target, str) else "arguments[0]"
    # The click goes to the shape, as the explorer listens on it; a WebDriver click
    # would land on whatever is drawn on top at the element's centre.
    driver.execute_script(
        f"{element}.querySelector('rect').dispatchEvent(new MouseEvent('click', {{bubbles: true}}))",
        target,
    )
    wait_ready(driver)
    return time.perf_counter() - started


def console_errors(driver: Any) -> list[str]:
    """The console's SEVERE entries since the last call (reading the log empties it)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
