#!/bin/sh
# Rebuilds the raw code images used by CompressedTest from compressed.S (needs gcc-riscv64-linux-gnu's binutils).
set -e
cd "$(dirname "$0")"
riscv64-linux-gnu-as -march=rv64gc -o /tmp/ow-c.o compressed.S
riscv64-linux-gnu-objcopy -O binary -j .text /tmp/ow-c.o compressed-rv64gc.bin
riscv64-linux-gnu-as -march=rv64g -o /tmp/ow-g.o compressed.S
riscv64-linux-gnu-objcopy -O binary -j .text /tmp/ow-g.o compressed-rv64g.bin
rm -f /tmp/ow-c.o /tmp/ow-g.o
