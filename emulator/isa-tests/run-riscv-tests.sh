#!/usr/bin/env bash
# Builds the user-level suites of a riscv-tests checkout with otherworld's environment (env/) and runs them on
# the emulator through ElfRunner, one JVM for all. Nothing of riscv-tests is kept in this repository.
#
#   emulator/isa-tests/run-riscv-tests.sh RISCV_TESTS_DIR [BUILD_DIR] [-- ElfRunner options, e.g. --interpret]
#
# Needs riscv64-linux-gnu-gcc and a built emulator (mvn -pl emulator package, or ./ow once).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tests="$(cd "$1" && pwd)"; shift
build="${1:-/tmp/ow-riscv-tests}"; [ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift
mkdir -p "$build"
suites="rv64ui rv64um rv64ua rv64uf rv64ud rv64uc rv64uzba rv64uzbb rv64uzbs rv64uzicond"
cc="riscv64-linux-gnu-gcc -march=rv64gc_zba_zbb_zbs -mabi=lp64d -static -nostdlib -nostartfiles -fno-pic"
cc="$cc -I$here/env -I$tests/isa/macros/scalar -T$here/env/link.ld -Wl,--no-relax,--no-warn-rwx-segments"
elfs=()
for s in $suites; do
  frag="$tests/isa/$s/Makefrag"
  [ -f "$frag" ] || { echo "SKIP $s: no $frag"; continue; }
  names=$(awk -v v="${s}_sc_tests" '$1 == v { on = 1; next } on && /^[^\t ]/ { on = 0 } on { gsub(/\\/, ""); print }' "$frag")
  for t in $names; do
    src="$tests/isa/$s/$t.S"
    out="$build/$s-$t"
    if $cc -o "$out" "$src" 2> "$out.log" || $cc -DOW_ZICOND_MACROS -o "$out" "$src" 2> "$out.log"; then
      elfs+=("$out")
    else
      echo "SKIP $s-$t: does not assemble here ($(head -1 "$out.log"))"
    fi
  done
done
repo="${M2_REPO:-$HOME/.m2/repository}"
asm="$(find "$repo/org/ow2/asm/asm" -name 'asm-9.10.1.jar' 2>/dev/null | head -1)"
cp="$here/../target/classes:$asm"
exec java -cp "$cp" otherworld.emulator.ElfRunner "$@" "${elfs[@]}"
