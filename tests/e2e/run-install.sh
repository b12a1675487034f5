#!/bin/sh
# Installed means installed (issue 17): `meson install --destdir` into a temp folder, then the
# installed binary, with no LOGANALYZE_DATADIR, reads the installed rules and data, never the
# source tree it was built from: it diagnoses a sample; with its installed codes.yaml broken it
# fails naming the installed file (had it read the intact source tree it would have passed);
# the binary in the build folder still reads the source tree.  Also checks that the completion
# scripts, the launcher, the man page and docs/ are installed where they belong.
# Usage: run-install.sh BUILD_DIR SOURCE_ROOT
build=$(cd "$1" && pwd) src=$(cd "$2" && pwd)
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
unset LOGANALYZE_DATADIR

opt() { # the value of a meson option of the build
  meson introspect "$build" --buildoptions | python3 -c '
import json, sys
print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == sys.argv[1]))' "$1"
}
prefix=$(opt prefix) bindir=$(opt bindir) datadir=$(opt datadir) mandir=$(opt mandir)
case $datadir in /*) ;; *) datadir=$prefix/$datadir ;; esac
case $bindir in /*) ;; *) bindir=$prefix/$bindir ;; esac
case $mandir in /*) ;; *) mandir=$prefix/$mandir ;; esac
if [ -e "$datadir/loganalyze/rules" ]; then
  echo "SKIP: loganalyze is installed in $datadir on this machine; the test needs it absent"
  exit 77
fi
meson install -C "$build" --destdir "$t/dest" --no-rebuild --quiet > "$t/log" 2>&1 \
  || { cat "$t/log"; echo "meson install failed"; exit 1; }
d=$t/dest
exe=$d$bindir/loganalyze
sample=$src/samples/itunes-win-4013-baseband.log

# Where each file belongs.
for f in "$exe" "$d$datadir/loganalyze/rules/data/causes.yaml" \
         "$d$datadir/bash-completion/completions/loganalyze" \
         "$d$datadir/zsh/site-functions/_loganalyze" \
         "$d$datadir/fish/vendor_completions.d/loganalyze.fish" \
         "$d$datadir/applications/loganalyze.desktop" "$d$mandir/man1/loganalyze.1" \
         "$d$datadir/doc/loganalyze/ci.md" "$d$datadir/doc/loganalyze/design.md" \
         "$d$datadir/doc/loganalyze/README.md"; do
  [ -f "$f" ] && ok || bad "not installed: ${f#$d}"
done

# The installed binary diagnoses a sample from its installed data.
(cd "$t" && "$exe" --color never "$sample") > "$t/out" 2> "$t/err"; rc=$?
[ "$rc" -eq 1 ] && grep -q "Failed while updating the modem" "$t/out" && ok \
  || { bad "installed binary: exit $rc, want 1 and the modem headline"; head -3 "$t/err"; }

# Break the installed codes.yaml: the installed binary must fail on that file, proving it
# does not read the (intact) source tree.
codes=$d$datadir/loganalyze/rules/data/codes.yaml
sed 's/^    meanings:/    meaning:/' "$codes" > "$t/codes" && cp "$t/codes" "$codes"
(cd "$t" && "$exe" --color never "$sample") > "$t/out" 2> "$t/err"; rc=$?
[ "$rc" -eq 2 ] && grep -q "^$codes:[0-9]*:[0-9]*: error\[LA201\]" "$t/err" \
  && ! grep -q "$src/rules" "$t/err" && ok \
  || { bad "installed binary with a broken installed codes.yaml: exit $rc"; head -3 "$t/err"; }
# An explicit --data-dir still wins over the installed data.
(cd "$t" && "$exe" --data-dir "$src/rules" --color never "$sample") > "$t/out" 2> "$t/err"; rc=$?
[ "$rc" -eq 1 ] && ok || bad "installed binary with --data-dir: exit $rc"

# The binary in the build folder (uninstalled) reads the source tree.
(cd "$t" && "$build/src/loganalyze" --color never "$sample") > "$t/out" 2> "$t/err"; rc=$?
[ "$rc" -eq 1 ] && grep -q "Failed while updating the modem" "$t/out" && ok || bad "build-folder binary: exit $rc"
# A copy of that binary elsewhere is not the build's: no source tree, no installed data.
cp "$build/src/loganalyze" "$t/loganalyze"
(cd "$t" && "$t/loganalyze" --color never "$sample") > "$t/out" 2> "$t/err"; rc=$?
[ "$rc" -eq 2 ] && grep -q "cannot find the rules data folder" "$t/err" && ok \
  || { bad "a copied binary found data: exit $rc"; head -3 "$t/err"; }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
