#!/bin/sh
# Validate every reporter output with external tools.
#
#   validate.sh RENDER-DOC
#
# For each document in tests/report/data/*.json:
#   junit   well-formed (xmllint --noout) and valid against junit.xsd
#   html    well-formed XML (the page is kept polyglot) and parsed by
#           xmllint --html with no error other than "Tag X invalid" for the
#           HTML5 elements libxml2 2.9 does not know
#   json    valid against docs/report-schema.json (python3 jsonschema)
#   ndjson  every line valid against the schema's ndjson line definitions
#   sarif   valid against the official SARIF 2.1.0 schema when one is found
#           (LA_SARIF_SCHEMA, or the copy inside the SARIF Multitool), and
#           SARIF Multitool `validate --rule-kind "Sarif;Ghas"` with no error
#           result when the multitool is installed
#
# Exit 77 (skip) only when a required validator is missing: xmllint or
# python3 with jsonschema.  The SARIF Multitool is optional unless
# LA_REQUIRE_SARIF_MULTITOOL=1 (CI sets it after installing it with
# `npm install @microsoft/sarif-multitool`); point LA_SARIF_MULTITOOL at the
# Sarif.Multitool binary or the sarif-multitool wrapper when it is not found
# on PATH or in `npm root -g`.
set -u

render=${1:?usage: validate.sh RENDER-DOC}
case $render in /*) ;; *) render=$PWD/$render ;; esac
src=${LA_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
data=${LA_REPORT_DATA:-$src/tests/report/data}   # LA_REPORT_DATA: validate other documents
schema=$src/docs/report-schema.json
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! command -v xmllint >/dev/null 2>&1; then
    echo "SKIP: xmllint not installed (Debian: libxml2-utils)"
    exit 77
fi
if ! python3 -c 'import jsonschema' >/dev/null 2>&1; then
    echo "SKIP: python3 jsonschema not installed (Debian: python3-jsonschema)"
    exit 77
fi

# Find the SARIF Multitool: the native binary, or the npm wrapper.
mt=${LA_SARIF_MULTITOOL:-}
if [ -z "$mt" ]; then
    if command -v sarif-multitool >/dev/null 2>&1; then
        mt=$(command -v sarif-multitool)
    elif command -v npm >/dev/null 2>&1; then
        root=$(npm root -g 2>/dev/null)
        if [ -n "$root" ] && [ -x "$root/@microsoft/sarif-multitool-linux/Sarif.Multitool" ]; then
            mt=$root/@microsoft/sarif-multitool-linux/Sarif.Multitool
        fi
    fi
fi
sarif_schema=${LA_SARIF_SCHEMA:-}
if [ -z "$sarif_schema" ] && [ -n "$mt" ]; then
    for cand in "$(dirname "$mt")/sarif-2.1.0.json" \
                "$(dirname "$mt")/../@microsoft/sarif-multitool-linux/sarif-2.1.0.json"; do
        [ -f "$cand" ] && sarif_schema=$cand && break
    done
fi

echo "sarif-multitool: ${mt:-not found}"
echo "SARIF schema: ${sarif_schema:-not found}"
fail=0
bad() {
    echo "FAIL: $*"
    fail=1
}

for doc in "$data"/*.json; do
    case $doc in *.expected.*) continue ;; esac
    name=$(basename "$doc" .json)
    for fmt in text json ndjson markdown html junit sarif github; do
        if ! "$render" "$fmt" "$doc" >"$tmp/$name.$fmt"; then
            bad "render-doc $fmt $name"
        fi
    done

    # junit
    xmllint --noout "$tmp/$name.junit" || bad "$name.junit is not well-formed"
    xmllint --noout --schema "$src/tests/report/junit.xsd" "$tmp/$name.junit" \
        2>"$tmp/xsd.err" || { cat "$tmp/xsd.err"; bad "$name.junit does not match junit.xsd"; }

    # html: XML well-formedness, then the HTML parser
    xmllint --noout "$tmp/$name.html" || bad "$name.html is not well-formed XML"
    xmllint --html --noout "$tmp/$name.html" 2>"$tmp/html.err"
    if grep -E '^[^ ].*:[0-9]+: HTML parser error' "$tmp/html.err" |
        grep -vE 'HTML parser error : Tag (main|header|footer|section|details|summary|meter|svg|g|rect|text|title|desc) invalid$' \
            >"$tmp/html.bad"; then
        cat "$tmp/html.bad"
        bad "$name.html: xmllint --html reports errors"
    fi
    if grep -qiE 'https?:|<script|src=|<link|url\(' "$tmp/$name.html"; then
        bad "$name.html refers to something outside the page"
    fi
    for need in '<!DOCTYPE html>' '<html lang="en">' '<meta charset="utf-8" />' \
                '<meta name="viewport"' '@media print'; do
        grep -qF "$need" "$tmp/$name.html" || bad "$name.html lacks $need"
    done
done

# json, ndjson, sarif against JSON Schemas
python3 - "$schema" "$tmp" "$sarif_schema" <<'PY' || fail=1
import glob, json, os, sys
import jsonschema

schema_path, tmp, sarif_schema = sys.argv[1], sys.argv[2], sys.argv[3]
schema = json.load(open(schema_path, encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(schema)
V = jsonschema.Draft202012Validator
bad = 0

def check(validator, inst, what):
    global bad
    errs = sorted(validator.iter_errors(inst), key=lambda e: list(e.path))
    for e in errs[:5]:
        print("FAIL: %s: %s at %s" % (what, e.message[:200], "/".join(map(str, e.path))))
    bad += bool(errs)

def sub(defname):
    s = dict(schema)
    s = {"$schema": schema["$schema"], "$defs": schema["$defs"],
         "properties": schema["properties"], "$ref": "#/$defs/" + defname}
    return V(s)

doc_v, rep_v, sum_v = V(schema), sub("ndjson_report_line"), sub("ndjson_summary_line")
for path in sorted(glob.glob(os.path.join(tmp, "*.json"))):
    check(doc_v, json.load(open(path, encoding="utf-8")), os.path.basename(path))
for path in sorted(glob.glob(os.path.join(tmp, "*.ndjson"))):
    lines = open(path, encoding="utf-8").read().split("\n")
    if lines[-1] != "":
        print("FAIL: %s: no final newline" % path)
        bad += 1
    lines = lines[:-1]
    for i, line in enumerate(lines):
        obj = json.loads(line)
        check(sum_v if i == len(lines) - 1 else rep_v, obj, "%s line %d" % (path, i + 1))
if sarif_schema:
    s = json.load(open(sarif_schema, encoding="utf-8"))
    sv = jsonschema.validators.validator_for(s)(s)
    for path in sorted(glob.glob(os.path.join(tmp, "*.sarif"))):
        check(sv, json.load(open(path, encoding="utf-8")), os.path.basename(path))
else:
    print("note: no SARIF 2.1.0 schema found (set LA_SARIF_SCHEMA); SARIF schema check not run")
sys.exit(1 if bad else 0)
PY

# SARIF Multitool, GitHub code scanning rules
if [ -n "$mt" ]; then
    for f in "$tmp"/*.sarif; do
        out=$f.validation.sarif
        case $mt in
        *Sarif.Multitool) "$mt" validate --rule-kind "Sarif;Ghas" -o "$out" "$f" >"$tmp/mt.log" 2>&1 ;;
        # the npm wrapper runs through a shell: keep ';' quoted
        *) "$mt" validate --rule-kind '"Sarif;Ghas"' -o "$out" "$f" >"$tmp/mt.log" 2>&1 ;;
        esac
        if [ ! -f "$out" ]; then
            cat "$tmp/mt.log"
            bad "sarif-multitool did not run on $(basename "$f")"
            continue
        fi
        # The multitool exits 0 even when it finds errors: read its own log.
        if ! python3 - "$out" <<'PY'
import json, sys
log = json.load(open(sys.argv[1], encoding="utf-8"))
errs = [r for run in log.get("runs", []) for r in run.get("results", [])
        if r.get("level") == "error"]
for r in errs:
    print("FAIL: %s: %s" % (r.get("ruleId"), r.get("message", {}).get("text", "")[:300]))
sys.exit(1 if errs else 0)
PY
        then
            bad "sarif-multitool: $(basename "$f") has errors"
        fi
    done
elif [ "${LA_REQUIRE_SARIF_MULTITOOL:-0}" = 1 ]; then
    bad "sarif-multitool required (LA_REQUIRE_SARIF_MULTITOOL=1) but not found"
else
    echo "note: sarif-multitool not found; GitHub code scanning rules not checked"
fi

[ $fail = 0 ] && echo "all report outputs validated"
exit $fail
