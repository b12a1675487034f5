#!/bin/sh
# The matcher backends side by side (docs/bench.md, "Matcher backends"): on a system-log-heavy
# mix, the full analysis with LOGANALYZE_MATCHER=portable and =vectorscan, without rules, and
# ripgrep with the rule files' patterns its default engine accepts, run in turn, REPS times.
# Prints each command's median whole-process CPU and wall seconds and peak RSS (GNU time).
#   sh scripts/bench-matcher.sh [-b BINARY] [-d DIR] [-s MIB] [-r REPS]
# Defaults: build/src/loganalyze, /tmp/la-bench-matcher, 200 MiB, 3.  The mix (DIR/mix.log) is
# ordinary macOS syslog lines with about 2 % of lines drawn from samples/*.log, deterministic;
# tests/bench/gen.py's system-log corpus is the official one, this is a stand-in.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
bin=$src/build/src/loganalyze dir=/tmp/la-bench-matcher mib=200 reps=3
while getopts b:d:s:r: o; do
  case $o in
    b) bin=$OPTARG ;; d) dir=$OPTARG ;; s) mib=$OPTARG ;; r) reps=$OPTARG ;;
    *) exit 2 ;;
  esac
done
mkdir -p "$dir"
export XDG_CACHE_HOME="$dir/cache"
if [ ! -s "$dir/mix.log" ]; then
  python3 - "$src/samples" "$mib" "$dir/mix.log" <<'EOF'
import glob, random, sys
rnd = random.Random(19)
samples = []
for p in sorted(glob.glob(sys.argv[1] + '/*.log')):
    with open(p, encoding='utf-8', errors='replace') as f:
        samples += [l.rstrip('\n') for l in f if l.strip()]
procs = ['kernel', 'mDNSResponder', 'configd', 'launchd', 'WindowServer', 'powerd', 'bluetoothd',
         'coreaudiod', 'locationd', 'cloudd', 'trustd', 'syslogd', 'sharingd', 'apsd', 'symptomsd']
msgs = ['ASL Sender Statistics', 'Service exited with abnormal code: 1',
        'com.apple.xpc.launchd.domain.system: Successfully spawned %s[%d] because ipc message',
        'network changed: v4(en0:192.168.%d.%d) DNS+ Proxy SMB', 'Wake reason: EC.LidOpen (User)',
        'AppleThunderboltNHIType2::prePCIWake - power up complete - took %d us',
        'setting hostname to "MacBook-Pro-%d.local"', 'Sandbox: %s(%d) deny(1) file-read-data /private/var/db',
        'IOPMrootDomain: idle cancel, state %d', 'CoreAnimation: timed out fence %x',
        'nw_connection_receive_internal_block_invoke [C%d] Receive reply failed with error "Operation canceled"',
        'BTLE scanner Powered On', 'DEPRECATED USE in libdispatch client: Setting timer interval to 0 requests a 1ns timer',
        'objc[%d]: Class AMSupportURLConnectionDelegate is implemented in both']
months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun']
target = int(sys.argv[2]) << 20
n = 0
with open(sys.argv[3], 'w', encoding='utf-8') as out:
    while n < target:
        if rnd.random() < 0.02:
            line = rnd.choice(samples)
        else:
            m = rnd.choice(msgs)
            k = m.count('%')
            args = tuple(rnd.choice(procs) if i == 0 and '%s' in m else rnd.randrange(1, 60000) for i in range(k))
            try:
                m = m % args
            except TypeError:
                m = m.replace('%s', 'x') % tuple(rnd.randrange(1, 60000) for _ in range(m.count('%') - m.count('%s')))
            line = '%s %2d %02d:%02d:%02d MacBook-Pro %s[%d]: %s' % (
                rnd.choice(months), rnd.randrange(1, 29), rnd.randrange(24), rnd.randrange(60),
                rnd.randrange(60), rnd.choice(procs), rnd.randrange(1, 99999), m)
        out.write(line + '\n')
        n += len(line.encode()) + 1
EOF
fi
# The rule files' patterns (not the vocabulary packs'), rewritten as tests/bench/run.sh does,
# without look-around (ripgrep's default engine rejects it).
mkdir -p "$dir/rules"
cp "$src"/rules/*.yaml "$dir/rules/"
"$bin" rules export --patterns --no-default-rules --rules "$dir/rules" >"$dir/patterns.txt"
sed -E 's/\(\?<([A-Za-z_][A-Za-z0-9_]*)>/(?:/g; s/.*/(?:&)/' "$dir/patterns.txt" |
  grep -vE '\(\?(=|!|<=|<!)|\\[1-9]|\\k<' >"$dir/rust.txt"
echo "mix: $(wc -c <"$dir/mix.log") bytes, $(wc -l <"$dir/mix.log") lines; rg patterns: $(wc -l <"$dir/rust.txt")"
run() {    # NAME CMD...: one run, appended to DIR/NAME.times as "wall cpu rss"
  name=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$dir/t" "$@" >"$dir/$name.out" 2>/dev/null || true
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$dir/t" >>"$dir/$name.times"
}
# Vectorscan's database compiled and cached before the timed runs (the cold start is
# measured with the rules' load time, not here).
: >"$dir/empty.log"
LOGANALYZE_MATCHER=vectorscan "$bin" -q --exit-zero "$dir/empty.log" >/dev/null
names="portable vectorscan norules rg"
for n in $names; do : >"$dir/$n.times"; done
i=0
while [ "$i" -lt "$reps" ]; do
  run portable env LOGANALYZE_MATCHER=portable "$bin" --deterministic --redact-key bench --format json --exit-zero -q "$dir/mix.log"
  run vectorscan env LOGANALYZE_MATCHER=vectorscan "$bin" --deterministic --redact-key bench --format json --exit-zero -q "$dir/mix.log"
  run norules "$bin" --format json --exit-zero -q --no-default-rules "$dir/mix.log"
  run rg rg -c -f "$dir/rust.txt" "$dir/mix.log"
  i=$((i + 1))
done
cmp -s "$dir/portable.out" "$dir/vectorscan.out" || echo "bench-matcher.sh: the two backends' reports differ" >&2
med() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf '%-12s %8s %8s %8s\n' run "cpu s" "wall s" "RSS MiB"
for n in $names; do
  printf '%-12s %8s %8s %8.1f\n' "$n" "$(cut -d' ' -f2 "$dir/$n.times" | med)" \
    "$(cut -d' ' -f1 "$dir/$n.times" | med)" "$(cut -d' ' -f3 "$dir/$n.times" | med | awk '{ print $1 / 1024 }')"
done
