# Differential test for the C extension (CompressedTest). Assembled twice, with and without C:
#   riscv64-linux-gnu-as -march=rv64gc -o /tmp/c.o compressed.S && riscv64-linux-gnu-objcopy -O binary -j .text /tmp/c.o compressed-rv64gc.bin
#   riscv64-linux-gnu-as -march=rv64g  -o /tmp/g.o compressed.S && riscv64-linux-gnu-objcopy -O binary -j .text /tmp/g.o compressed-rv64g.bin
# (see make-compressed.sh). Both must leave the same registers and memory.
# On entry: s0 (x8) = data page (4 KiB, zeroed), sp = data page + 2048. Ends with ecall.
# No auipc: code addresses differ between the two builds, so registers that held one are cleared at the end.
    .text
    .globl _start
_start:
    li      a0, 5               # c.li
    li      a1, -17             # c.li negative
    addi    a0, a0, 31          # c.addi
    addi    a1, a1, -32         # c.addi negative
    lui     a2, 0x1f            # c.lui
    lui     a3, 0xfffe1         # c.lui negative (sign-extended)
    addiw   a2, a2, -1          # c.addiw
    li      a4, 0x7fffffff
    addiw   a4, a4, 1           # c.addiw wraps to -2^31
    addi    a5, sp, 64          # c.addi4spn
    addi    sp, sp, -128        # c.addi16sp
    addi    sp, sp, 496         # c.addi16sp
    addi    sp, sp, -368
    slli    a0, a0, 40          # c.slli with shamt >= 32
    srli    a0, a0, 33          # c.srli
    mv      s1, a3              # c.mv
    srai    s1, s1, 35          # c.srai
    andi    s1, s1, -6          # c.andi
    sub     a1, a1, a0          # c.sub
    xor     a2, a2, a1          # c.xor
    or      a3, a3, a2          # c.or
    and     a4, a4, a3          # c.and
    subw    a5, a5, a4          # c.subw
    addw    s1, s1, a2          # c.addw
    add     t0, a0, x0
    add     t0, t0, a1          # c.add
    mv      t1, t0              # c.mv
    # loads and stores, register-based (s0) and sp-based
    sd      a0, 0(s0)           # c.sd
    sw      a1, 8(s0)           # c.sw
    sd      a2, 248(s0)         # c.sd max offset
    ld      a4, 0(s0)           # c.ld
    lw      a5, 8(s0)           # c.lw (sign-extends)
    sd      a3, 504(sp)         # c.sdsp max offset
    sw      a1, 252(sp)         # c.swsp max offset
    ld      t2, 504(sp)         # c.ldsp
    lw      t3, 252(sp)         # c.lwsp
    fmv.d.x fa0, a2
    fsd     fa0, 16(s0)         # c.fsd
    fld     fa1, 16(s0)         # c.fld
    fsd     fa1, 24(sp)         # c.fsdsp
    fld     ft0, 24(sp)         # c.fldsp
    fmv.x.d t4, ft0
    # branches and jumps
    li      s1, 0
    li      a0, 3
1:  addi    s1, s1, 7
    addi    a0, a0, -1
    bnez    a0, 1b              # c.bnez backwards
    beqz    a0, 2f              # c.beqz forwards
    li      s1, -1
2:  j       3f                  # c.j
    li      s1, -2
3:  jal     ra, 4f              # (32-bit jal; ra = return address)
    addi    s1, s1, 100         # executed after c.jr returns
    j       5f
4:  addi    s1, s1, 1000
    jr      ra                  # c.jr
5:  jal     t5, 6f              # t5 = address of label 7's predecessor
7:  addi    s1, s1, 2000        # returned to by c.jalr below
    j       8f
6:  addi    t6, t5, 0
    jalr    t6                  # c.jalr (ra = next)
8:  li      ra, 0
    li      t5, 0
    li      t6, 0
    li      a3, -1
    srai    a3, a3, 1           # c.srai on -1
    srli    a3, a3, 63          # c.srli by 63 -> 1
    ecall
