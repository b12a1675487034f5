#!/bin/sh
# Terminal conventions of the text report (docs/style.md §9, issue 17): the width comes from
# the terminal (TIOCGWINSZ on stdout) before $COLUMNS; TERM=dumb and NO_COLOR give no escape
# sequence; CJK characters and emoji take two columns, so a line of them is clipped at the
# right column.  The terminal cases run loganalyze in a tmux pane of a set width (its own
# server socket); they skip (77) when tmux is missing and the others passed.
# Usage: run-terminal.sh LOGANALYZE SAMPLES_DIR
exe=$1 samples=$2
case $exe in /*) ;; *) exe=$(pwd)/$exe ;; esac
t=$(mktemp -d) || exit 1
sock=la-terminal-$$
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$t"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

# The widest line of a file in terminal columns (East Asian wide and full-width: two).
cols() {
  python3 -c '
import sys, unicodedata
def w(ch):
    if unicodedata.combining(ch): return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
print(max((sum(w(c) for c in l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")), default=0))
' "$1"
}
# The columns of the first line matching a pattern.
cols_of() {
  grep -m1 -- "$2" "$1" > "$t/line" && cols "$t/line"
}

# A log whose deciding line is Chinese with an emoji: the evidence line is clipped at the
# width counted in columns, not in characters (counted in characters it would be far wider).
sed '601s/Error:/Error:设备状态意外，恢复失败。设备状态意外，恢复失败。😀设备状态意外，恢复失败。/' \
  "$samples/itunes-win-4013-baseband.log" > "$t/cjk.log"
COLUMNS=100 "$exe" --color never "$t/cjk.log" > "$t/out" 2>/dev/null
w=$(cols "$t/out"); e=$(cols_of "$t/out" "设备")
if [ "$w" -le 100 ] && [ -n "$e" ] && [ "$e" -ge 99 ]; then ok
else bad "CJK at COLUMNS=100: widest line $w columns, the CJK evidence line ${e:-missing}"; fi
COLUMNS=60 "$exe" --color never "$samples/itunes-win-4013-baseband.log" > "$t/out" 2>/dev/null
w=$(cols "$t/out")
[ "$w" -le 60 ] && [ "$w" -ge 55 ] && ok || bad "COLUMNS=60 without a terminal: widest line $w"

# Not a terminal: no colour whatever TERM says; --color always still gives it.
TERM=xterm "$exe" "$samples/itunes-win-4013-baseband.log" > "$t/out" 2>/dev/null
grep -q "$(printf '\033')" "$t/out" && bad "colour into a pipe" || ok
TERM=dumb "$exe" --color always "$samples/itunes-win-4013-baseband.log" > "$t/out" 2>/dev/null
grep -q "$(printf '\033')\[" "$t/out" && ok || bad "--color always gives no colour"

if ! command -v tmux >/dev/null 2>&1; then
  echo "$pass passed, $fail failed (tmux missing: the terminal cases skipped)"
  [ "$fail" -eq 0 ] && exit 77
  exit 1
fi

# pane WIDTH ENV...: run loganalyze on the sample in a fresh tmux pane WIDTH columns wide with
# the environment given, wait for it, and put the pane's text in $t/pane (lines joined where
# the terminal wrapped them, escape sequences kept).
n_pane=0
pane() {
  width=$1; shift
  n_pane=$((n_pane + 1))
  printf '#!/bin/sh\nexec env %s "%s" "%s" 2>/dev/null\n' "$*" "$exe" \
    "$samples/itunes-win-4013-baseband.log" > "$t/run.sh"
  printf '#!/bin/sh\nsh "%s"; echo __DONE__; sleep 60\n' "$t/run.sh" > "$t/pane.sh"
  : > "$t/pane"
  TERM=xterm-256color tmux -L "$sock" -f /dev/null new-session -d -s "p$n_pane" \
    -x "$width" -y 400 "sh $t/pane.sh" || { bad "tmux new-session"; return; }
  i=0
  while [ $i -lt 100 ]; do
    tmux -L "$sock" capture-pane -t "p$n_pane" -p -J -e -S - -E - > "$t/pane" 2>/dev/null
    grep -q __DONE__ "$t/pane" && break
    sleep 0.2; i=$((i + 1))
  done
  tmux -L "$sock" kill-session -t "p$n_pane" 2>/dev/null
  sed "s/$(printf '\033')\[[0-9;]*m//g; /__DONE__/d" "$t/pane" > "$t/pane.txt"
}

# The terminal's width wins over $COLUMNS: 70 columns, COLUMNS=200.
pane 70 COLUMNS=200 TERM=xterm-256color
w=$(cols "$t/pane.txt")
if grep -q "Failed while updating the modem" "$t/pane.txt" && [ "$w" -le 70 ] && [ "$w" -ge 65 ]; then ok
else bad "in a 70-column terminal with COLUMNS=200: widest line $w"; head -5 "$t/pane.txt"; fi
pane 120 TERM=xterm-256color
w=$(cols "$t/pane.txt")
[ "$w" -gt 100 ] && [ "$w" -le 120 ] && ok || bad "in a 120-column terminal: widest line $w"

# Colour on a terminal, none for TERM=dumb or NO_COLOR.
esc=$(printf '\033')
pane 100 TERM=xterm-256color
grep -q "$esc\[" "$t/pane" && ok || bad "no colour on a terminal with TERM=xterm-256color"
pane 100 TERM=dumb
grep -q "Failed while updating the modem" "$t/pane.txt" && ! grep -q "$esc\[[0-9;]*[1-9][0-9;]*m" "$t/pane" && ok \
  || bad "TERM=dumb: escape sequences on the terminal"
pane 100 TERM=xterm-256color NO_COLOR=1
grep -q "Failed while updating the modem" "$t/pane.txt" && ! grep -q "$esc\[[0-9;]*[1-9][0-9;]*m" "$t/pane" && ok \
  || bad "NO_COLOR=1: escape sequences on the terminal"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
