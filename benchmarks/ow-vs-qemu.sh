#!/usr/bin/env bash
# Wall time of `ow run` against qemu-riscv64 on the same static binaries, back to back, alternating, in one
# script. Prints each run and the medians and their ratio per program.
#
#   benchmarks/ow-vs-qemu.sh [runs] [program...]      (default: 5 runs of compute and syscalls)
#
# Needs qemu-riscv64 and a built ./ow (run ./ow once first). Extra ow flags: OW_FLAGS="--interpret" ...
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"; [ $# -gt 0 ] && shift
programs=("$@"); [ ${#programs[@]} -eq 0 ] && programs=(compute syscalls)
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
for p in "${programs[@]}"; do
  bin="$here/userland/bin/$p"
  : > "$tmp/ow"; : > "$tmp/qemu"
  for i in $(seq "$runs"); do
    s=$(date +%s.%N); (cd "$tmp" && "$here/ow" run ${OW_FLAGS:-} "$p" > /dev/null); e=$(date +%s.%N)
    echo "$e - $s" | bc >> "$tmp/ow"
    s=$(date +%s.%N); (cd "$tmp" && qemu-riscv64 "$bin" > /dev/null < /dev/null); e=$(date +%s.%N)
    echo "$e - $s" | bc >> "$tmp/qemu"
    echo "$p run $i: ow $(tail -1 "$tmp/ow") s, qemu $(tail -1 "$tmp/qemu") s"
  done
  o=$(median < "$tmp/ow"); q=$(median < "$tmp/qemu")
  echo "$p: ow median $o s, qemu-riscv64 median $q s, ratio ow/qemu $(echo "scale=2; $o / $q" | bc)"
done
