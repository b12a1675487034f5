#!/bin/sh
# Browser tests of the drag-and-drop page (`loganalyze serve`) and of the
# desktop opener (`--open`), in Debian's chromium driven by playwright-core.
#
#   run.sh SERVE-DRIVER [LOGANALYZE]
#
# meson passes tests/browser/serve-driver (la_serve_run / la_open_report with
# every option) and the loganalyze executable (a smoke test of `serve` and
# `--open` through the CLI, skipped while the CLI does not offer them).
#
# Installs playwright-core into tests/browser/node_modules from the committed
# package.json + package-lock.json (npm install --no-audit --no-fund) when it is
# not there yet, then runs test-serve.mjs.  Exit 77 (meson: skipped) only when
# chromium, node or npm is missing; every other problem, a failed npm install
# included, is a failure.  Screenshots go to tests/browser/artifacts/.
set -u
driver=${1:?usage: run.sh SERVE-DRIVER}
here=$(cd "$(dirname "$0")" && pwd)
chromium=${LA_CHROMIUM:-/usr/bin/chromium}

cli=${2:-}
case $driver in /*) ;; *) driver=$(pwd)/$driver ;; esac
case $cli in /* | '') ;; *) cli=$(pwd)/$cli ;; esac
if [ ! -x "$chromium" ]; then
    echo "SKIP: $chromium is not installed (apt-get install -y chromium)"
    exit 77
fi
for tool in node npm; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "SKIP: $tool is not installed (apt-get install -y nodejs npm)"
        exit 77
    fi
done

want=$(sed -n 's/.*"playwright-core": *"\([^"]*\)".*/\1/p' "$here/package.json" | head -n 1)
have=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' \
    "$here/node_modules/playwright-core/package.json" 2>/dev/null | head -n 1)
if [ "$have" != "$want" ]; then
    echo "installing playwright-core $want into $here/node_modules"
    if ! (cd "$here" && npm install --no-audit --no-fund --loglevel=error); then
        echo "FAIL: npm install of playwright-core failed (network?)"
        exit 1
    fi
fi

mkdir -p "$here/artifacts"
LA_CHROMIUM=$chromium exec node "$here/test-serve.mjs" "$driver" "$here/artifacts" "$cli"
