#!/usr/bin/env bash
# Builds examples/ as a user's project (its own pom, Shawarma's jars provided) against the jars this build made, then
# runs its run.sh: three workers with the example UDF, a call through the example client, the answer checked.
# Usage: examples.sh ROOT TARGET VERSION MAVEN_HOME OUTER_LOCAL_REPO
#
# ROOT/examples is copied to TARGET/examples, so that the source tree gets no target/ of its own. The staged
# repository TARGET/it-repo (maven-invoker-plugin:install) holds this build's jars; everything else Maven needs (the
# plugins) comes from the outer build's local repository, mirrored as a file: repository, so no network is used.
set -euo pipefail

root=$1
target=$2
version=$3
maven_home=$4
outer_repo=$5

examples="$target/examples"
rm -rf "$examples"
mkdir -p "$examples"
(cd "$root/examples" && tar --exclude=./target -cf - .) | (cd "$examples" && tar -xf -)

cat >"$target/examples-settings.xml" <<SETTINGS
<settings>
    <mirrors>
        <mirror>
            <id>outer-build</id>
            <mirrorOf>*</mirrorOf>
            <url>file://$outer_repo</url>
        </mirror>
    </mirrors>
</settings>
SETTINGS

mvn="$maven_home/bin/mvn"
[[ -x "$mvn" ]] || mvn=mvn
# The nested build's output is shown only when it fails.
if ! "$mvn" -B -Dstyle.color=never -s "$target/examples-settings.xml" -Dmaven.repo.local="$target/it-repo" \
    -Dshawarma.version="$version" -f "$examples/pom.xml" package >"$target/examples-build.log" 2>&1
then
    cat "$target/examples-build.log" >&2
    echo "examples.sh: mvn package of examples/ failed against this build's jars (output above)" >&2
    exit 1
fi
echo "examples.sh: built $(ls "$examples"/target/*.jar) against this build's jars"

SHAWARMA="$root/scripts/shawarma" SHAWARMA_NO_BUILD=1 "$examples/run.sh"

# run.sh must leave no worker behind (its EXIT trap stops them): none may still run on its ports.
marker="endpoint=127.0.0.1:$((${PORT_BASE:-40100} + 1))"
for (( i = 0; i < 20; i++ ))
do
    if ! ps -eo args | grep -F -- "$marker" | grep -q -F -- "-Dshawarma.worker.id="
    then
        echo "examples.sh: OK (run.sh left no worker running)"
        exit 0
    fi
    sleep 0.5
done
echo "examples.sh: run.sh left workers running on $marker:" >&2
ps -eo pid,args | grep -F -- "$marker" | grep -F -- "-Dshawarma.worker.id=" >&2
exit 1
