#!/usr/bin/env bash
# The K-FAC design's factor inverses by eigendecomposition (before) against Cholesky (now), one run,
# interleaved (scripts/benchmarks/FactorInverse.java says what each side does).
# Usage: scripts/benchmarks/factor-inverse.sh [ROWS] [COLS] [REPEATS]   (default 784 128 3)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$root/bin/optopt" backends >/dev/null   # builds once, outside the timings
modules="$root/app-cli/target/modules"
JAVA_HOME="$("$root/bin/find-jdk")"
"$JAVA_HOME/bin/java" -cp "$modules/core-theory.jar:$(ls "$modules"/ejml-*.jar | tr '\n' ':')" \
  "$root/scripts/benchmarks/FactorInverse.java" "$@"
