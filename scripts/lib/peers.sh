# Sourced by the bench-*-peers.sh scripts: the PyTorch peer (and, from numbers.sh, value and median).
# shellcheck source=numbers.sh
source "$(dirname "${BASH_SOURCE[0]}")/numbers.sh"

# Finds a Python that imports torch and reports it. Sets py (the Python, empty when none) and
# py_env (environment for running it: torch's libblas.so.3 resolved to OpenBLAS where installed,
# for the Python process only, and OpenBLAS's and OpenMP's thread pools limited to $threads: Debian's
# torch does not know its BLAS is OpenBLAS, so torch.set_num_threads leaves OpenBLAS on every core).
# PYTHON: the Python to try first (then python3, then /usr/bin/python3).
py=""
for candidate in "${PYTHON:-python3}" /usr/bin/python3; do
  if "$candidate" -c 'import torch' 2>/dev/null; then py="$candidate"; break; fi
done
py_env=("OPENBLAS_NUM_THREADS=${threads:-1}" "OMP_NUM_THREADS=${threads:-1}")
if [[ -z "$py" ]]; then
  echo "PyTorch: NOT AVAILABLE here ('import torch' fails for \$PYTHON, python3 and /usr/bin/python3);"
  echo "         install python3-torch (Debian) to compare."
else
  blas_dir=/usr/lib/x86_64-linux-gnu/openblas-pthread
  # Without Debian's OpenBLAS: the OpenBLAS that ND4J ships (and optopt calls), extracted by JavaCPP,
  # offered to torch as libblas.so.3 through a folder of links (torch's reference BLAS would be ~10x slower).
  javacpp_blas=$(ls -d "$HOME"/.javacpp/cache/openblas-*/org/bytedeco/openblas/linux-x86_64 2>/dev/null | head -1)
  if [[ ! -d "$blas_dir" && -f "$javacpp_blas/libopenblas.so.0" ]]; then
    blas_dir="${TMPDIR:-/tmp}/optopt-torch-blas-$UID"   # links only, refreshed on every run
    mkdir -p "$blas_dir"
    ln -sfn "$javacpp_blas/libopenblas.so.0" "$blas_dir/libblas.so.3"
    ln -sfn "$javacpp_blas/libopenblas.so.0" "$blas_dir/liblapack.so.3"
    blas_dir="$blas_dir:$javacpp_blas"
  fi
  if [[ -d "${blas_dir%%:*}" ]]; then
    py_env+=("LD_LIBRARY_PATH=$blas_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")
    echo "PyTorch: $("$py" -c 'import torch; print(torch.__version__)'), BLAS: OpenBLAS from $blas_dir"
  else
    echo "PyTorch: $("$py" -c 'import torch; print(torch.__version__)'), BLAS: the system default libblas.so.3" \
      "(install libopenblas0-pthread for OpenBLAS)"
  fi
fi
