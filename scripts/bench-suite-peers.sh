#!/usr/bin/env bash
# Training throughput of every network task of the suite in optopt and in PyTorch, interleaved
# task by task for ROUNDS rounds in one run, at each task's own batch size:
#   optopt   `bin/optopt bench task --task T --threads N --json` (with its roofline)
#   PyTorch  scripts/pytorch_suite.py --task T (the same network, Adam(1e-3), cross-entropy);
#            run only where `import torch` works; otherwise the script says so and prints optopt alone
#            (Debian: apt-get install python3-torch libopenblas0-pthread, so that torch's BLAS is OpenBLAS)
# and prints per task the median steps/s of each, optopt's fraction of its roofline and the ratio
# optopt/pytorch, then the same from process CPU time per step (cpu ratio = pytorch's CPU ms per step
# over optopt's), which other processes on a shared machine disturb far less than the wall clock. A task whose data optopt cannot find is skipped, saying so.
# Not a test and no test depends on it.
# Usage: scripts/bench-suite-peers.sh [ROUNDS] [THREADS] [STEPS] [TASK...]
#   defaults: 3 rounds, 1 thread, per-task steps (3000 for the dense tasks, whose JIT warm-up is long;
#   300 for char-rnn-shakespeare, 100 for fmnist-2c2d), every network task.
# PYTHON: the Python with torch (default: python3, then /usr/bin/python3).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
threads="${2:-1}"
steps="${3:-0}"
shift $(( $# < 3 ? $# : 3 ))
tasks=("$@")
[[ ${#tasks[@]} -gt 0 ]] || tasks=(mnist-mlp logreg-mnist logreg-a9a logreg-w8a fmnist-2c2d char-rnn-shakespeare)
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "ROUNDS must be a positive integer, got '$rounds'" >&2; exit 2; }
[[ "$threads" =~ ^[1-9][0-9]*$ ]] || { echo "THREADS must be a positive integer, got '$threads'" >&2; exit 2; }
[[ "$steps" =~ ^[0-9]+$ ]] || { echo "STEPS must be a non-negative integer (0: per-task default), got '$steps'" >&2; exit 2; }

steps_for() {
  if (( steps > 0 )); then echo "$steps"; return; fi
  case "$1" in fmnist-2c2d) echo 100 ;; char-rnn-shakespeare) echo 300 ;; *) echo 3000 ;; esac
}

# --- PyTorch (optional) ---
# shellcheck source=lib/peers.sh
source "$root/scripts/lib/peers.sh"   # also value KEY and median NUMBER...
[[ -n "$py" ]] || echo "Measuring optopt alone, no ratios."

"$root/bin/optopt" backends >/dev/null   # builds optopt on first use, outside the timings

errors="$(mktemp)"
trap 'rm -f "$errors"' EXIT

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
summary=()
for task in "${tasks[@]}"; do
  n=$(steps_for "$task")
  ours=(); frac=(); torch=(); ocpu=(); tcpu=()
  for ((r = 1; r <= rounds; r++)); do
    if ! o=$("$root/bin/optopt" bench task --task "$task" --threads "$threads" --steps "$n" --json 2>"$errors"); then
      echo "$task: optopt skipped: $(tail -1 "$errors")"
      continue 2
    fi
    ours+=("$(value steps_per_s <<<"$o")"); frac+=("$(value fraction_of_roofline <<<"$o")")
    ocpu+=("$(value cpu_ms_per_step <<<"$o")")
    line=$(printf '%s round %d: optopt %.2f steps/s (%.2f of roofline)' "$task" "$r" "${ours[-1]}" "${frac[-1]}")
    if [[ -n "$py" ]]; then
      p=$(env "${py_env[@]}" "$py" "$root/scripts/pytorch_suite.py" --task "$task" --threads "$threads" \
            --steps "$n" 2>"$errors") || { echo "pytorch failed on $task:" >&2; cat "$errors" >&2; exit 1; }
      torch+=("$(value steps_per_s <<<"$p")"); tcpu+=("$(value cpu_ms_per_step <<<"$p")")
      line+=$(printf ', pytorch %.2f steps/s' "${torch[-1]}")
      line+=$(printf '; CPU ms/step optopt %.1f, pytorch %.1f' "${ocpu[-1]}" "${tcpu[-1]}")
    fi
    echo "$line"
  done
  mo=$(median "${ours[@]}"); mf=$(median "${frac[@]}"); mc=$(median "${ocpu[@]}")
  if [[ -n "$py" ]]; then
    mp=$(median "${torch[@]}"); mt=$(median "${tcpu[@]}")
    summary+=("$(awk -v t="$task" -v o="$mo" -v f="$mf" -v p="$mp" -v oc="$mc" -v tc="$mt" 'BEGIN {
      printf "%-22s optopt %8.2f steps/s (%.2f of roofline)  pytorch %8.2f  optopt/pytorch %.2f", t, o, f, p, o / p
      printf "  | CPU ms/step optopt %.1f pytorch %.1f  cpu ratio %.2f", oc, tc, tc / oc }')")
  else
    summary+=("$(awk -v t="$task" -v o="$mo" -v f="$mf" 'BEGIN {
      printf "%-22s optopt %8.2f steps/s (%.2f of roofline)  pytorch n/a", t, o, f }')")
  fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "medians over $rounds round(s), $threads thread(s):"
printf '%s\n' "${summary[@]}"
