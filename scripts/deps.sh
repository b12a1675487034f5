#!/bin/sh
# Install what loganalyze needs to build and test on Debian 12 (run as root or with sudo).
set -eu
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
    ca-certificates gcc pkg-config meson ninja-build \
    libpcre2-dev zlib1g-dev libarchive-dev libyaml-dev libjansson-dev nettle-dev \
    libmicrohttpd-dev libcmocka-dev libutf8proc-dev liblz4-dev libvectorscan-dev libisal-dev \
    jq libxml2-utils valgrind tmux zsh fish python3 python3-jsonschema python3-distributed gzip bzip2 xz-utils zstd tar zip unzip p7zip-full \
    >/dev/null
# The NEON line scanner's test on any CPU (tests/meson.build, normalize-neon): SIMDe headers.
$SUDO apt-get install -y -qq --no-install-recommends libsimde-dev >/dev/null
# Browser tests of `loganalyze serve`: Debian's chromium, driven by playwright-core from npm.
$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
command -v npm >/dev/null 2>&1 || $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
