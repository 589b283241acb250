#!/usr/bin/env bash
# Reproduces what can be checked of paper C (Wang and Klabjan, "A Trainable Optimizer", arXiv
# 2508.01764) as documented in docs/reproductions/paper-c.md: the ridge regression toy of SEEDS.md
# C.3 (SGD, EMA momentum, Adam, and Full/Diagonal/Rank-One TO with constant and decaying gammas),
# and, where ../shared/data holds LIBSVM a9a/w8a, unregularized logistic regression with the
# learning rate of each optimizer tuned on one seed over a small grid and the best re-run on SEEDS
# seeds, for a reduced budget of LOGREG_STEPS steps. Not a test; about 3 minutes on 2 cores.
#
# Usage: scripts/reproduce-paper-c.sh [OUT_DIR]        (default: docs/reproductions/paper-c)
# Environment: SEEDS (default 5), LOGREG_STEPS (default 1000), LR_GRID (default "0.01 0.05 0.2 0.5"),
#   RUNS (where run directories go; default a fresh temporary directory).
# Writes OUT_DIR/results.md and OUT_DIR/<task>-curves.png.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/docs/reproductions/paper-c}"
seeds="${SEEDS:-5}"
logreg_steps="${LOGREG_STEPS:-1000}"
grid="${LR_GRID:-0.01 0.05 0.2 0.5}"
runs="${RUNS:-$(mktemp -d -t paper-c-runs.XXXXXX)}"
py=python3
helper=("$py" "$root/scripts/paper_c.py")

shared="${OPTOPT_SHARED:-$root/../shared}"
optopt=("$root/bin/optopt")
mkdir -p "$out"

# compare DIR SEEDS SPECS OPTIONS...: one `optopt compare` into DIR (failed runs are kept and reported).
compare() {
  local dir=$1 n=$2 specs=$3
  shift 3
  "${optopt[@]}" compare "$@" --seeds "$n" --runs-dir "$dir" --optimizers "$specs" 2>/dev/null | grep -v '\[' || true
}

# keep_plot DIR NAME: the compare's curves as OUT_DIR/NAME-curves.png (the SVG where no PNG was drawn;
# the SVGs of thousands of steps are large).
keep_plot() {
  if [[ -f "$1/curves.png" ]]; then cp "$1/curves.png" "$out/$2-curves.png"; else cp "$1/curves.svg" "$out/$2-curves.svg"; fi
}

# newest compare directory below DIR
latest() { ls -d "$1"/*-compare-* | sort | tail -1; }

ridge='sgd(lr=0.02),sgd(lr=0.02,momentum=0.9,dampening=0.9),adam(lr=0.01),to-diag(lr=0.02,gamma_a=0,gamma_b=0.1)'
ridge+=',to-full(lr=0.02,gamma_a=0.05,gamma_b=0.05),to-diag(lr=0.02,gamma_a=0.05,gamma_b=0.05)'
ridge+=',to-rank1(lr=0.02,gamma_a=0.05,gamma_b=0.05)'
ridge+=',to-full(lr=0.02,gamma_a=0.5,gamma_b=0.5,tau=20),to-full(lr=0.02,gamma_a=0.5,gamma_b=0.5,tau=20,normalized=true)'
ridge+=',to-diag(lr=0.02,gamma_a=0.5,gamma_b=0.5,tau=20)'
ridge+=',to-rank1(lr=0.02,gamma_a=0.5,gamma_b=0.5,tau=20),to-rank1(lr=0.02,gamma_a=0.5,gamma_b=0.5,tau=20,normalized=true)'

{
  echo "# Paper C reproduction results"
  echo
  echo "Written by \`scripts/reproduce-paper-c.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC') ($(nproc) cores)."
  echo
  echo "## ridge-toy (4000 steps, batch 10, $seeds seeds; test loss = F(w) - F*)"
  echo
} > "$out/results.md"
compare "$runs/ridge" "$seeds" "$ridge" --task ridge-toy --evaluations 20
dir=$(latest "$runs/ridge")
"${helper[@]}" table "$dir" >> "$out/results.md"
keep_plot "$dir" ridge-toy

for task in logreg-a9a logreg-w8a; do
  data=${task#logreg-}
  if [[ ! -f "$shared/data/libsvm/$data" ]]; then
    printf '\n## %s\n\nskipped: %s not found under %s/data/libsvm\n' "$task" "$data" "$shared" >> "$out/results.md"
    continue
  fi
  specs=""
  for lr in $grid; do
    specs+="sgd(lr=$lr),adam(lr=$(awk -v l="$lr" 'BEGIN{print l/10}')),to-full(lr=$lr,normalized=true),"
    specs+="to-diag(lr=$lr),to-rank1(lr=$lr,normalized=true),"
  done
  compare "$runs/$task-tune" 1 "${specs%,}" --task "$task" --steps "$logreg_steps" --evaluations 2 --no-download
  best=$("${helper[@]}" best "$(latest "$runs/$task-tune")" sgd adam to-full to-diag to-rank1 | paste -sd, -)
  compare "$runs/$task" 3 "$best" --task "$task" --steps "$logreg_steps" --evaluations 10 --no-download
  dir=$(latest "$runs/$task")
  {
    printf '\n## %s (%s steps, batch 128, 3 seeds; lr tuned on seed 0 over the grid %s, Adam over a tenth of it)\n\n' \
        "$task" "$logreg_steps" "$grid"
    "${helper[@]}" table "$dir"
  } >> "$out/results.md"
  keep_plot "$dir" "$task"
done
echo "results in $out/results.md (runs in $runs)"
