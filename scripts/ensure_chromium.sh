#!/usr/bin/env bash
# Make headless Chromium and its WebDriver available for the explorer's browser tests.
# Never fails the build: without them those tests are skipped, and say why.
set -u

command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 && exit 0

hint="chromium and chromedriver not found; install them with: sudo apt-get install chromium chromium-driver (Debian/Ubuntu) | brew install --cask chromium chromedriver (macOS) — the browser tests will be skipped"

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    echo "installing chromium and chromium-driver (apt-get)"
    log=$(mktemp)
    export DEBIAN_FRONTEND=noninteractive
    # Wait for a dpkg lock held by another apt run instead of failing at once.
    apt_opts=(-qq -o DPkg::Lock::Timeout=120)
    if apt-get "${apt_opts[@]}" update >"$log" 2>&1 &&
       apt-get "${apt_opts[@]}" install -y --no-install-recommends chromium chromium-driver >>"$log" 2>&1 &&
       command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
        rm -f "$log"
        exit 0
    fi
    tail -n 3 "$log" >&2
    rm -f "$log"
fi

echo "$hint" >&2
exit 0
