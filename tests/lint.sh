#!/bin/sh
# Banned calls (docs/style.md §8): fails listing each use.
src=$1
if grep -rnE '\b(strcpy|strcat|strncpy|sprintf|vsprintf|gets|strtok|atoi|atol|atof|alloca)[[:space:]]*\(' "$src" \
     --include='*.c' --include='*.h' | grep -v 'NOLINT'; then
  echo "banned function used (see docs/style.md §8)"
  exit 1
fi
echo "1 passed, 0 failed"
