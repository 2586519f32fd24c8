#!/usr/bin/env bash
# Starts three workers on loopback UDP with this project's jar on their classpath, calls the mean UDF through
# com.example.MeanClient, checks the answer, runs a graph job with com.example.InDegreeProgram whose results go
# into the workers' vertices, reads one back, and stops the workers (also on failure or Ctrl-C). Exit 0 when right.
#
#   mvn -q package && ./run.sh
#
# environment:
#   SHAWARMA            the shawarma command (default: ../scripts/shawarma of the source tree, else shawarma on
#                       the PATH, e.g. a binary distribution's bin/)
#   EXAMPLES_JAR        the jar to deploy (default: target/shawarma-examples-*.jar next to this script)
#   PORT_BASE           the workers receive on UDP ports PORT_BASE+1..PORT_BASE+3 (default 40100)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
if [[ -z "${SHAWARMA:-}" ]]
then
    if [[ -x "$here/../scripts/shawarma" ]]
    then
        SHAWARMA="$here/../scripts/shawarma"
    else
        SHAWARMA=$(command -v shawarma) || { echo "run.sh: set SHAWARMA to your scripts/shawarma or bin/shawarma" >&2; exit 2; }
    fi
fi
jar=${EXAMPLES_JAR:-$(ls "$here"/target/shawarma-examples-*.jar 2>/dev/null | head -n 1 || true)}
if [[ -z "$jar" || ! -f "$jar" ]]
then
    echo "run.sh: no examples jar: run mvn -q package in $here first (or set EXAMPLES_JAR)" >&2
    exit 2
fi
base=${PORT_BASE:-40100}
members="1@aeron:udp?endpoint=127.0.0.1:$((base + 1)),2@aeron:udp?endpoint=127.0.0.1:$((base + 2)),3@aeron:udp?endpoint=127.0.0.1:$((base + 3))"

logs=$(mktemp -d "${TMPDIR:-/tmp}/shawarma-examples.XXXXXX")
pids=()
stop_workers()
{
    local status=$? pid
    # SIGTERM: each worker closes its store and removes its /dev/shm directories before it exits.
    for pid in ${pids[@]+"${pids[@]}"}
    do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in ${pids[@]+"${pids[@]}"}
    do
        wait "$pid" 2>/dev/null || true
    done
    if (( status != 0 ))
    then
        for log in "$logs"/*.log
        do
            [[ -f "$log" ]] && { echo "--- $log"; tail -n 20 "$log"; } >&2
        done
    fi
    rm -rf "$logs"
    exit "$status"
}
trap stop_workers EXIT
trap 'exit 130' INT TERM

export SHAWARMA_CLASSPATH="$jar${SHAWARMA_CLASSPATH:+:$SHAWARMA_CLASSPATH}"
for id in 1 2 3
do
    "$SHAWARMA" worker -Dshawarma.worker.id="$id" -Dshawarma.fabric.members="$members" \
        -Dshawarma.idle.strategy=backoff >"$logs/worker-$id.log" 2>&1 &
    pids+=($!)
done

# Each worker prints one line when it serves, listing the UDFs it found: mean must be among them.
for id in 1 2 3
do
    for (( waited = 0; ; waited++ ))
    do
        if grep -q "ready on" "$logs/worker-$id.log"
        then
            break
        fi
        if (( waited >= 120 )) || ! kill -0 "${pids[$((id - 1))]}" 2>/dev/null
        then
            echo "run.sh: worker $id did not start (its output is below)" >&2
            exit 1
        fi
        sleep 0.5
    done
    grep -q 'udfs \[.*\bmean\b' "$logs/worker-$id.log" ||
        { echo "run.sh: worker $id did not load the mean UDF from $jar" >&2; exit 1; }
done
echo "run.sh: 3 workers ready on UDP ports $((base + 1))-$((base + 3)), each with the mean UDF"

output=$("$SHAWARMA" run com.example.MeanClient 42 2.5 3.5 6 -Dshawarma.fabric.members="$members" \
    -Dshawarma.idle.strategy=backoff)
echo "$output"
if [[ "$output" != *"mean of vertex 42 after 3 samples = 4.0"* ]]
then
    echo "run.sh: expected the mean of 2.5, 3.5 and 6 to be 4.0" >&2
    exit 1
fi

# A graph job with our own vertex program, its results put into the running workers' vertices, then read back.
edges="$logs/edges.txt"
printf '1 2\n1 3\n2 3\n4 3\n3 1\n' >"$edges"
"$SHAWARMA" pregel --program-class com.example.InDegreeProgram --values i64 --edges "$edges" --into "$members" \
    --workers 2 -Dshawarma.idle.strategy=backoff 2>"$logs/pregel.log" ||
    { echo "run.sh: the in-degree job failed:" >&2; cat "$logs/pregel.log" >&2; exit 1; }
degree=$("$SHAWARMA" get --fabric "$members" --vertex 3 --as i64 -Dshawarma.idle.strategy=backoff)
echo "$degree"
if [[ "$degree" != "OK 3" ]]
then
    echo "run.sh: expected vertex 3 to have 3 in-edges" >&2
    exit 1
fi
echo "run.sh: OK"
