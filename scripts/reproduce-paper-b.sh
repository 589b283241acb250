#!/usr/bin/env bash
# Reproduces paper B (Chandra et al., "Gradient Descent: The Ultimate Optimizer", arXiv 1909.13371
# v1) on MNIST as documented in docs/reproductions/paper-b.md: Tables 1 and 2 (with the re-runs of
# the plain optimizer at the learned values), the sensitivity sweep of SGD towers (Fig. 3) and the
# step-time cost of tower height. Not a test; runs everything sequentially (about 9 minutes on 2 cores).
#
# Usage: scripts/reproduce-paper-b.sh [OUT_DIR]        (default: docs/reproductions/paper-b)
# Environment: SEEDS (tables, default 5), SENS_SEEDS (sensitivity, default 3),
#   COST_REPEATS (default 5), COST_STEPS (default 600), RUNS (where run directories go; default a
#   fresh temporary directory), ONLY (space-separated subset of: tables reruns own sensitivity cost;
#   "reruns" re-runs the plain optimizers at the learned values averaged over seeds, "own" re-runs
#   each seed at its own learned values).
# Writes OUT_DIR/{tables,sensitivity,cost}.csv, results.md, sensitivity.png/.svg.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/docs/reproductions/paper-b}"
seeds="${SEEDS:-5}"
sens_seeds="${SENS_SEEDS:-3}"
cost_repeats="${COST_REPEATS:-5}"
cost_steps="${COST_STEPS:-600}"
runs="${RUNS:-$(mktemp -d -t paper-b-runs.XXXXXX)}"
only="${ONLY:-tables reruns own sensitivity cost}"
py=/usr/bin/python3   # Debian's python3-matplotlib, if installed, draws the PNG
[[ -x "$py" ]] || py=python3
helper=("$py" "$root/scripts/paper_b.py")

optopt=("$root/bin/optopt")
paper=(--task mnist-mlp --batch-size 300 --epochs 1 --evaluations 1)

# robust_compare DIR SEEDS SPECS OPTIONS...: `optopt compare` of SPECS over seeds 0..SEEDS-1 into
# DIR. compare stops at the first failed run (e.g. a non-finite hypergradient); the failed run is
# kept as a result and the rest is resumed: missing seeds of a begun spec with `optopt run`, the
# specs not begun with another compare.
robust_compare() {
  local dir=$1 n=$2 specs=$3 partial fresh last="" items item
  shift 3
  while :; do
    { IFS= read -r partial; IFS= read -r fresh; } < <("${helper[@]}" pending "$dir" "$n" "$specs")
    [[ -z "$partial" && -z "$fresh" ]] && return 0
    if [[ "$partial/$fresh" == "$last" ]]; then
      echo "no progress on: $partial $fresh (see the run directories under $dir)" >&2
      return 1
    fi
    last="$partial/$fresh"
    if [[ -n "$partial" ]]; then
      IFS=$'\t' read -r -a items <<< "$partial"
      for item in "${items[@]}"; do
        "${optopt[@]}" run "$@" --optimizer "${item%|*}" --seed "${item##*|}" --runs-dir "$dir/single" 2>/dev/null \
            | grep -v '\[' || true
      done
    fi
    if [[ -n "$fresh" ]]; then
      "${optopt[@]}" compare "$@" --seeds "$n" --runs-dir "$dir" --optimizers "$fresh" 2>/dev/null | grep -v '\[' || true
    fi
  done
}

wants() { [[ " $only " == *" $1 "* ]]; }
stamp() { date -u +%H:%M:%S; }

mkdir -p "$out" "$runs"
echo "run directories: $runs"
"${optopt[@]}" backends >/dev/null 2>&1   # builds on first use, outside the timings
# machine.txt: a full run starts it afresh; a partial one (ONLY=...) appends to it.
[[ -z "${ONLY:-}" ]] && : > "$out/machine.txt"
{
  [[ -n "${ONLY:-}" ]] && echo "--- partial re-run: ONLY=\"$only\""
  echo "commit: $(git -C "$root" rev-parse HEAD)$(git -C "$root" diff --quiet HEAD -- . ':!docs' || echo ' (with uncommitted changes)')"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p') x $(nproc)"
  echo "java: $("$("$root/bin/find-jdk")/bin/java" -version 2>&1 | head -1)"
} >> "$out/machine.txt"

if wants tables; then
  echo "$(stamp) tables: $seeds seeds"
  start=$SECONDS
  robust_compare "$runs/tables" "$seeds" "$("${helper[@]}" specs tables)" "${paper[@]}"
  echo "tables: $((SECONDS - start)) s wall" | tee -a "$out/machine.txt"
fi

if wants reruns; then
  echo "$(stamp) re-runs with the learned values: $seeds seeds"
  start=$SECONDS
  robust_compare "$runs/reruns" "$seeds" "$("${helper[@]}" rerun-specs "$runs/tables")" "${paper[@]}"
  echo "reruns: $((SECONDS - start)) s wall" | tee -a "$out/machine.txt"
fi

if wants own; then
  echo "$(stamp) re-runs with each seed's own learned values (same seed)"
  start=$SECONDS
  while IFS=$'\t' read -r spec seed; do
    "${optopt[@]}" run "${paper[@]}" --optimizer "$spec" --seed "$seed" --runs-dir "$runs/own" 2>/dev/null \
        | grep -v '\[' | tail -2 | head -1 || true
  done < <("${helper[@]}" rerun-own "$runs/tables" "$runs/own")
  echo "own re-runs: $((SECONDS - start)) s wall" | tee -a "$out/machine.txt"
fi

if wants sensitivity; then
  echo "$(stamp) sensitivity: $sens_seeds seeds"
  start=$SECONDS
  robust_compare "$runs/sensitivity" "$sens_seeds" "$("${helper[@]}" specs sensitivity)" "${paper[@]}"
  echo "sensitivity: $((SECONDS - start)) s wall" | tee -a "$out/machine.txt"
fi

if wants cost; then
  echo "$(stamp) step-time cost: $cost_repeats repeats of $cost_steps steps, batch 128"
  start=$SECONDS
  IFS=, read -r -a cost <<< "$("${helper[@]}" specs cost)"
  for ((r = 0; r < cost_repeats; r++)); do
    # one JVM per repeat; the order rotates so that no optimizer always runs first
    rotated=("${cost[@]:r % ${#cost[@]}}" "${cost[@]:0:r % ${#cost[@]}}")
    echo "load before repeat $r: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$out/machine.txt"
    robust_compare "$runs/cost/$r" 1 "$(IFS=,; echo "${rotated[*]}")" \
        --task mnist-mlp --batch-size 128 --steps "$cost_steps" --evaluations 1
  done
  echo "cost: $((SECONDS - start)) s wall" | tee -a "$out/machine.txt"
fi

echo "$(stamp) report"
"${helper[@]}" report "$out" "$runs/tables" "$runs/reruns" "$runs/own" "$runs/sensitivity" "$runs/cost"
