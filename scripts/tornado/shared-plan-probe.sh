#!/usr/bin/env bash
# Runs scripts/tornado/SharedPlanProbe.java (the experiment of docs/tornado.md, "One plan for a whole
# step?") on TornadoVM's default device. Needs TORNADOVM_HOME (scripts/tornado/setup.sh prints it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
[[ -n "${TORNADOVM_HOME:-}" ]] || { echo "shared-plan-probe.sh: TORNADOVM_HOME is not set" >&2; exit 2; }
out="$root/backend-tornado/target/shared-plan-probe"
mkdir -p "$out"
api="$(ls "$TORNADOVM_HOME"/share/java/tornado/tornado-api-*.jar | head -n 1)"
# TornadoVM reads a task's bytecode with its debug information (-g), through the class path.
javac -g -cp "$api" -d "$out" "$root/scripts/tornado/SharedPlanProbe.java"
java @"$TORNADOVM_HOME/tornado-argfile" -Dtornado.recover.bailout=False -cp "$out" SharedPlanProbe
