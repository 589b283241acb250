#!/usr/bin/env bash
# A small reproduction of paper A's claim for GAP momentum selection ("matches or beats the best
# fixed momentum") on mnist-mlp, as documented in docs/reproductions/paper-a.md: GAP-SGDM and
# GAP-Adam (switch, switch-per-tensor, and switch with j_ema = 0.9, the configurations the GAP
# README recommends) against fixed momenta {0.5, 0.9, 0.99}, each on a small grid of learning
# rates, over SEEDS seeds of EPOCHS epochs. Not a test; about 8 minutes on 2 cores with the defaults.
#
# Usage: scripts/reproduce-paper-a.sh [OUT_DIR]        (default: docs/reproductions/paper-a)
# Environment: SEEDS (default 3), EPOCHS (default 1), SGD_LRS (default "0.01 0.05 0.1"),
#   ADAM_LRS (default "0.001 0.003"), RUNS (where run directories go; default a fresh temporary directory).
# Writes OUT_DIR/results.md (the tables), OUT_DIR/summary-{sgd,adam}.csv and OUT_DIR/machine.txt.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/docs/reproductions/paper-a}"
seeds="${SEEDS:-3}"
epochs="${EPOCHS:-1}"
sgd_lrs="${SGD_LRS:-0.01 0.05 0.1}"
adam_lrs="${ADAM_LRS:-0.001 0.003}"
runs="${RUNS:-$(mktemp -d -t paper-a-runs.XXXXXX)}"

optopt=("$root/bin/optopt")
common=(--task mnist-mlp --epochs "$epochs" --seeds "$seeds" --evaluations 1)

# specs FIXED GAP CANDIDATE LRS: the fixed-momentum grid and the three GAP variants, comma-separated.
specs() {
  local fixed=$1 gap=$2 candidate=$3 lrs=$4 list=() lr m
  for lr in $lrs; do
    for m in 0.5 0.9 0.99; do
      list+=("$fixed($lr,$candidate=$m)")
    done
    list+=("$gap($lr)" "$gap($lr,mode=switch-per-tensor)" "$gap($lr,j_ema=0.9)")
  done
  (IFS=,; echo "${list[*]}")
}

mkdir -p "$out"
for fam in sgd adam; do
  if [[ $fam == sgd ]]; then s=$(specs sgd gap-sgdm momentum "$sgd_lrs"); else s=$(specs adam gap-adam beta1 "$adam_lrs"); fi
  "${optopt[@]}" compare "${common[@]}" --runs-dir "$runs/$fam" --optimizers "$s" 2>/dev/null | grep -v '\[' || true
  cp "$(ls -d "$runs/$fam"/*-compare-*/ | tail -1)summary.csv" "$out/summary-$fam.csv"
done
python3 "$root/scripts/paper_a.py" "$runs" > "$out/results.md"
{
  echo "command: scripts/reproduce-paper-a.sh (SEEDS=$seeds EPOCHS=$epochs SGD_LRS='$sgd_lrs' ADAM_LRS='$adam_lrs')"
  echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs) ($(nproc) processors)"
} > "$out/machine.txt"
cat "$out/results.md"
echo "runs in $runs; tables in $out/results.md"
