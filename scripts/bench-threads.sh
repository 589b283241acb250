#!/usr/bin/env bash
# Data-parallel steps against one thread: `bin/optopt --backend-option kernel-threads=1 bench task
# --task T --threads 1 --json` and the same with N for 1 (N shards, and N threads for the optimizer's
# kernels over large tensors; OpenBLAS on one thread in both) alternated task by task for ROUNDS rounds in one run (1 then N in odd rounds, N then 1
# in even ones, so that a drifting machine load does not favour either), at each task's own batch
# size. Prints every run (its median, mean and 90th-percentile step) with the load average before it
# and the cache-line round trip between two threads measured just before it (scripts/lib/CoreRoundTrip.java:
# about 65 ns when the VM's vCPUs sit on nearby cores, 400-650 ns when far apart, which on the 2-vCPU
# VMs decides whether two threads get their full speedup; docs/performance.md, third pass),
# then per task the median over rounds of each run's median wall-clock ms per step, the speedup
# (1-thread ms over N-thread ms), the same for the runs' mean steps (what a long run pays per step
# when steps are bimodal), the median process CPU ms per step and the load average range. A task whose data optopt cannot find is skipped, saying so.
# Not a test and no test depends on it.
# Usage: scripts/bench-threads.sh [ROUNDS] [THREADS] [TASK...]
#   defaults: 3 rounds, 2 threads, mnist-mlp fmnist-2c2d char-rnn-shakespeare logreg-mnist.
# STEPS: timed steps per run for every task (default per task: 20000 for the dense tasks, 200 for
#   char-rnn-shakespeare, 60 for fmnist-2c2d). The dense tasks' steps are about 1 ms: with 2000 the
#   JIT still compiles through the timed window (-XX:+PrintCompilation: some 250 compilations in the
#   last 3 s of a 3000-step run) on one of the two cores, and two-thread runs had a tail (p90
#   1.4-1.7 ms against a 0.7 ms median) that 20000 steps (a 4000-step warm-up) do not show.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
threads="${2:-2}"
shift $(( $# < 2 ? $# : 2 ))
tasks=("$@")
[[ ${#tasks[@]} -gt 0 ]] || tasks=(mnist-mlp fmnist-2c2d char-rnn-shakespeare logreg-mnist)
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "ROUNDS must be a positive integer, got '$rounds'" >&2; exit 2; }
[[ "$threads" =~ ^[1-9][0-9]*$ ]] || { echo "THREADS must be a positive integer, got '$threads'" >&2; exit 2; }
[[ "${STEPS:-1}" =~ ^[1-9][0-9]*$ ]] || { echo "STEPS must be a positive integer, got '$STEPS'" >&2; exit 2; }

steps_for() {
  if [[ -n "${STEPS:-}" ]]; then echo "$STEPS"; return; fi
  case "$1" in fmnist-2c2d) echo 60 ;; char-rnn-shakespeare) echo 200 ;; *) echo 20000 ;; esac
}
# shellcheck source=lib/numbers.sh
source "$root/scripts/lib/numbers.sh"   # value KEY, median NUMBER...
load() { cut -d' ' -f1 /proc/loadavg; }
round_trip() { "$("$root/bin/find-jdk")/bin/java" "$root/scripts/lib/CoreRoundTrip.java"; }

"$root/bin/optopt" backends >/dev/null   # builds optopt on first use, outside the timings
errors="$(mktemp)"
trap 'rm -f "$errors"' EXIT

echo "$(nproc) processors; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
summary=()
for task in "${tasks[@]}"; do
  n=$(steps_for "$task")
  declare -A ms=() mean=() cpu=()
  loads=()
  for ((r = 1; r <= rounds; r++)); do
    order=(1 "$threads")
    (( r % 2 == 1 )) || order=("$threads" 1)
    for t in "${order[@]}"; do
      loads+=("$(load)")
      trip=$(round_trip)
      if ! o=$("$root/bin/optopt" --backend-option kernel-threads="$t" bench task --task "$task" --threads "$t" \
            --steps "$n" --json 2>"$errors"); then
        echo "$task: skipped: $(tail -1 "$errors")"
        continue 3
      fi
      ms[$t]+=" $(value step_ms <<<"$o")"; mean[$t]+=" $(value mean_step_ms <<<"$o")"
      cpu[$t]+=" $(value cpu_ms_per_step <<<"$o")"
      printf '%s round %d, %d thread(s): %.3f ms/step (mean %.3f, p90 %.3f), CPU %.3f ms/step, matmul %.1f GFLOP/s, load %s, core round trip %s ns\n' \
        "$task" "$r" "$t" "$(value step_ms <<<"$o")" "$(value mean_step_ms <<<"$o")" "$(value p90_step_ms <<<"$o")" \
        "$(value cpu_ms_per_step <<<"$o")" "$(value matmul_gflops <<<"$o")" "${loads[-1]}" "$trip"
    done
  done
  # shellcheck disable=SC2086
  m1=$(median ${ms[1]}); mn=$(median ${ms[$threads]}); c1=$(median ${cpu[1]}); cn=$(median ${cpu[$threads]})
  # shellcheck disable=SC2086
  e1=$(median ${mean[1]}); en=$(median ${mean[$threads]})
  summary+=("$(awk -v t="$task" -v n="$threads" -v a="$m1" -v b="$mn" -v c="$c1" -v d="$cn" -v e="$e1" -v f="$en" \
      -v lo="$(printf '%s\n' "${loads[@]}" | sort -g | head -1)" -v hi="$(printf '%s\n' "${loads[@]}" | sort -g | tail -1)" 'BEGIN {
    printf "%-22s 1 thread %9.3f ms/step, %d threads %9.3f ms/step: speedup %.2f | means %.3f and %.3f: %.2f | CPU ms/step %.3f and %.3f | load %s-%s",
      t, a, n, b, a / b, e, f, e / f, c, d, lo, hi }')")
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "medians over $rounds round(s):"
printf '%s\n' "${summary[@]}"
