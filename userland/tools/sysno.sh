#!/usr/bin/env bash
# Regenerates kernel-sim/.../sys/Sysno.java's table from the cross toolchain's <asm/unistd.h>:
# every __NR_ macro, evaluated by a static RV64 program run under qemu-riscv64.
# Needs gcc-riscv64-linux-gnu, libc6-dev-riscv64-cross and qemu-user. Prints "number name" lines.
set -euo pipefail
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo '#include <asm/unistd.h>' | riscv64-linux-gnu-gcc -dM -E - | grep -oE '^#define __NR_[a-z0-9_]+ ' \
  | awk '{print $2}' | grep -v -e __NR_syscalls -e __NR_arch_specific_syscall | sort -u > "$tmp/names"
{ echo '#include <asm/unistd.h>'; echo '#include <stdio.h>'; echo 'int main(void) {'
  while read -r n; do echo "  printf(\"%d ${n#__NR_}\\n\", $n);"; done < "$tmp/names"
  echo '  return 0; }'; } > "$tmp/nr.c"
riscv64-linux-gnu-gcc -static -o "$tmp/nr" "$tmp/nr.c"
qemu-riscv64 "$tmp/nr" | sort -n
