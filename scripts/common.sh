# Sourced by scripts/shawarma (bash): the java binary, the JVM flags every Shawarma JVM needs, and the classpath.
# The same two files are bin/shawarma and bin/common.sh of the binary distribution (distribution/), where the jars
# are in lib/ and the JVM flags in lib/jvm.flags instead of the modules' target/ and the parent pom.
#
# Defines:
#   SHAWARMA_ROOT          the repository root, resolved from this file's own path (works from any cwd); in the
#                          binary distribution, the directory holding bin/ and lib/.
#   SHAWARMA_DIST          set (to lib/) when running from the binary distribution.
#   SHAWARMA_SCRATCH       scratch dir for Chronicle's and JNA's files (never $HOME): ${TMPDIR:-/tmp}/shawarma-<user>.
#   JAVA                   $JAVA_HOME/bin/java, or java on the PATH.
#   SHAWARMA_JVM_FLAGS     array: the pom's shawarma.jvm.flags (read from pom.xml, so the list lives in one place)
#                          with user.home and jna.tmpdir under SHAWARMA_SCRATCH, the Java 21+/23+ flags where the
#                          JVM accepts them, then $SHAWARMA_JVM_OPTS (extra options, e.g. -Xmx512m).
#   shawarma_classpath     builds the jars if missing, then sets CLASSPATH (every module's classes, the runtime jars
#                          fabric-tools lists, then $SHAWARMA_CLASSPATH: your UDF jars).
#   shawarma_jmh_classpath sets CLASSPATH for the jmh module (its classes plus its runtime dependencies).

SHAWARMA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
SHAWARMA_USER=${USER:-$(id -un 2>/dev/null || echo "uid$(id -u)")}
SHAWARMA_SCRATCH=${SHAWARMA_SCRATCH:-${TMPDIR:-/tmp}/shawarma-$SHAWARMA_USER}
SHAWARMA_DIST=
if [[ -f "$SHAWARMA_ROOT/lib/jvm.flags" && ! -f "$SHAWARMA_ROOT/pom.xml" ]]
then
    SHAWARMA_DIST="$SHAWARMA_ROOT/lib"
fi

shawarma_die()
{
    echo "shawarma: $*" >&2
    exit 1
}

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]
then
    JAVA="$JAVA_HOME/bin/java"
else
    JAVA=$(command -v java) || shawarma_die "no java: install a JDK 17+ or set JAVA_HOME"
fi

# The major version of $JAVA: from the JDK's release file when there is one (no JVM start), else from java -version.
shawarma_java_major()
{
    local home version
    home=$(dirname "$(dirname "$(readlink -f "$JAVA")")")
    if [[ -f "$home/release" ]]
    then
        version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
    fi
    if [[ -z "${version:-}" ]]
    then
        version=$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)
    fi
    version=${version#1.}
    echo "${version%%[.+-]*}"
}

# The flags are read from the parent pom's <shawarma.jvm.flags> (one line), which the tests use too; the binary
# distribution has them in lib/jvm.flags, written from the same property. The pom points user.home and jna.tmpdir
# into target/ for tests; launched processes get a scratch dir instead.
shawarma_jvm_flags()
{
    local pom="$SHAWARMA_ROOT/pom.xml" line flag major
    if [[ -n "$SHAWARMA_DIST" ]]
    then
        pom="$SHAWARMA_DIST/jvm.flags"
        line=$(<"$pom")
    else
        line=$(sed -n 's:.*<shawarma\.jvm\.flags>\(.*\)</shawarma\.jvm\.flags>.*:\1:p' "$pom")
    fi
    [[ -n "$line" ]] || shawarma_die "cannot read <shawarma.jvm.flags> (on one line) from $pom"
    SHAWARMA_JVM_FLAGS=()
    for flag in $line
    do
        case "$flag" in
            -Duser.home=*|-Djna.tmpdir=*) ;;
            *'${'*) shawarma_die "unresolved Maven property in <shawarma.jvm.flags> of $pom: $flag" ;;
            *) SHAWARMA_JVM_FLAGS+=("$flag") ;;
        esac
    done
    SHAWARMA_JVM_FLAGS+=("-Duser.home=$SHAWARMA_SCRATCH/home" "-Djna.tmpdir=$SHAWARMA_SCRATCH/jna")

    major=$(shawarma_java_major)
    if [[ "$major" =~ ^[0-9]+$ ]]
    then
        # Aeron, Agrona and Chronicle use JNI/FFM and sun.misc.Unsafe; newer JVMs warn (later: refuse) without these.
        if (( major >= 21 ))
        then
            SHAWARMA_JVM_FLAGS+=("--enable-native-access=ALL-UNNAMED")
        fi
        if (( major >= 23 ))
        then
            SHAWARMA_JVM_FLAGS+=("--sun-misc-unsafe-memory-access=allow")
        fi
    fi
    if [[ -n "${SHAWARMA_JVM_OPTS:-}" ]]
    then
        # Word-split on purpose: SHAWARMA_JVM_OPTS="-Xmx512m -XX:+UseSerialGC".
        # shellcheck disable=SC2206
        SHAWARMA_JVM_FLAGS+=($SHAWARMA_JVM_OPTS)
    fi
    mkdir -p "$SHAWARMA_SCRATCH/home" "$SHAWARMA_SCRATCH/jna"
}

shawarma_build()
{
    # A binary distribution has every jar it runs in lib/; what is missing there needs the source tree.
    [[ -z "$SHAWARMA_DIST" ]] || shawarma_die "not in this binary distribution (lib/ has no jars for it):" \
        "this command needs the source tree (git clone, then scripts/shawarma)"
    # Set by tests that run the scripts inside a Maven build, which must not start another one.
    [[ -z "${SHAWARMA_NO_BUILD:-}" ]] || shawarma_die "the jars are not built (SHAWARMA_NO_BUILD is set)"
    command -v mvn >/dev/null || shawarma_die "the jars are not built and mvn is not on the PATH (needs Maven 3.8+)"
    echo "shawarma: building the jars (mvn -B -q install -DskipTests in $SHAWARMA_ROOT);" \
        "the first run downloads dependencies and takes a few minutes..." >&2
    (cd "$SHAWARMA_ROOT" && mvn -B -q install -DskipTests) || shawarma_die "build failed: see the Maven output above"
}

# The modules whose classes the scripts run, leaves first. fabric-tools depends on all of them and lists the jars
# they need in its target/runtime.classpath.
SHAWARMA_MODULES=(udf-api codecs messaging fabric-core fabric-graph fabric-aggregate fabric-grid fabric-wasm fabric-tools)
SHAWARMA_RUNTIME_LIST="$SHAWARMA_ROOT/fabric-tools/target/runtime.classpath"

# True when the tree is built: fabric-tools' runtime list and every jar in it, and each class named (without
# .class) in some module's target/classes.
shawarma_is_built()
{
    local list="$SHAWARMA_RUNTIME_LIST" name entry module found
    [[ -s "$list" ]] || return 1
    for name in "$@"
    do
        found=
        for module in "${SHAWARMA_MODULES[@]}"
        do
            [[ -f "$SHAWARMA_ROOT/$module/target/classes/${name//.//}.class" ]] && found=1
        done
        [[ -n "$found" ]] || return 1
    done
    local IFS=':'
    for entry in $(<"$list")
    do
        [[ -e "$entry" ]] || return 1
    done
    return 0
}

# Usage: shawarma_classpath [fully.qualified.ClassName ...]: builds unless the tree and those classes are built.
shawarma_classpath()
{
    if [[ -n "$SHAWARMA_DIST" ]]
    then
        shawarma_dist_classpath
        return
    fi
    if ! shawarma_is_built "$@"
    then
        shawarma_build
        shawarma_is_built "$@" || shawarma_die "built, but $* or fabric-tools/target/runtime.classpath is still missing"
    fi

    local cp="" module entry skip
    local modules=("${SHAWARMA_MODULES[@]}")
    for module in "${modules[@]}"
    do
        cp+="${cp:+:}$(shawarma_module_classes "$module")"
    done
    # The runtime list names the sibling modules' jars in ~/.m2; their target/classes above come first and win,
    # so a rebuilt tree is what runs.
    local IFS=':'
    for entry in $(<"$SHAWARMA_RUNTIME_LIST")
    do
        skip=
        for module in "${modules[@]}"
        do
            [[ "$entry" == */io/shawarma/"$module"/* ]] && skip=1
        done
        [[ -n "$skip" ]] || cp+=":$entry"
    done
    if [[ -n "${SHAWARMA_CLASSPATH:-}" ]]
    then
        # A misspelled entry would be silently ignored by java and the UDFs in it missing: refuse it by name.
        for entry in $SHAWARMA_CLASSPATH
        do
            [[ -z "$entry" || -e "${entry%/\*}" ]] ||
                shawarma_die "SHAWARMA_CLASSPATH entry $entry does not exist (relative to $PWD): fix the path, or build the jar first"
        done
        cp+=":$SHAWARMA_CLASSPATH"
    fi
    export CLASSPATH="$cp"
}

# A sibling module's classes dir, or its installed jar when the tree has no classes for it.
shawarma_module_classes()
{
    local module="$1" dir="$SHAWARMA_ROOT/$1/target/classes"
    if [[ -d "$dir" ]]
    then
        echo "$dir"
    else
        local IFS=':' entry
        for entry in $(<"$SHAWARMA_RUNTIME_LIST")
        do
            [[ "$entry" == */io/shawarma/"$module"/* ]] && echo "$entry" && return 0
        done
        shawarma_die "no classes for module $module: run mvn -B -q install -DskipTests in $SHAWARMA_ROOT"
    fi
}

# Sets CLASSPATH for the jmh module: the modules' (above), jmh/target/classes and jmh's runtime dependencies. The
# dependency list is jmh/target/runtime.classpath when the jmh pom writes one (as fabric-tools' does), else it is
# resolved once with the dependency plugin from the local Maven repository.
shawarma_jmh_classpath()
{
    local jmh="$SHAWARMA_ROOT/jmh" list="$SHAWARMA_ROOT/jmh/target/runtime.classpath"
    shawarma_classpath
    if [[ ! -s "$list" ]]
    then
        command -v mvn >/dev/null || shawarma_die "mvn is needed once to list the jmh module's dependencies"
        (cd "$SHAWARMA_ROOT" && mvn -B -q -pl jmh dependency:build-classpath -Dmdep.includeScope=runtime \
            -Dmdep.outputFile="$list") || shawarma_die "could not list the jmh module's dependencies"
    fi
    export CLASSPATH="$jmh/target/classes:$CLASSPATH:$(<"$list")"
}

# The binary distribution's classpath: every jar in lib/ (the modules' and their dependencies'), then
# $SHAWARMA_CLASSPATH.
shawarma_dist_classpath()
{
    local cp="" jar
    for jar in "$SHAWARMA_DIST"/*.jar
    do
        [[ -f "$jar" ]] || shawarma_die "no jars in $SHAWARMA_DIST: unpack the distribution again"
        cp+="${cp:+:}$jar"
    done
    if [[ -n "${SHAWARMA_CLASSPATH:-}" ]]
    then
        cp+=":$SHAWARMA_CLASSPATH"
    fi
    export CLASSPATH="$cp"
}
