#!/usr/bin/env bash
# Make a C compiler available for jit's native backend.
# Never fails the build: without a compiler, jit(..., backend="native") says what is missing and
# the default backend uses generated Python; everything else works.
set -u

for compiler in "${VALUEGRAD_CC:-}" "${CC:-}" cc gcc clang; do
    [ -n "$compiler" ] && command -v "$compiler" >/dev/null 2>&1 && exit 0
done

hint="no C compiler found for jit's native backend; install one with: sudo apt-get install gcc | xcode-select --install | conda install -c conda-forge c-compiler — jit will use its Python backend"

if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    echo "installing gcc (apt-get)"
    log=$(mktemp)
    export DEBIAN_FRONTEND=noninteractive
    # Wait for a dpkg lock held by another apt run instead of failing at once.
    apt_opts=(-qq -o DPkg::Lock::Timeout=120)
    if apt-get "${apt_opts[@]}" update >"$log" 2>&1 &&
       apt-get "${apt_opts[@]}" install -y --no-install-recommends gcc libc6-dev >>"$log" 2>&1 &&
       command -v gcc >/dev/null 2>&1; then
        rm -f "$log"
        exit 0
    fi
    tail -n 3 "$log" >&2
    rm -f "$log"
fi

echo "$hint" >&2
exit 0
