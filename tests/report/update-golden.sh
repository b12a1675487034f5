#!/bin/sh
# Rewrite the reporter's golden files from the current code, then review
# `git diff tests/report/data` before committing (docs/style.md §9).
#   tests/report/update-golden.sh [BUILD-DIR]
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build}
LA_UPDATE_GOLDEN=1 LA_SOURCE_ROOT=$src "$build/tests/report/test-report" || true
LA_SOURCE_ROOT=$src "$build/tests/report/test-report"
