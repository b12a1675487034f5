#!/bin/sh
# The samples are generated: samples/tools/device_samples.py, host_samples.py and
# build-archives.sh must each reproduce the committed samples, sources and expectations
# byte for byte (--check regenerates into a temporary folder and compares). Needs python3,
# GNU tar, gzip, zip, unzip, iconv.
dir=$1
for t in python3 tar gzip zip unzip iconv fold; do
  command -v "$t" >/dev/null || { echo "$t is missing"; exit 77; }
done
export PYTHONDONTWRITEBYTECODE=1
fail=0
python3 "$dir/tools/device_samples.py" --check || fail=1
python3 "$dir/tools/host_samples.py" --check || fail=1
sh "$dir/tools/build-archives.sh" --check || fail=1
exit "$fail"
