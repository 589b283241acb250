#!/usr/bin/env bash
# mnist-mlp's network (784-128-10, batch 128, Adam) on one thread against the same step split by
# hidden units over two threads, in a scratch harness (scripts/lib/HiddenSplitProbe.java: not the
# product's training loop; the project's OpenBLAS calls, plain Java loops for the rest). Checks
# first that the split step computes the one-thread step's losses and parameters, then alternates
# the two for ROUNDS rounds, printing each run's median, mean and p90 ms per step with the load
# average and the core round trip between two threads before it (scripts/lib/CoreRoundTrip.java),
# and a third run per round of one thread doing only the split step's first half (no second thread).
# docs/performance.md, "A hidden-unit split, measured in a harness". Not a test.
# Usage: scripts/bench-hidden-split.sh [ROUNDS] [STEPS] [WARMUP]   (defaults 3, 10000, 2000 steps per run)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for arg in "${@:1:2}"; do
  [[ "$arg" =~ ^[1-9][0-9]*$ ]] || { echo "ROUNDS and STEPS must be positive integers, got '$arg'" >&2; exit 2; }
done
[[ "${3:-0}" =~ ^[0-9]+$ ]] || { echo "WARMUP must be a non-negative integer, got '$3'" >&2; exit 2; }
"$root/bin/optopt" backends >/dev/null   # builds optopt's jars on first use
target="$root/app-cli/target"
exec "$("$root/bin/find-jdk")/bin/java" --enable-native-access=ALL-UNNAMED \
  -cp "$target/modules/backend-nd4j.jar:$target/lib/*" "$root/scripts/lib/HiddenSplitProbe.java" "$@"
