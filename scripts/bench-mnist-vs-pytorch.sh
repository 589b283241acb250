#!/usr/bin/env bash
# Runs `optopt bench task --task mnist-mlp` and the same step in PyTorch, interleaved, and prints
# both medians and their ratio. Not a test: needs `python3 -c 'import torch'` to work (Debian:
# apt-get install python3-torch libopenblas0-pthread, so that torch's BLAS is OpenBLAS, as users run it).
# Usage: scripts/bench-mnist-vs-pytorch.sh [ROUNDS] [THREADS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
threads="${2:-1}"

py=""
for candidate in "${PYTHON:-python3}" /usr/bin/python3; do
  if "$candidate" -c 'import torch' 2>/dev/null; then py="$candidate"; break; fi
done
if [[ -z "$py" ]]; then
  echo "PyTorch is not importable (tried \$PYTHON, python3, /usr/bin/python3); install python3-torch (Debian)." >&2
  exit 1
fi
blas_dir=/usr/lib/x86_64-linux-gnu/openblas-pthread
if [[ -d "$blas_dir" ]]; then
  export LD_LIBRARY_PATH="$blas_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"   # torch's libblas.so.3 -> OpenBLAS
  echo "PyTorch BLAS: OpenBLAS from $blas_dir"
else
  echo "PyTorch BLAS: the system default libblas.so.3 (install libopenblas0-pthread for OpenBLAS)"
fi

value() { sed -n "s/.*\"$1\": \([0-9.e+-]*\).*/\1/p"; }
ours=(); theirs=()
"$root/bin/optopt" backends >/dev/null 2>&1   # builds on first use, outside the timings
for ((r = 1; r <= rounds; r++)); do
  o=$("$root/bin/optopt" bench task --task mnist-mlp --threads "$threads" --json 2>/dev/null)
  p=$("$py" "$root/scripts/pytorch_mnist_mlp.py" --threads "$threads")
  ours+=("$(echo "$o" | value examples_per_s)")
  theirs+=("$(echo "$p" | value examples_per_s)")
  echo "round $r: optopt $(echo "$o" | value examples_per_s) examples/s (roofline $(echo "$o" | value roofline_examples_per_s)), pytorch $(echo "$p" | value examples_per_s) examples/s"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mo=$(median "${ours[@]}"); mp=$(median "${theirs[@]}")
awk -v o="$mo" -v p="$mp" -v t="$threads" 'BEGIN { printf "median over rounds, %d thread(s): optopt %.0f, pytorch %.0f examples/s; optopt/pytorch = %.2f\n", t, o, p, o / p }'
