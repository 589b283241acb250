#!/usr/bin/env bash
# The study machinery's overhead against a plain `optopt run` of the same training (Adam, default
# batch), interleaved in one run. A study trial differs from a plain run by its dispatch (study
# file, trial expansion, lock: once per trial) and its checkpoints every 500 steps (the plain run
# checkpoints only after its last step); both write the same logs. Reported per trial:
#   overhead = time spent writing checkpoints (metrics.json checkpoint_seconds)
#              / training time (metrics.json seconds), both measured in the same process,
# and, for information, the wall times of both commands (JVM start and data loading included; on a
# busy machine these differ by more than the overhead).
# Usage: scripts/benchmarks/study-overhead.sh [TASK] [STEPS] [REPEATS]   (default mnist-mlp 3000 3)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
task="${1:-mnist-mlp}" steps="${2:-3000}" repeats="${3:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
optopt() { "$root/bin/optopt" "$@"; }
now() { date +%s.%N; }
field() { grep -o "\"$1\": [0-9.e+-]*" "$2" | head -1 | cut -d' ' -f2; }
optopt tasks >/dev/null   # builds once, outside the timings
ratios=() plain=() study=()
for r in $(seq 1 "$repeats"); do
  t0=$(now)
  optopt run --task "$task" --optimizer adam --steps "$steps" --checkpoint-every 1000000000 \
    --runs-dir "$work/plain-$r" >/dev/null 2>&1
  t1=$(now)
  cat > "$work/s.yaml" <<YAML
name: overhead
tasks: $task
optimizers: [adam]
budget: {steps: $steps}
checkpoint_every: 500
output: $work/study-$r
YAML
  optopt study run "$work/s.yaml" >/dev/null 2>&1
  t2=$(now)
  m=$(ls "$work"/study-"$r"/trials/*/metrics.json)
  train=$(field seconds "$m") ckpt=$(field checkpoint_seconds "$m")
  ratios+=("$(echo "100 * $ckpt / $train" | bc -l)")
  plain+=("$(echo "$t1 - $t0" | bc -l)") study+=("$(echo "$t2 - $t1" | bc -l)")
  printf 'repeat %d: study trial: training %.2f s, checkpoints %.3f s (%.2f%%); wall: plain run %.1f s, study %.1f s\n' \
    "$r" "$train" "$ckpt" "${ratios[-1]}" "${plain[-1]}" "${study[-1]}" >&2
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf 'task %s, %s steps, checkpoints every 500, %s repeats: overhead %.2f%% of training time (median); wall: plain run %.1f s, study %.1f s (medians)\n' \
  "$task" "$steps" "$repeats" "$(median "${ratios[@]}")" "$(median "${plain[@]}")" "$(median "${study[@]}")"
