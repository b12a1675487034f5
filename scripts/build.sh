#!/bin/sh
# Configure (once) and build into ./build.
set -eu
cd "$(dirname "$0")/.."
[ -d build ] || meson setup build ${LA_MESON_ARGS:-} >/dev/null
meson compile -C build >/dev/null
