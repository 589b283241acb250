#!/usr/bin/env bash
# Training throughput on the mnist-mlp step (MLP 784-128-10, tanh, softmax + NLL, Adam(1e-3),
# batch 128, float32, data in memory) of three peers, interleaved for ROUNDS rounds in one run:
#   optopt   `bin/optopt bench task --task mnist-mlp --threads T --json` (with its matmul roofline)
#   PyTorch  scripts/pytorch_suite.py --task mnist-mlp; optional: skipped, saying so, when `import torch` fails
#            (Debian: apt-get install python3-torch libopenblas0-pthread, so that torch's BLAS is
#            OpenBLAS, as users run it)
#   DL4J     scripts/dl4j-mnist-mlp (1.0.0-M2.1, ND4J avx2), built with the Maven wrapper on first use
# and prints each peer's median examples/s and the ratios optopt/pytorch and optopt/dl4j.
# Every peer runs max(30, STEPS/5) warm-up steps, then STEPS timed steps, and reports the median
# step. The JVM peers need the long default: both optopt and DL4J are still JIT-compiling for the
# first few hundred steps (DL4J for ~800 on a 2-core VM), so with 300 steps they measure warm-up.
# Not a test and no test depends on it.
# Usage: scripts/bench-mnist-peers.sh [ROUNDS] [THREADS] [STEPS]   (defaults: 3, 1, 3000)
# The mnist-mlp task of optopt reads MNIST (see README.md for where; OPTOPT_SHARED=/path/to/shared).
# PYTHON: the Python with torch (default: python3, then /usr/bin/python3).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
threads="${2:-1}"
steps="${3:-3000}"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "ROUNDS must be a positive integer, got '$rounds'" >&2; exit 2; }
[[ "$threads" =~ ^[1-9][0-9]*$ ]] || { echo "THREADS must be a positive integer, got '$threads'" >&2; exit 2; }
[[ "$steps" =~ ^[1-9][0-9]*$ ]] || { echo "STEPS must be a positive integer, got '$steps'" >&2; exit 2; }
JAVA_HOME="$("$root/bin/find-jdk")"
export JAVA_HOME

# --- PyTorch (optional) ---
# shellcheck source=lib/peers.sh
source "$root/scripts/lib/peers.sh"   # also value KEY and median NUMBER...

# --- DL4J: built on first use or when its sources changed ---
dl4j="$root/scripts/dl4j-mnist-mlp"
dl4j_stamp="$dl4j/target/classes/org/optopt/peers/dl4j/MnistMlpThroughput.class"
if [[ ! -f "$dl4j_stamp" || ! -d "$dl4j/target/lib" \
      || -n "$(find "$dl4j/pom.xml" "$dl4j/src" -newer "$dl4j_stamp" -print -quit)" ]]; then
  echo "DL4J: building $dl4j (first use or sources changed)..."
  "$root/mvnw" -B -q -f "$dl4j/pom.xml" package >&2 || { echo "DL4J: build failed (see above)" >&2; exit 1; }
fi

# --- optopt: built by bin/optopt on first use, outside the timings ---
"$root/bin/optopt" backends >/dev/null

errors="$(mktemp)"
trap 'rm -f "$errors"' EXIT
# run NAME COMMAND...: the command's stdout (one JSON line); its stderr is shown only if it fails.
run() {
  local name="$1"; shift
  if ! "$@" 2>"$errors"; then
    echo "$name failed: $*" >&2; cat "$errors" >&2; exit 1
  fi
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
ours=(); roof=(); torch=(); dl=()
for ((r = 1; r <= rounds; r++)); do
  o=$(run optopt "$root/bin/optopt" bench task --task mnist-mlp --threads "$threads" --steps "$steps" --json)
  ours+=("$(value examples_per_s <<<"$o")"); roof+=("$(value roofline_examples_per_s <<<"$o")")
  line=$(printf 'round %d: optopt %.0f (roofline %.0f)' "$r" "${ours[-1]}" "${roof[-1]}")
  if [[ -n "$py" ]]; then
    p=$(run pytorch env "${py_env[@]}" "$py" "$root/scripts/pytorch_suite.py" --task mnist-mlp --threads "$threads" --steps "$steps")
    torch+=("$(value examples_per_s <<<"$p")")
    line+=$(printf ', pytorch %.0f' "${torch[-1]}")
  fi
  d=$(run dl4j env OMP_NUM_THREADS="$threads" "$JAVA_HOME/bin/java" \
        --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
        -cp "$dl4j/target/classes:$dl4j/target/lib/*" org.optopt.peers.dl4j.MnistMlpThroughput --threads "$threads" --steps "$steps")
  dl+=("$(value examples_per_s <<<"$d")")
  printf '%s, dl4j %.0f examples/s\n' "$line" "${dl[-1]}"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

mo=$(median "${ours[@]}"); mr=$(median "${roof[@]}"); md=$(median "${dl[@]}")
mp=""; [[ -n "$py" ]] && mp=$(median "${torch[@]}")
awk -v o="$mo" -v r="$mr" -v p="$mp" -v d="$md" -v t="$threads" -v n="$rounds" -v s="$steps" 'BEGIN {
  printf "median over %d round(s) of %d steps, %d thread(s), examples/s: optopt %.0f (roofline %.0f, %.2f of it)", n, s, t, o, r, o / r
  if (p != "") printf ", pytorch %.0f", p
  printf ", dl4j %.0f\n", d
  if (p != "") printf "optopt/pytorch = %.2f (goal: > 1)\n", o / p
  else printf "optopt/pytorch: n/a (PyTorch skipped)\n"
  printf "optopt/dl4j = %.2f (goal: >= 2)\n", o / d
}'
