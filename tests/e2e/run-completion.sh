#!/bin/sh
# Shell completion (src/cli/completion.c): the scripts `loganalyze completion bash|zsh|fish`
# writes (and meson installs) load in their shell, and completing words gives what the
# program's own tables hold: `loganalyze --fo<TAB>` is --format, `--tried cab<TAB>` is cable,
# `rules l<TAB>` is lint.  bash is driven through COMP_WORDS and the completion function,
# fish through `complete -C`; zsh is checked to load and register _loganalyze with compinit.
# A shell that is not installed is skipped; all of them missing is exit 77.
# Usage: run-completion.sh LOGANALYZE [BUILD_DIR_WITH_GENERATED_SCRIPTS]
exe=$1 gen=$2
t=$(mktemp -d) || exit 1
trap 'rm -rf "$t"' EXIT
pass=0 fail=0 shells=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }

for sh in bash zsh fish; do
  "$exe" completion $sh > "$t/$sh" 2>"$t/err" || bad "completion $sh: exit $?"
  [ -s "$t/$sh" ] || bad "completion $sh: empty"
  # What meson generated at build time is what the program writes now.
  if [ -n "$gen" ]; then
    case $sh in bash) g=$gen/loganalyze ;; zsh) g=$gen/_loganalyze ;; fish) g=$gen/loganalyze.fish ;; esac
    cmp -s "$g" "$t/$sh" && ok || bad "the generated $g differs from \`completion $sh\`"
  fi
done
"$exe" completion tcsh > /dev/null 2>"$t/err"; rc=$?
[ $rc -eq 2 ] && grep -q "usage: loganalyze completion bash|zsh|fish" "$t/err" && ok \
  || bad "completion tcsh: exit $rc"
"$exe" --help | grep -q completion && bad "--help lists the hidden completion command" || ok

# bash: COMP_WORDS as bash would split the line, then the function's COMPREPLY.
if command -v bash >/dev/null 2>&1; then
  shells=$((shells + 1))
  bcomp() { # want words...
    want=$1; shift
    got=$(bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _loganalyze
                   printf "%s\n" "${COMPREPLY[@]}"' _ "$t/bash" "$@")
    printf '%s\n' "$got" | grep -qx -- "$want" && ok || bad "bash: '$*' gives [$(echo $got)], want $want"
  }
  bash -n "$t/bash" && ok || bad "bash: syntax"
  bash -c '. "$1" && complete -p loganalyze' _ "$t/bash" | grep -q "_loganalyze loganalyze" && ok \
    || bad "bash: complete -p has no loganalyze"
  bcomp --format loganalyze --fo
  bcomp json loganalyze --format js
  bcomp json loganalyze --format = js
  bcomp high loganalyze x.log --fail-on hi
  bcomp cable loganalyze --tried cab
  bcomp cable,update-host loganalyze --tried cable,update-h
  bcomp itunes-updater loganalyze --input-format itunes-u
  bcomp depth= loganalyze --limit dep
  bcomp explain loganalyze expl
  bcomp lint loganalyze rules l
  bcomp 4013 loganalyze explain 401
  bcomp tss: loganalyze explain ts
  bcomp inspect loganalyze --format json insp
fi

# zsh: the script loads through compinit from a folder of fpath and registers _loganalyze.
if command -v zsh >/dev/null 2>&1; then
  shells=$((shells + 1))
  mkdir -p "$t/zfunc" && cp "$t/zsh" "$t/zfunc/_loganalyze"
  zsh -n "$t/zsh" && ok || bad "zsh: syntax"
  out=$(cd "$t" && HOME=$t zsh -f -c 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -D
        print -r -- "$_comps[loganalyze]"; autoload +X _loganalyze && print loaded' _ "$t/zfunc" 2>&1)
  printf '%s\n' "$out" | grep -qx "_loganalyze" && printf '%s\n' "$out" | grep -qx loaded && ok \
    || bad "zsh: compinit does not register _loganalyze: $out"
fi

# fish: `complete -C` asks fish what it would offer for a command line.
if command -v fish >/dev/null 2>&1; then
  shells=$((shells + 1))
  fish -n "$t/fish" && ok || bad "fish: syntax"
  fcomp() { # want line
    got=$(HOME=$t fish --no-config -c "source '$t/fish'; complete -C'$2'" 2>&1 | cut -f1)
    printf '%s\n' "$got" | grep -qx -- "$1" && ok || bad "fish: '$2' gives [$(echo $got)], want $1"
  }
  fcomp --format "loganalyze --fo"
  fcomp json "loganalyze --format js"
  fcomp cable "loganalyze --tried cab"
  fcomp cable,update-host "loganalyze --tried cable,update-h"
  fcomp explain "loganalyze expl"
  fcomp lint "loganalyze rules l"
  fcomp 4013 "loganalyze explain 401"
fi

echo "$pass passed, $fail failed ($shells of 3 shells found)"
[ "$fail" -eq 0 ] || exit 1
[ "$shells" -gt 0 ] || exit 77
