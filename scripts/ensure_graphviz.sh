#!/usr/bin/env bash
# Make Graphviz's `dot` available for the computation-graph pictures.
# Never fails the build: without `dot` the pictures are skipped, everything else works.
set -u

command -v dot >/dev/null 2>&1 && exit 0

hint="graphviz 'dot' not found; install it with: sudo apt-get install graphviz | brew install graphviz | conda install -c conda-forge graphviz — pictures will be skipped"

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    echo "installing graphviz (apt-get)"
    log=$(mktemp)
    export DEBIAN_FRONTEND=noninteractive
    # Wait for a dpkg lock held by another apt run instead of failing at once.
    apt_opts=(-qq -o DPkg::Lock::Timeout=120)
    if apt-get "${apt_opts[@]}" update >"$log" 2>&1 &&
       apt-get "${apt_opts[@]}" install -y --no-install-recommends graphviz >>"$log" 2>&1 &&
       command -v dot >/dev/null 2>&1; then
        rm -f "$log"
        exit 0
    fi
    tail -n 3 "$log" >&2
    rm -f "$log"
fi

echo "$hint" >&2
exit 0
