#!/usr/bin/env bash
# Speed of this checkout against another commit, measured in one run: `bench optimizers` (every
# elementwise optimizer's step at one size), `bench task` (forward + backward + Adam) and the cost of
# a tower step (`run` of a plain optimizer and of towers on the same task), each interleaved
# old/new for ROUNDS rounds so that both sides see the same machine load. Prints, per measurement,
# the median of each side and the ratio new/old (below 1: this checkout is faster).
#
#   scripts/bench-against.sh REV [ROUNDS]        e.g. scripts/bench-against.sh HEAD~1 3
#
# SIZE (default 1000000): parameters per optimizer step; TASK (default mnist-mlp) and TASK_STEPS
# (default 300): the task bench; TOWER_TASK (default teacher-student-mlp), TOWER_STEPS (default
# 1500) and TOWERS (default "adam adam/sgd(1e-5) adam/adam(1e-5)/sgd(1e-6)"): the tower costs.
# REV is checked out into a temporary worktree, built there, and removed at the end.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rev="${1:?usage: scripts/bench-against.sh REV [ROUNDS]}"
rounds="${2:-3}"
size="${SIZE:-1000000}"
task="${TASK:-mnist-mlp}"
task_steps="${TASK_STEPS:-300}"
tower_task="${TOWER_TASK:-teacher-student-mlp}"
tower_steps="${TOWER_STEPS:-1500}"
read -r -a towers <<< "${TOWERS:-adam adam/sgd(1e-5) adam/adam(1e-5)/sgd(1e-6)}"

git -C "$root" rev-parse --verify -q "$rev^{commit}" >/dev/null || { echo "bench-against: unknown commit '$rev'" >&2; exit 2; }
work="$(mktemp -d)"
old="$work/old"
trap 'git -C "$root" worktree remove --force "$old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$root" worktree add -q --detach "$old" "$rev"
echo "old: $rev = $(git -C "$root" rev-parse --short "$rev"); new: this checkout ($(git -C "$root" rev-parse --short HEAD)$(
  [[ -n "$(git -C "$root" status --porcelain)" ]] && echo ", with uncommitted changes"))"
for side in "$old" "$root"; do "$side/bin/optopt" backends >/dev/null; done   # builds both first

# measure SIDE NAME: appends "NAME<TAB>value" lines to $work/<side>.tsv
measure() {
  local side="$1" label="$2" out="$work/$2.tsv"
  "$side/bin/optopt" bench optimizers --size "$size" --json |
    sed -n 's/.*"optimizer": "\([^"]*\)".*"ms_per_step": \([0-9.eE+-]*\).*/optimizer \1 ms\t\2/p' >> "$out"
  "$side/bin/optopt" bench task --task "$task" --steps "$task_steps" --json |
    sed -n "s/.*\"step_ms\": \([0-9.eE+-]*\).*/task $task ms\t\1/p" >> "$out"
  for t in "${towers[@]}"; do
    local dir="$work/run-$label-$RANDOM"
    "$side/bin/optopt" run --task "$tower_task" --optimizer "$t" --steps "$tower_steps" --evaluations 1 --runs-dir "$dir" >/dev/null
    tail -n 1 "$dir"/*/steps.csv | awk -F, -v t="$t" -v n="$tower_steps" '{printf "run %s ms/step\t%.6f\n", t, 1000*$2/n}' >> "$out"
  done
}
for ((r = 1; r <= rounds; r++)); do
  echo "round $r of $rounds..." >&2
  measure "$old" old
  measure "$root" new
done

printf '%-44s %12s %12s %9s\n' MEASUREMENT OLD NEW NEW/OLD
cut -f1 "$work/new.tsv" | awk '!seen[$0]++' | while IFS= read -r key; do
  med() { awk -F'\t' -v k="$key" '$1 == k {print $2}' "$1" | sort -g | awk '{a[NR]=$1} END {if (NR) print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
  o=$(med "$work/old.tsv"); n=$(med "$work/new.tsv")
  if [[ -n "$o" ]]; then
    awk -v k="$key" -v o="$o" -v n="$n" 'BEGIN {printf "%-44s %12.4f %12.4f %9.3f\n", k, o, n, n / o}'
  else
    printf '%-44s %12s %12.4f %9s\n' "$key" - "$n" -
  fi
done
