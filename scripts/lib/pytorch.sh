# Sourced by the bench-*-peers.sh scripts: finds a Python that imports torch and reports it.
# Sets py (the Python, empty when none) and py_env (environment for running it: torch's
# libblas.so.3 resolved to OpenBLAS where installed, for the Python process only).
# PYTHON: the Python to try first (then python3, then /usr/bin/python3).
py=""
for candidate in "${PYTHON:-python3}" /usr/bin/python3; do
  if "$candidate" -c 'import torch' 2>/dev/null; then py="$candidate"; break; fi
done
py_env=()
if [[ -z "$py" ]]; then
  echo "PyTorch: NOT AVAILABLE here ('import torch' fails for \$PYTHON, python3 and /usr/bin/python3);"
  echo "         install python3-torch (Debian) to compare."
else
  blas_dir=/usr/lib/x86_64-linux-gnu/openblas-pthread
  if [[ -d "$blas_dir" ]]; then
    py_env=("LD_LIBRARY_PATH=$blas_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")
    echo "PyTorch: $("$py" -c 'import torch; print(torch.__version__)'), BLAS: OpenBLAS from $blas_dir"
  else
    echo "PyTorch: $("$py" -c 'import torch; print(torch.__version__)'), BLAS: the system default libblas.so.3" \
      "(install libopenblas0-pthread for OpenBLAS)"
  fi
fi
