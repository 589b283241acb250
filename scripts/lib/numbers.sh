# Sourced by the benchmark scripts: reading numbers from a JSON line and their median.
#
# value KEY: the number after "KEY": in the JSON line on stdin; fails if absent.
value() {
  local v
  v=$(sed -n "s/.*\"$1\": \([0-9.eE+-]*\).*/\1/p")
  [[ -n "$v" ]] || { echo "no \"$1\" in a benchmark's output" >&2; exit 1; }
  echo "$v"
}
# median NUMBER...: the median of the numbers.
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
