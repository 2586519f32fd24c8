#!/usr/bin/env bash
# Unpacks the binary distribution in a temporary directory and runs bin/shawarma demo there, as a user without the
# source tree or Maven does: it must end with the demo's OK and exit 0. Usage: distribution-demo.sh TARBALL NAME
set -euo pipefail

tarball=$1
name=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/shawarma-dist.XXXXXX")
trap 'rm -rf "$work"' EXIT

tar -xzf "$tarball" -C "$work"
cd "$work/$name"
for path in bin/shawarma bin/common.sh lib/jvm.flags config/worker-1.properties README.md docs/configuration.md bench-results
do
    [[ -e "$path" ]] || { echo "distribution-demo: $name has no $path" >&2; exit 1; }
done

# Nothing of the source tree: no PATH entry of it, no variable pointing into it, and run from elsewhere.
output=$(cd "$work" && env -u SHAWARMA_CLASSPATH -u SHAWARMA_NO_BUILD PATH=/usr/bin:/bin \
    "$work/$name/bin/shawarma" demo --calls 200 2>&1) || { echo "$output" >&2; echo "distribution-demo: bin/shawarma demo failed" >&2; exit 1; }
echo "$output" | tail -n 5
if [[ "$output" != *"OK: every answer was right"* ]]
then
    echo "$output" >&2
    echo "distribution-demo: bin/shawarma demo did not end with its OK line" >&2
    exit 1
fi
echo "distribution-demo: OK ($name unpacked in a temporary directory ran the demo)"
