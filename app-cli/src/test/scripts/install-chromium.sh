#!/usr/bin/env bash
# Setup of ReportBrowserIT (the `browser` Maven profile): makes sure Debian's headless-capable
# `chromium` is installed, installing it with apt-get when this runs as root; prints the binary.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "chromium is not installed and installing it needs root: apt-get install -y chromium" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q chromium >&2 || { apt-get update -q >&2 && apt-get install -y -q chromium >&2; }
fi
command -v chromium
