package otherworld.kernel.verified;

/**
 * Checks on an ELF64 executable before the loader trusts it: the file header,
 * and each PT_LOAD segment against the file size and the user half of Sv39.
 * Fields are little-endian and read with bounds preconditions.
 *
 * <p>Written in the Java subset KeY 2.12 proves (see proofs/README.md).
 */
public final class ElfCheck {

    private ElfCheck() {
    }

    /** Size of an ELF64 file header. */
    public static final int EHDR_SIZE = 64;
    /** Size of an ELF64 program header. */
    public static final int PHDR_SIZE = 56;
    /** Most program headers accepted. */
    public static final int MAX_PHNUM = 64;

    /** e_ident[EI_CLASS] for 64-bit objects. */
    public static final int ELFCLASS64 = 2;
    /** e_ident[EI_DATA] for little-endian objects. */
    public static final int ELFDATA2LSB = 1;
    /** EI_VERSION and e_version. */
    public static final int EV_CURRENT = 1;
    /** e_type of an executable. */
    public static final int ET_EXEC = 2;
    /** e_machine of RISC-V. */
    public static final int EM_RISCV = 243;
    /** p_type of a loadable segment. */
    public static final long PT_LOAD = 1;
    /** p_flags bits. */
    public static final long PF_X = 1;
    public static final long PF_W = 2;
    public static final long PF_R = 4;

    // file header field offsets
    public static final int E_TYPE = 16;
    public static final int E_MACHINE = 18;
    public static final int E_VERSION = 20;
    public static final int E_ENTRY = 24;
    public static final int E_PHOFF = 32;
    public static final int E_PHENTSIZE = 54;
    public static final int E_PHNUM = 56;

    // program header field offsets
    public static final int P_TYPE = 0;
    public static final int P_FLAGS = 4;
    public static final int P_OFFSET = 8;
    public static final int P_VADDR = 16;
    public static final int P_FILESZ = 32;
    public static final int P_MEMSZ = 40;

    // reasons from checkIdent and checkFields
    public static final int OK = 0;
    public static final int BAD_SIZE = -1;
    public static final int BAD_MAGIC = -2;
    public static final int NOT_64BIT = -3;
    public static final int NOT_LITTLE_ENDIAN = -4;
    public static final int BAD_VERSION = -5;
    public static final int NOT_RISCV = -6;
    public static final int NOT_EXEC = -7;
    public static final int BAD_PHENTSIZE = -8;
    public static final int BAD_PHNUM = -9;
    public static final int PH_OUTSIDE_FILE = -10;
    // reasons from checkSegment
    public static final int SEG_OUTSIDE_FILE = -11;
    public static final int SEG_FILESZ_GT_MEMSZ = -12;
    public static final int SEG_NOT_USER = -13;

    /**
     * 0 if {@code h} (the first bytes of a file of {@code fileSize} bytes) and the file both hold a whole ELF64
     * header whose identification bytes say ELF, 64-bit, little-endian, version 1; else the first failing reason.
     * The header's fields are checked by {@link #checkFields}, on the values the loader reads from it and then uses
     * (Exec.load), so that the proof of "the program headers lie inside the file" is about those very values.
     */
    /*@ public normal_behavior
      @   requires h != null;
      @   ensures \result <= 0 && \result >= BAD_VERSION;
      @   ensures \result == BAD_SIZE <==> (h.length < EHDR_SIZE || fileSize < EHDR_SIZE);
      @   ensures \result == 0 <==> (h.length >= EHDR_SIZE && fileSize >= EHDR_SIZE
      @        && h[0] == 127 && h[1] == 69 && h[2] == 76 && h[3] == 70
      @        && h[4] == ELFCLASS64 && h[5] == ELFDATA2LSB && h[6] == EV_CURRENT);
      @   assignable \nothing;
      @*/
    public static int checkIdent(byte[] h, long fileSize) {
        if (h.length < EHDR_SIZE || fileSize < EHDR_SIZE) {
            return BAD_SIZE;
        }
        if (h[0] != 127 || h[1] != 69 || h[2] != 76 || h[3] != 70) { // 0x7f 'E' 'L' 'F'
            return BAD_MAGIC;
        }
        if (h[4] != ELFCLASS64) {
            return NOT_64BIT;
        }
        if (h[5] != ELFDATA2LSB) {
            return NOT_LITTLE_ENDIAN;
        }
        if (h[6] != EV_CURRENT) {
            return BAD_VERSION;
        }
        return OK;
    }

    /**
     * The checks of a header after its identification bytes ({@link #checkIdent}), on its fields as the loader read
     * them (e_version, e_machine, e_type, e_phentsize, e_phnum, e_phoff: LittleEndian.u32, u16 and u64 at E_VERSION,
     * E_MACHINE, E_TYPE, E_PHENTSIZE, E_PHNUM, E_PHOFF), in that order: 0, or the first failing reason. 0 says that
     * e_phnum program headers of 56 bytes from e_phoff lie inside the file, which the loader relies on when it reads
     * them.
     */
    /*@ public normal_behavior
      @   requires fileSize >= EHDR_SIZE;
      @   ensures \result <= 0 && \result >= PH_OUTSIDE_FILE && \result != BAD_SIZE && \result != BAD_MAGIC;
      @   ensures \result == 0 <==> (version == EV_CURRENT && machine == EM_RISCV && type == ET_EXEC
      @        && phentsize == PHDR_SIZE && 1 <= phnum && phnum <= MAX_PHNUM
      @        && phoff >= 0 && phoff + PHDR_SIZE * phnum <= fileSize);
      @   assignable \nothing;
      @*/
    public static int checkFields(long version, int machine, int type, int phentsize, int phnum, long phoff,
                                  long fileSize) {
        if (version != EV_CURRENT) {
            return BAD_VERSION;
        }
        if (machine != EM_RISCV) {
            return NOT_RISCV;
        }
        if (type != ET_EXEC) {
            return NOT_EXEC;
        }
        if (phentsize != PHDR_SIZE) {
            return BAD_PHENTSIZE;
        }
        if (phnum < 1 || phnum > MAX_PHNUM) {
            return BAD_PHNUM;
        }
        // phnum * 56 <= 3584 and fileSize >= 64, so neither side can overflow
        if (phoff < 0 || phoff > fileSize - (long) phnum * PHDR_SIZE) {
            return PH_OUTSIDE_FILE;
        }
        return OK;
    }

    /**
     * 0 if a PT_LOAD segment with these fields can be loaded from a file of
     * {@code fileSize} bytes into user memory, else the reason: its bytes lie
     * outside the file, it has more file bytes than memory bytes, or
     * [vaddr, vaddr+memsz) leaves the user half of Sv39. No overflow for any input.
     */
    /*@ public normal_behavior
      @   ensures \result == 0 || \result == SEG_OUTSIDE_FILE
      @        || \result == SEG_FILESZ_GT_MEMSZ || \result == SEG_NOT_USER;
      @   ensures \result == 0 <==> (offset >= 0 && filesz >= 0 && fileSize >= 0
      @        && filesz <= fileSize && offset <= fileSize - filesz
      @        && filesz <= memsz
      @        && vaddr >= 0 && memsz >= 0 && memsz <= Sv39.USER_VA_LIMIT
      @        && vaddr <= Sv39.USER_VA_LIMIT - memsz);
      @   assignable \nothing;
      @*/
    public static int checkSegment(long offset, long filesz, long vaddr, long memsz, long fileSize) {
        if (offset < 0 || filesz < 0 || fileSize < 0 || filesz > fileSize || offset > fileSize - filesz) {
            return SEG_OUTSIDE_FILE;
        }
        if (filesz > memsz) {
            return SEG_FILESZ_GT_MEMSZ;
        }
        if (!Sv39.isUserRange(vaddr, memsz)) {
            return SEG_NOT_USER;
        }
        return OK;
    }

    /** A message for a reason code of checkIdent, checkFields or checkSegment. */
    /*@ public normal_behavior
      @   ensures \result != null;
      @   assignable \nothing;
      @*/
    public static String reason(int code) {
        switch (code) {
            case OK:
                return "ok";
            case BAD_SIZE:
                return "file shorter than an ELF64 header";
            case BAD_MAGIC:
                return "not an ELF file (bad magic)";
            case NOT_64BIT:
                return "not a 64-bit ELF file";
            case NOT_LITTLE_ENDIAN:
                return "not little-endian";
            case BAD_VERSION:
                return "unknown ELF version";
            case NOT_RISCV:
                return "not a RISC-V executable";
            case NOT_EXEC:
                return "not an executable (ET_EXEC)";
            case BAD_PHENTSIZE:
                return "program header size is not 56";
            case BAD_PHNUM:
                return "program header count not in 1..64";
            case PH_OUTSIDE_FILE:
                return "program headers outside the file";
            case SEG_OUTSIDE_FILE:
                return "segment outside the file";
            case SEG_FILESZ_GT_MEMSZ:
                return "segment file size larger than memory size";
            case SEG_NOT_USER:
                return "segment outside user memory";
            default:
                return "unknown reason";
        }
    }
}
