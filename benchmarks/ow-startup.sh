#!/usr/bin/env bash
# Start-up of `ow run --quiet hello`: wall, CPU (user + sys), sys and max RSS from /usr/bin/time, launchers
# alternating in one script, in an empty temporary directory (so nothing is packed but the directory itself).
#
#   benchmarks/ow-startup.sh [runs] [launcher...]     (default: 5 runs of this checkout's ./ow)
#
# A launcher is an `ow` script, e.g. another checkout's, to compare before and after; a launcher given as
# NAME=OPTS is this checkout's ./ow with OW_JAVA_OPTS=OPTS (e.g. 4k=-XX:-UseTransparentHugePages).
# OW_ARGS adds ow run options to every run (e.g. OW_ARGS="--memory 64m"). Each launcher must be built already:
# ./ow builds itself when it is older than the sources (see ow), which would make that run a build.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"; [ $# -gt 0 ] && shift
launchers=("$@"); [ ${#launchers[@]} -eq 0 ] && launchers=("$here/ow")
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/cwd"
uptime
for i in $(seq "$runs"); do
  for k in "${!launchers[@]}"; do
    l="${launchers[$k]}"; ow="$l"; opts="${OW_JAVA_OPTS:-}"
    if [[ "$l" == *=* ]]; then ow="$here/ow"; opts="${l#*=}"; fi
    # shellcheck disable=SC2086
    (cd "$tmp/cwd" && OW_JAVA_OPTS="$opts" /usr/bin/time -o "$tmp/t" -f '%e %U %S %M' "$ow" run --quiet ${OW_ARGS:-} hello > /dev/null)
    read -r wall user sys rss < "$tmp/t"
    echo "$wall $(echo "$user + $sys" | bc) $sys $rss" >> "$tmp/$k"
    echo "run $i: $l: ${wall} s wall, ${user} s user, ${sys} s sys, ${rss} KB max RSS"
  done
done
uptime
stat() { sort -n | awk '{a[NR]=$1} END {printf "%.2f (%.2f-%.2f)", (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2, a[1], a[NR]}'; }
for k in "${!launchers[@]}"; do
  f="$tmp/$k"
  echo "${launchers[$k]}: wall $(cut -d' ' -f1 "$f" | stat) s, user+sys $(cut -d' ' -f2 "$f" | stat) s," \
       "sys $(cut -d' ' -f3 "$f" | stat) s, max RSS median $(cut -d' ' -f4 "$f" | sort -n | awk '{a[NR]=$1} END {print int(a[int((NR+1)/2)] / 1024)}') MB"
done
