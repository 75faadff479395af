#!/bin/sh
# Rebuilds bitmanip.bin and isa-vectors (freestanding static RV64GC + Zba/Zbb/Zbs ELF) and its golden output from qemu-riscv64.
# Needs gcc-riscv64-linux-gnu and qemu-user.
set -e
cd "$(dirname "$0")"
riscv64-linux-gnu-gcc -O1 -march=rv64gc_zba_zbb_zbs -mabi=lp64d -static -nostdlib -ffreestanding -fno-pic \
    -fno-asynchronous-unwind-tables -Wl,--build-id=none,--no-relax,--no-warn-rwx-segments -s -o isa-vectors isa-vectors.c
# bitmanip.bin: raw code; czero.* are spelled as .insn (binutils 2.40 does not know Zicond)
sed -e 's/^czero.eqz a0,a1,a2/.insn r 0x33, 5, 7, a0, a1, a2/' -e 's/^czero.nez a0,a1,a2/.insn r 0x33, 7, 7, a0, a1, a2/' \
    bitmanip.S > /tmp/ow-bitmanip.S
riscv64-linux-gnu-as -march=rv64gc_zba_zbb_zbs -o /tmp/ow-bitmanip.o /tmp/ow-bitmanip.S
riscv64-linux-gnu-objcopy -O binary -j .text /tmp/ow-bitmanip.o bitmanip.bin
rm -f /tmp/ow-bitmanip.S /tmp/ow-bitmanip.o
qemu-riscv64 -cpu rv64,zba=true,zbb=true,zbs=true ./isa-vectors > isa-vectors.out
