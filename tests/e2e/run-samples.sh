#!/bin/sh
# End-to-end: every samples/<name>.expect.json names the outcome, error codes, top cause and
# the format of the deciding member that `loganalyze --format json` must report for
# samples/<name>.*, and optionally the run's context and the diagnosis level.  Needs jq.
exe=$1 dir=$2
command -v jq >/dev/null || { echo "jq is missing (apt-get install jq)"; exit 77; }
pass=0 fail=0
for exp in "$dir"/*.expect.json; do
  name=$(basename "$exp" .expect.json)
  input=$(ls "$dir/$name".* 2>/dev/null | grep -v '\.expect\.json$' | head -n 1)
  if [ -z "$input" ]; then
    echo "FAIL $name: no sample file beside $exp"; fail=$((fail + 1)); continue
  fi
  out=$("$exe" --format json --deterministic --redact-key test --exit-zero "$input" 2>/dev/null)
  got=$(printf '%s' "$out" | jq -c --arg f "$(jq -r .format "$exp")" '.reports[0] |
    {outcome, codes: .error_codes, top: (.causes[0].id // null),
     format: (if ([.members[].format] | index($f)) then $f else [.members[].format] end)}')
  want=$(jq -c '{outcome, codes: .error_codes, top: .top_cause, format}' "$exp")
  # The expected codes must lead the reported ones, in order; a log with no restore and no
  # code (a clean system log) must report none at all.
  ok=$(jq -n --argjson g "$got" --argjson w "$want" '
    ($g.outcome == $w.outcome) and ($g.top == $w.top) and ($g.format == $w.format) and
    ($g.codes[0:($w.codes | length)] == $w.codes) and
    (($w.outcome != "no-restore-found") or ($w.codes | length) > 0 or ($g.codes == []))')
  # Optional: the run's context (its id, and none of the causes it rules out listed) and the
  # diagnosis level.
  if [ "$ok" = true ] && jq -e 'has("context")' "$exp" >/dev/null; then
    ok=$(printf '%s' "$out" | jq --argjson w "$(jq .context "$exp")" '.reports[0] |
      ((.context.id // null) == $w) and
      ([.causes[].id] - (.context.excludes // []) | length) == (.causes | length)')
    [ "$ok" = true ] || echo "  $name: context $(printf '%s' "$out" | jq -c '.reports[0].context // null')"
  fi
  if [ "$ok" = true ] && jq -e 'has("diagnosis_level")' "$exp" >/dev/null; then
    ok=$(printf '%s' "$out" | jq --argjson w "$(jq .diagnosis_level "$exp")" \
      '(.reports[0].diagnosis.level // null) == $w')
    [ "$ok" = true ] || echo "  $name: diagnosis $(printf '%s' "$out" | jq -c '.reports[0].diagnosis.level')"
  fi
  if [ "$ok" = true ]; then
    pass=$((pass + 1))
  else
    echo "FAIL $name: want $want, got $got"; fail=$((fail + 1))
  fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
