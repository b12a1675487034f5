#!/bin/sh
# Quick start 1: install the dependencies, build, and diagnose a shipped sample.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
sh scripts/build.sh
# Exit 1 means "a failure was diagnosed", which is what this sample shows.
./build/src/loganalyze "${1:-samples/two-attempts-cables.zip}" || [ $? -eq 1 ]
