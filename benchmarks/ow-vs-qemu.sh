#!/usr/bin/env bash
# Wall time of `ow run` against qemu-riscv64 on the same static binaries, back to back, alternating, in one
# script. Prints each run and the medians and their ratio per program.
#
#   benchmarks/ow-vs-qemu.sh [runs] [program...]      (default: 5 runs of compute and syscalls)
#
# Needs qemu-riscv64 and a built ./ow (run ./ow once first). Extra ow flags: OW_FLAGS="--interpret" ...
# A second ow variant in the same rounds: B_FLAGS (ow flags) and/or B_JAVA_OPTS (JVM options, see ow), e.g.
#   B_FLAGS=--interpret benchmarks/ow-vs-qemu.sh 5 compute      (translator against interpreter)
# `compute-long` is userland's compute with its work done 10 times (about 1.6 G instructions, so that warm-up
# is amortized), `compute-9g` 55 times (about 8.9 G, the size of the issue's compute program), compiled into a
# temporary directory with userland's flags (needs riscv64-linux-gnu-gcc).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"; [ $# -gt 0 ] && shift
programs=("$@"); [ ${#programs[@]} -eq 0 ] && programs=(compute syscalls)
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
long() { # name times: compute's work done that many times
  sed 's/^int main(void)$/static int once(void)/' "$here/userland/src/compute.c" > "$tmp/$1.c"
  printf 'int main(void)\n{\n    for (int i = 0; i < %d; i++)\n        once();\n    return 0;\n}\n' "$2" >> "$tmp/$1.c"
  riscv64-linux-gnu-gcc -O2 -march=rv64gc -mabi=lp64d -std=gnu11 -static -o "$tmp/$1" "$tmp/$1.c" -lm
}
for p in "${programs[@]}"; do
  bin="$here/userland/bin/$p"; prog="$p"
  case "$p" in
    compute-long) long "$p" 10; bin="$tmp/$p"; prog="$bin" ;;
    compute-9g) long "$p" 55; bin="$tmp/$p"; prog="$bin" ;;
  esac
  : > "$tmp/ow"; : > "$tmp/qemu"; : > "$tmp/b"
  for i in $(seq "$runs"); do
    s=$(date +%s.%N); (cd "$tmp" && "$here/ow" run --quiet ${OW_FLAGS:-} "$prog" > /dev/null); e=$(date +%s.%N)
    echo "$e - $s" | bc >> "$tmp/ow"
    if [ -n "${B_FLAGS:-}${B_JAVA_OPTS:-}" ]; then
      s=$(date +%s.%N)
      (cd "$tmp" && OW_JAVA_OPTS="${B_JAVA_OPTS:-}" "$here/ow" run --quiet ${B_FLAGS:-} "$prog" > /dev/null)
      e=$(date +%s.%N)
      echo "$e - $s" | bc >> "$tmp/b"
      echo "$p run $i: ow B (${B_FLAGS:-} ${B_JAVA_OPTS:-}) $(tail -1 "$tmp/b") s"
    fi
    s=$(date +%s.%N); (cd "$tmp" && qemu-riscv64 "$bin" > /dev/null < /dev/null); e=$(date +%s.%N)
    echo "$e - $s" | bc >> "$tmp/qemu"
    echo "$p run $i: ow $(tail -1 "$tmp/ow") s, qemu $(tail -1 "$tmp/qemu") s"
  done
  o=$(median < "$tmp/ow"); q=$(median < "$tmp/qemu")
  echo "$p: ow median $o s, qemu-riscv64 median $q s, ratio ow/qemu $(echo "scale=2; $o / $q" | bc)"
  if [ -s "$tmp/b" ]; then
    b=$(median < "$tmp/b")
    echo "$p: ow B median $b s, ratio B/qemu $(echo "scale=2; $b / $q" | bc), ratio B/ow $(echo "scale=2; $b / $o" | bc)"
  fi
done
