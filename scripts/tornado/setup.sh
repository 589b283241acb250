#!/usr/bin/env bash
# Installs TornadoVM for optopt's `tornado` backend and prints the TORNADOVM_HOME to export.
#
#   scripts/tornado/setup.sh --sdk URL|ARCHIVE [--prefix DIR]   # a release SDK (jdk25 line, .tar.gz or .zip)
#   scripts/tornado/setup.sh --source DIR [--backend opencl]    # build a local TornadoVM source checkout
#   scripts/tornado/setup.sh --check                            # only check an installed SDK ($TORNADOVM_HOME)
#   add --no-pocl to skip installing PoCL (the CPU OpenCL device used where no GPU driver exists)
#
# Release SDKs: https://github.com/beehive-lab/TornadoVM/releases (take a `-jdk25` asset: optopt runs
# on JDK 25). A source build uses the checkout's own Maven wrapper with the profiles of its
# `make BACKEND=opencl` for the jdk25 line, with two substitutions so that it needs only Maven
# Central and Debian: the Khronos OpenCL headers come from Debian's opencl-c-headers (instead of a
# git clone of KhronosGroup/OpenCL-Headers), and the GraalVM compiler jars listed in the checkout's
# bin/pull_graal_jars.py are fetched from Maven Central with curl (its Python helper needs tqdm).
# Nothing of TornadoVM is copied into this repository.
#
# Then, in the optopt checkout:
#   export TORNADOVM_HOME=...                          # as printed at the end
#   scripts/tornado/optopt backends                    # builds optopt with the tornado profile
#   scripts/tornado/optopt --backend tornado run --task teacher-student-mlp --optimizer adam
set -euo pipefail

usage() { sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "setup.sh: $*" >&2; exit 1; }

mode="" ; source_arg="" ; prefix="${HOME}/.optopt/tornadovm" ; backend="opencl" ; pocl=1
while (($#)); do
  case "$1" in
    --sdk) mode=sdk; source_arg="${2:?--sdk needs a URL or an archive}"; shift 2 ;;
    --source) mode=source; source_arg="${2:?--source needs a TornadoVM checkout}"; shift 2 ;;
    --check) mode=check; shift ;;
    --prefix) prefix="${2:?--prefix needs a folder}"; shift 2 ;;
    --backend) backend="${2:?--backend needs opencl, ptx or spirv}"; shift 2 ;;
    --no-pocl) pocl=0; shift ;;
    -h|--help) usage ;;
    *) echo "setup.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
[[ -n "$mode" ]] || usage
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAVA_HOME="${JAVA_HOME:-$("$root/bin/find-jdk")}"
export JAVA_HOME

# An OpenCL platform: PoCL's CPU device where no vendor driver is installed (Debian/Ubuntu packages).
ensure_opencl() {
  if command -v clinfo >/dev/null && clinfo -l 2>/dev/null | grep -q 'Device'; then
    echo "OpenCL devices:"; clinfo -l; return
  fi
  ((pocl)) || die "no OpenCL device found (clinfo -l) and --no-pocl given; install your GPU's OpenCL driver"
  command -v apt-get >/dev/null || die "no OpenCL device found; install PoCL or a GPU driver with your package manager"
  local sudo=""; ((EUID == 0)) || sudo="sudo"
  echo "Installing PoCL (OpenCL on the CPU), the OpenCL ICD loader and headers, clinfo..."
  $sudo apt-get install -y pocl-opencl-icd ocl-icd-opencl-dev opencl-c-headers clinfo >/dev/null
  clinfo -l | grep -q 'Device' || die "PoCL installed but clinfo -l lists no OpenCL device"
  clinfo -l
}

# The SDK folder inside DIR: the one holding bin/tornado and etc/.
find_sdk() {
  local found
  found="$(find "$1" -maxdepth 4 -type f -path '*/bin/tornado' 2>/dev/null | head -n 1)"
  [[ -n "$found" ]] || die "no TornadoVM SDK (bin/tornado) under $1"
  (cd "$(dirname "$found")/.." && pwd)
}

install_sdk() {
  mkdir -p "$prefix"
  local archive="$source_arg"
  if [[ "$archive" == http*://* ]]; then
    archive="$prefix/$(basename "$source_arg")"
    echo "Downloading $source_arg" >&2
    curl -fL --retry 3 -o "$archive.part" "$source_arg" && mv "$archive.part" "$archive"
  fi
  [[ -f "$archive" ]] || die "SDK archive '$archive' does not exist"
  case "$archive" in
    *.tar.gz|*.tgz) tar -xzf "$archive" -C "$prefix" ;;
    *.zip) (cd "$prefix" && unzip -qo "$archive") ;;
    *) die "SDK archive '$archive' is neither .tar.gz nor .zip" ;;
  esac
  find_sdk "$prefix"
}

build_source() {
  local src; src="$(cd "$source_arg" && pwd)" || die "source checkout '$source_arg' does not exist"
  [[ -x "$src/mvnw" && -f "$src/bin/pull_graal_jars.py" ]] || die "$src is not a TornadoVM checkout (mvnw, bin/pull_graal_jars.py)"
  grep -q 'jdk25' "$src/Makefile" || die "$src is not on TornadoVM's jdk25 line (git checkout the latest vX.Y.Z-jdk25 tag)"
  local headers="$src/tornado-drivers/opencl-jni/src/main/cpp/headers/include"
  if [[ ! -f "$headers/CL/cl.h" ]]; then
    [[ -f /usr/include/CL/cl.h ]] || die "no OpenCL headers in /usr/include/CL (Debian: apt-get install opencl-c-headers)"
    mkdir -p "$headers" && cp -r /usr/include/CL "$headers/"
  fi
  # The GraalVM jars TornadoVM's own helper would download, read from that helper.
  local version jars jar
  version="$(sed -n 's/^VERSION = "\(.*\)"/\1/p' "$src/bin/pull_graal_jars.py")"
  jars="$(grep -o 'f"[a-z/-]*/{VERSION}/[a-z-]*-{VERSION}.jar"' "$src/bin/pull_graal_jars.py" | sed 's/^f"//; s/"$//')"
  mkdir -p "$src/graalJars"
  for jar in $jars; do
    jar="${jar//\{VERSION\}/$version}"
    [[ -f "$src/graalJars/$(basename "$jar")" ]] && continue
    curl -fsSL --retry 3 -o "$src/graalJars/$(basename "$jar")" "https://repo1.maven.org/maven2/org/graalvm/$jar" \
      || echo "setup.sh: warning: $jar is not on Maven Central; building without it" >&2
  done
  local profiles; profiles="$(sed 's/\([a-z]*\)/\1-backend/g' <<< "$backend")"
  echo "tornado.backends=$profiles" > "$src/tornado-assembly/src/etc/tornado.backend"
  echo "Building TornadoVM ($backend) in $src; this takes several minutes..." >&2
  (cd "$src" && nice -n 19 ./mvnw -B -T1 "-Pjdk25,$profiles" "-Dtornado.backend=${backend//,/-}" -DskipTests package) >&2
  local sdk; sdk="$(find_sdk "$src/dist")"
  # The argfile the SDK's own generator writes (tornado --printJavaFlags plus the export lists).
  (cd "$sdk/bin" && TORNADOVM_HOME="$sdk" PATH="$sdk/bin:$JAVA_HOME/bin:$PATH" \
    python3 gen-tornado-argfile-template.py "$backend" >&2)
  sed "s|\${TORNADOVM_HOME}|$sdk|g" "$sdk/tornado-argfile.template" > "$sdk/tornado-argfile"
  echo "$sdk"
}

check_sdk() {
  local sdk="$1"
  [[ -x "$sdk/bin/tornado" ]] || die "$sdk has no bin/tornado"
  [[ -f "$sdk/tornado-argfile" ]] || die "$sdk has no tornado-argfile (generate it with: tornado --generate-argfile)"
  echo "TornadoVM devices:"
  TORNADOVM_HOME="$sdk" PATH="$sdk/bin:$JAVA_HOME/bin:$PATH" "$sdk/bin/tornado" --devices \
    || die "tornado --devices failed for $sdk"
}

ensure_opencl
case "$mode" in
  sdk) sdk="$(install_sdk)" ;;
  source) sdk="$(build_source)" ;;
  check) sdk="${TORNADOVM_HOME:?--check needs TORNADOVM_HOME}" ;;
esac
check_sdk "$sdk"
echo
echo "TornadoVM is ready. Export, then use scripts/tornado/optopt:"
echo "export TORNADOVM_HOME=$sdk"
