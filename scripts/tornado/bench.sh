#!/usr/bin/env bash
# One benchmark run comparing the tornado backend with nd4j on this machine:
#   scripts/tornado/bench.sh [--size N] [--runs R] [--kernel NAME] [--device D]
# runs `bench kernel` (one fused update rule, default adam) and `bench optimizers` (a full step of
# every elementwise optimizer) first on nd4j (bin/optopt), then on tornado (scripts/tornado/optopt,
# device D as --backend-option device=D, default TornadoVM's default device), at the same size and
# repetitions, one after the other in this one invocation, and prints both with the device's name.
# On PoCL the tornado numbers are a multi-core CPU run through OpenCL, not a GPU's. Each timed tornado
# step includes copying in the buffers its kernel only reads (the gradient; TornadoVM fixes transfer
# modes per task graph) and, for `bench optimizers`, the non-finite check's reduction terms coming
# back: see docs/tornado.md. Each tornado bench then runs once more with TornadoVM's profiler
# (--backend-option profile=true) and prints only its last line: the time of the device kernels and
# of the transfers, apart, with the copies counted (the profiled run's own timings are not shown:
# the profiler waits for every device event).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
size=1048576 ; runs=20 ; kernel=adam ; device=""
while (($#)); do
  case "$1" in
    --size) size="${2:?--size needs a number}"; shift 2 ;;
    --runs) runs="${2:?--runs needs a number}"; shift 2 ;;
    --kernel) kernel="${2:?--kernel needs an optimizer name}"; shift 2 ;;
    --device) device="${2:?--device needs a TornadoVM device}"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ -n "${TORNADOVM_HOME:-}" ]] || { echo "bench.sh: TORNADOVM_HOME is not set (scripts/tornado/setup.sh)" >&2; exit 2; }
tornado_opts=(--backend tornado)
[[ -z "$device" ]] || tornado_opts+=(--backend-option "device=$device")
common=(--size "$size" --runs "$runs")

echo "== $(date -u +%FT%TZ) on $(uname -m), $(nproc) processors; TornadoVM devices:"
"$TORNADOVM_HOME/bin/tornado" --devices 2>/dev/null | grep -E 'Tornado device=|Device Type' || true
for cmd in "kernel --kernel $kernel" "optimizers"; do
  # shellcheck disable=SC2086
  echo; echo "== nd4j: bench $cmd"; "$root/bin/optopt" --backend nd4j bench $cmd "${common[@]}"
  # shellcheck disable=SC2086
  echo; echo "== tornado: bench $cmd"; "$root/scripts/tornado/optopt" "${tornado_opts[@]}" bench $cmd "${common[@]}"
  # shellcheck disable=SC2086
  "$root/scripts/tornado/optopt" "${tornado_opts[@]}" --backend-option profile=true bench $cmd "${common[@]}" 2>&1 >/dev/null \
    | grep '^tornado profile' || true
done
