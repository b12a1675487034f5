#!/bin/sh
# Batch views and the reduce step (issue 18): --brief, csv read back by Python's csv module
# (RFC 4180, formula injection neutralised), the text summary before the cases, `merge`
# (same summary as one batch run, in any order and grouping, merged outputs merged again;
# a broken line or another schema is reported with its position and skipped), and the
# progress bar over the whole batch in a terminal (tmux; skipped, 77, when tmux is missing
# and the rest passed).
# Usage: run-batch.sh LOGANALYZE SAMPLES_DIR
exe=$1 samples=$2
case $exe in /*) ;; *) exe=$(pwd)/$exe ;; esac
t=$(mktemp -d) || exit 1
sock=la-batch-$$
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$t"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
la() { "$exe" --deterministic --redact-key batch-test --exit-zero "$@"; }

# Inputs: every .log sample, twice (the same device failing at the same step twice gives a
# pattern), plus one whose cells would be formulas and quotes in a spreadsheet.
mkdir "$t/in"
for f in "$samples"/*.log; do
  b=$(basename "$f" .log)
  cp "$f" "$t/in/$b.log"; cp "$f" "$t/in/$b-again.log"
done
cp "$samples/itunes-win-4013-baseband.log" "$t/in/=HYPERLINK(\"x\"),1.log"
n=$(ls "$t/in" | wc -l)

# --brief: one line per case (input first, then outcome, cause, stage, codes, model), then
# the summary.
la --brief "$t"/in/* > "$t/brief" 2>/dev/null
lines=$(grep -c "^$t/in/" "$t/brief")
[ "$lines" -eq "$n" ] && ok || bad "--brief: $lines case lines for $n inputs"
grep -q "^$t/in/itunes-win-4013-baseband.log  FAILED  baseband [0-9]* % confident  update_baseband  4013, " "$t/brief" \
  && ok || bad "--brief: the 4013 baseband line is not 'input  FAILED  cause N % level  stage  codes'"
grep -q "^$t/in/idevicerestore-success.log  SUCCEEDED  -  -  -  iPhone10,1$" "$t/brief" \
  && ok || bad "--brief: the success line lacks its model or has a cause"
awk -v p="$t/in/" 'index($0, p) == 1 { if (s) bad = 1 } /^Summary$/ { s = 1 } END { exit !(s && !bad) }' \
  "$t/brief" && ok || bad "--brief: the summary is not after every case line"
grep -q "Inputs: $n " "$t/brief" && ok || bad "--brief: the summary does not count $n inputs"

# csv: parsed back by Python's csv module; a row per case under the documented header;
# cells that a spreadsheet would run as formulas start with ', integers stay as they are.
la --format csv "$t"/in/* > "$t/out.csv" 2>/dev/null
python3 - "$t/out.csv" "$n" "$t/in" <<'PY' && ok || bad "csv does not read back"
import csv, sys
path, n, folder = sys.argv[1], int(sys.argv[2]), sys.argv[3]
raw = open(path, "rb").read()
assert raw.count(b"\r\n") == n + 1, "CRLF line ends expected"
rows = list(csv.reader(open(path, newline="", encoding="utf-8")))
head = "input,outcome,verdict,diagnosis,cause,cause_title,confidence_percent,stage,error_codes,codes,model,ios,ecid,host".split(",")
assert rows[0] == head, rows[0]
assert len(rows) == n + 1, len(rows)
byname = {r[0]: dict(zip(head, r)) for r in rows[1:]}
r = byname[folder + "/itunes-win-4013-baseband.log"]
assert (r["outcome"], r["cause"], r["stage"], r["diagnosis"]) == ("failed", "baseband", "update_baseband", "confident"), r
assert r["error_codes"].split()[0] == "4013" and int(r["confidence_percent"]) >= 90, r
inj = [k for k in byname if "HYPERLINK" in k]
assert inj == ["'" + folder + '/=HYPERLINK("x"),1.log'] or inj == [folder + '/=HYPERLINK("x"),1.log'], inj
for row in rows[1:]:
    for cell in row:
        assert not cell[:1] in ("=", "+", "@", "\t", "\r") , cell
        assert not cell.startswith("-") or cell.lstrip("-").isdigit(), cell
neg = [r for r in byname.values() if r["error_codes"] == "-256"]
assert neg, "a single negative code stays a number"
PY
# The input is a path, so the formula cell is only neutralised when a cell starts with '=':
# check the cell quoting directly on a name that starts the cell with '='.
(cd "$t/in" && la --format csv "=HYPERLINK(\"x\"),1.log") > "$t/inj.csv" 2>/dev/null
grep -q "^\"'=HYPERLINK(\"\"x\"\"),1.log\"," "$t/inj.csv" && ok \
  || bad "csv: a cell starting with = is not neutralised and quoted: $(sed -n 2p "$t/inj.csv")"

# Text: the summary first, then the cases.
la --color never "$t"/in/* > "$t/text" 2>/dev/null
s=$(grep -n '^Summary$' "$t/text" | head -1 | cut -d: -f1)
c=$(grep -n 'Input: ' "$t/text" | head -1 | cut -d: -f1)
[ -n "$s" ] && [ -n "$c" ] && [ "$s" -lt "$c" ] && ok || bad "text: summary at line ${s:-none}, first case at ${c:-none}"
grep -q "failed at 'update_baseband' in 2 inputs" "$t/text" && ok || bad "text: the same-device pattern is missing"

# merge: the summary of one batch run, whatever the order and grouping.
summary() { python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["summary"], sort_keys=True))'; }
la --format json "$t"/in/* 2>/dev/null | summary > "$t/want"
la --format ndjson "$t"/in/* > "$t/all.ndjson" 2>/dev/null
"$exe" merge -f json "$t/all.ndjson" | summary > "$t/got" && cmp -s "$t/want" "$t/got" && ok \
  || bad "merge of the batch's ndjson differs from its summary: $(diff "$t/want" "$t/got")"
grep '"report"' "$t/all.ndjson" | head -7 > "$t/p1"
grep '"report"' "$t/all.ndjson" | sed -n '8,20p' | tac > "$t/p2"
grep '"report"' "$t/all.ndjson" | sed -n '21,$p' > "$t/p3"
"$exe" merge -f ndjson "$t/p1" > "$t/m1"; "$exe" merge -f ndjson "$t/p2" "$t/p3" > "$t/m23"
"$exe" merge -f ndjson "$t/p2" > "$t/m2"; "$exe" merge -f ndjson "$t/p3" "$t/p1" > "$t/m31"
"$exe" merge -f json "$t/m1" "$t/m23" | summary > "$t/got1"
"$exe" merge -f ndjson "$t/m1" "$t/m2" > "$t/m12"
"$exe" merge -f json "$t/m12" "$t/p3" | summary > "$t/got2"
"$exe" merge -f json - < "$t/m31" "$t/m2" | summary > "$t/got3"
cmp -s "$t/want" "$t/got1" && cmp -s "$t/want" "$t/got2" && cmp -s "$t/want" "$t/got3" && ok \
  || bad "merge is not associative and order-independent"
[ "$(wc -l < "$t/m1")" -eq 1 ] && grep -q '"summary_state"' "$t/m1" && ok || bad "merge ndjson: not one summary-state line"
# The text summary of merge is the batch's text summary block.
"$exe" merge --color never "$t/all.ndjson" > "$t/mt" 2>/dev/null
sed -n '/^Summary$/,/^$/p' "$t/text" | sed '/^$/d' | grep -v '^Input' > "$t/tw"
sed '/^$/d' "$t/mt" > "$t/tg"
head -n "$(wc -l < "$t/tg")" "$t/tw" | cmp -s - "$t/tg" && ok || bad "merge text summary differs: $(diff "$t/tw" "$t/tg" | head)"
# brief and csv through merge: the same lines (in their arrival order), then the summary.
"$exe" merge -f brief "$t/all.ndjson" > "$t/mb"
sort "$t/mb" | cmp -s - "$(sort "$t/brief" > "$t/bs"; echo "$t/bs")" && ok || bad "merge --format brief differs from --brief"
"$exe" merge -f csv "$t/all.ndjson" | cmp -s - "$t/out.csv" && ok || bad "merge --format csv differs from --format csv"
# Broken lines and other schemas: reported with their position, skipped, the rest counted.
{ head -3 "$t/all.ndjson"; echo '{"schema":"other/1","report":{}}'; echo '{"schema":"loganalyze.report/1","report":'; \
  echo '{"schema":"loganalyze.report/1","summary_state":{"failed":-1}}'; sed -n '4,$p' "$t/all.ndjson"; } > "$t/dirty"
"$exe" merge -f json "$t/dirty" 2> "$t/err" | summary > "$t/got4"
cmp -s "$t/want" "$t/got4" && ok || bad "merge with bad lines lost or added something"
grep -q "^$t/dirty:4:1: warning\[LA310\]: schema 'other/1'" "$t/err" && \
  grep -q "^$t/dirty:5:1: warning\[LA310\]: not a JSON object" "$t/err" && \
  grep -q "^$t/dirty:6:1: warning\[LA310\]: 'summary_state' is not a valid" "$t/err" && ok \
  || bad "merge warnings: $(cat "$t/err")"
[ "$(wc -l < "$t/err")" -eq 3 ] && ok || bad "merge gave $(wc -l < "$t/err") warnings for 3 bad lines"
"$exe" merge -f html "$t/m1" 2>/dev/null; [ $? -eq 2 ] && ok || bad "merge -f html is not a usage error"

# Not a terminal: no progress bar at all.
la "$t"/in/* > /dev/null 2> "$t/err"
[ ! -s "$t/err" ] && ok || bad "progress output into a pipe: $(head -c 200 "$t/err")"

if ! command -v tmux >/dev/null 2>&1; then
  echo "$pass passed, $fail failed (tmux missing: the progress bar case skipped)"
  [ "$fail" -eq 0 ] && exit 77
  exit 1
fi
# A terminal: one bar over the batch (bytes of bytes known, files of files, rate, ETA),
# ending in one final line.  stdout goes to a file, stderr is the pane.
total=$(cat "$t"/in/* | wc -c)
printf '#!/bin/sh\n"%s" --jobs 1 --redact-key k --exit-zero "%s"/in/* > "%s/out"\necho __DONE__\nsleep 60\n' \
  "$exe" "$t" "$t" > "$t/pane.sh"
tmux -L "$sock" -f /dev/null new-session -d -s bar -x 100 -y 50 "sh $t/pane.sh" || bad "tmux new-session"
i=0 seen=0
: > "$t/frames"
while [ $i -lt 300 ]; do
  tmux -L "$sock" capture-pane -t bar -p > "$t/pane" 2>/dev/null
  cat "$t/pane" >> "$t/frames"
  grep -q __DONE__ "$t/pane" && break
  sleep 0.05; i=$((i + 1))
done
tmux -L "$sock" kill-session -t bar 2>/dev/null
mb=$(python3 -c "print('%.1f' % ($total / 1e6))")
grep -Eq "^$n files, $mb MB in [0-9.]+ s, [0-9.]+ MB/s$" "$t/pane" && ok \
  || bad "no final line '$n files, $mb MB in N s, R MB/s': $(cat "$t/pane" | head -5)"
[ "$(grep -c 'files' "$t/pane")" -eq 1 ] && ok || bad "the bar was left on screen: $(cat "$t/pane" | head -5)"
if grep -Eq "^\[[#-]{20}\] +[0-9]+ %  [0-9.]+/$mb MB  [0-9]+/$n files" "$t/frames"; then ok
else echo "note: no bar frame captured mid-run (the batch took $i polls)"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
