"""The headless Chromium the explorer's browser tests drive: one per test module, skipped where there is none."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support.browser import BrowserUnavailable, start_chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        driver = start_chromium()
    except BrowserUnavailable as error:
        pytest.skip(f"no headless Chromium: {error}")
    yield driver
    driver.quit()
