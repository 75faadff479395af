/*
 * otherworld's environment for riscv-tests (riscv-software-src/riscv-tests, isa/): each test runs as a
 * freestanding Linux user program on ElfRunner (or `ow run`). Pass is exit(0); a failing test exits with its
 * test number (TESTNUM, gp). Only the user-level suites (rv64u*) make sense here: there is no M or S mode.
 * Written for otherworld; the test sources and test_macros.h come from a riscv-tests checkout.
 */
#ifndef OTHERWORLD_RISCV_TEST_H
#define OTHERWORLD_RISCV_TEST_H

#define TESTNUM gp

#define RVTEST_RV64U .macro init; .endm
#define RVTEST_RV64UF .macro init; fscsr zero; .endm
#define RVTEST_RV64UV RVTEST_RV64UF
#define RVTEST_RV32U RVTEST_RV64U
#define RVTEST_RV32UF RVTEST_RV64UF

#define RVTEST_CODE_BEGIN                                                       \
        .section .text.init;                                                    \
        .align 6;                                                               \
        .globl _start;                                                          \
_start:                                                                         \
        init;

#define RVTEST_CODE_END unimp

#define RVTEST_PASS                                                             \
        fence;                                                                  \
        li a0, 0;                                                               \
        li a7, 93;                                                              \
        ecall

#define RVTEST_FAIL                                                             \
        fence;                                                                  \
        mv a0, TESTNUM;                                                         \
        li a7, 93;                                                              \
        ecall

#define RVTEST_DATA_BEGIN                                                       \
        .align 4; .global begin_signature; begin_signature:
#define RVTEST_DATA_END .align 4; .global end_signature; end_signature:

/* For assemblers older than Zicond (binutils < 2.41): the two instructions as .insn (run-riscv-tests.sh
   defines OW_ZICOND_MACROS when the assembler rejects them). */
#ifdef OW_ZICOND_MACROS
        .macro czero.eqz rd, rs1, rs2
        .insn r 0x33, 5, 7, \rd, \rs1, \rs2
        .endm
        .macro czero.nez rd, rs1, rs2
        .insn r 0x33, 7, 7, \rd, \rs1, \rs2
        .endm
#endif

/* trap causes some tests name (ma_data) */
#define CAUSE_MISALIGNED_LOAD 0x4
#define CAUSE_MISALIGNED_STORE 0x6

#endif
