package otherworld.kernel.proc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The malformed-ELF corpus (issue 11), made from one tiny valid RV64 executable (an ELF header, one or two program
 * headers, three instructions: {@code li a0,7; li a7,93; ecall}) by one defect each: truncated, overlapping and huge
 * segments, bad entry points, wrong machine, class, byte order, type. Each file is committed in
 * {@code userland/elf-corpus/} (written by {@link #main}); {@code MalformedElfCorpusTest} checks that the committed
 * files are these bytes, and what the kernel and {@code ow run} make of each.
 */
public final class ElfCorpus {
    private ElfCorpus() { }

    static final long BASE = 0x10000;
    static final int CODE = 64 + 2 * 56; // code after the header and room for two program headers
    static final int[] INSNS = {0x00700513, 0x05d00893, 0x00000073}; // li a0,7; li a7,93; ecall
    static final int SIZE = CODE + 4 * INSNS.length;
    /** What the valid program exits with. */
    public static final int EXIT = 7;

    /** How the kernel must take a file: refused at load (ENOEXEC, with this reason), or run and killed, or run. */
    public enum Expect { REFUSED, KILLED, EXITS }

    public record Entry(String name, byte[] elf, Expect expect, String reason) { }

    static ByteBuffer valid() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        b.putShort(16, (short) 2);      // ET_EXEC
        b.putShort(18, (short) 243);    // EM_RISCV
        b.putInt(20, 1);
        b.putLong(24, BASE + CODE);     // e_entry
        b.putLong(32, 64);              // e_phoff
        b.putShort(52, (short) 64);
        b.putShort(54, (short) 56);
        b.putShort(56, (short) 1);      // e_phnum
        phdr(b, 0, 1, 5, 0, BASE, SIZE, SIZE); // PT_LOAD, R+X, the whole file
        for (int i = 0; i < INSNS.length; i++) b.putInt(CODE + 4 * i, INSNS[i]);
        return b;
    }

    static void phdr(ByteBuffer b, int i, int type, int flags, long off, long va, long filesz, long memsz) {
        int p = 64 + 56 * i;
        b.putInt(p, type).putInt(p + 4, flags).putLong(p + 8, off).putLong(p + 16, va).putLong(p + 24, va)
                .putLong(p + 32, filesz).putLong(p + 40, memsz).putLong(p + 48, 4096);
    }

    interface Edit { void apply(ByteBuffer b); }

    static byte[] edited(Edit e) {
        ByteBuffer b = valid();
        e.apply(b);
        return b.array();
    }

    /** The corpus, in a fixed order: name (the file's name without .elf), bytes, what must happen. */
    public static Map<String, Entry> entries() {
        Map<String, Entry> m = new LinkedHashMap<>();
        byte[] ok = valid().array();
        add(m, "valid", ok, Expect.EXITS, null);
        add(m, "empty", new byte[0], Expect.REFUSED, "not a valid executable");
        add(m, "truncated-header", Arrays.copyOf(ok, 40), Expect.REFUSED, "not a valid executable");
        add(m, "truncated-program-headers", Arrays.copyOf(ok, 100), Expect.REFUSED, "not a valid executable");
        add(m, "truncated-segment", Arrays.copyOf(ok, CODE + 4), Expect.REFUSED, "segment 0");
        add(m, "bad-magic", edited(b -> b.put(1, (byte) 'e')), Expect.REFUSED, "not a valid executable");
        add(m, "elf32-class", edited(b -> b.put(4, (byte) 1)), Expect.REFUSED, "not a valid executable");
        add(m, "big-endian", edited(b -> b.put(5, (byte) 2)), Expect.REFUSED, "not a valid executable");
        add(m, "wrong-machine-x86-64", edited(b -> b.putShort(18, (short) 62)), Expect.REFUSED, "not a valid executable");
        add(m, "relocatable-not-executable", edited(b -> b.putShort(16, (short) 1)), Expect.REFUSED, "not a valid executable");
        add(m, "shared-object", edited(b -> b.putShort(16, (short) 3)), Expect.REFUSED, "not a valid executable");
        add(m, "bad-phentsize", edited(b -> b.putShort(54, (short) 32)), Expect.REFUSED, "not a valid executable");
        add(m, "phnum-zero", edited(b -> b.putShort(56, (short) 0)), Expect.REFUSED, "not a valid executable");
        add(m, "phnum-huge", edited(b -> b.putShort(56, (short) 0xFFFF)), Expect.REFUSED, "not a valid executable");
        add(m, "phoff-past-end", edited(b -> b.putLong(32, 1L << 40)), Expect.REFUSED, "not a valid executable");
        add(m, "phoff-negative", edited(b -> b.putLong(32, -64)), Expect.REFUSED, "not a valid executable");
        add(m, "segment-offset-past-end", edited(b -> b.putLong(64 + 8, SIZE)), Expect.REFUSED, "segment 0");
        add(m, "segment-offset-overflow", edited(b -> b.putLong(64 + 8, Long.MAX_VALUE)), Expect.REFUSED, "segment 0");
        add(m, "segment-filesz-over-memsz", edited(b -> b.putLong(64 + 40, 16)), Expect.REFUSED, "segment 0");
        add(m, "segment-in-kernel-half", edited(b -> b.putLong(64 + 16, 0xFFFF_FFC0_0000_0000L)), Expect.REFUSED, "segment 0");
        add(m, "segment-above-user-half", edited(b -> b.putLong(64 + 16, 1L << 38)), Expect.REFUSED, "segment 0");
        add(m, "segment-va-wraps", edited(b -> { b.putLong(64 + 16, -4096); b.putLong(64 + 40, 8192); }), Expect.REFUSED, "segment 0");
        add(m, "segment-memsz-negative", edited(b -> b.putLong(64 + 40, Long.MIN_VALUE)), Expect.REFUSED, "segment 0");
        add(m, "huge-segment-64GiB", edited(b -> b.putLong(64 + 40, 1L << 36)), Expect.REFUSED, "out of memory");
        add(m, "no-loadable-segment", edited(b -> b.putInt(64, 4)), Expect.REFUSED, "no loadable segment");
        add(m, "only-empty-segment", edited(b -> { b.putLong(64 + 32, 0); b.putLong(64 + 40, 0); }), Expect.REFUSED,
                "no loadable segment");
        // Two segments over the same pages, writable and executable: Linux loads it; so does the kernel.
        add(m, "overlapping-segments", edited(b -> {
            b.putShort(56, (short) 2);
            phdr(b, 1, 1, 6, 0, BASE, SIZE, 3 * 4096);
        }), Expect.EXITS, null);
        // A segment that overlaps the program headers' own bytes with a different file offset: still loads.
        add(m, "overlapping-segments-different-offsets", edited(b -> {
            b.putShort(56, (short) 2);
            phdr(b, 1, 1, 4, 64, BASE + 64, 56, 56);
        }), Expect.EXITS, null);
        // Entry points the loader accepts, as Linux does; the first instruction fetch kills the process.
        add(m, "entry-unmapped", edited(b -> b.putLong(24, 0x4000_0000L)), Expect.KILLED, null);
        add(m, "entry-zero", edited(b -> b.putLong(24, 0)), Expect.KILLED, null);
        add(m, "entry-kernel-address", edited(b -> b.putLong(24, 0xFFFF_FFC0_8000_0000L)), Expect.KILLED, null);
        add(m, "entry-misaligned", edited(b -> b.putLong(24, BASE + CODE + 1)), Expect.KILLED, null);
        add(m, "entry-in-header-bytes", edited(b -> b.putLong(24, BASE)), Expect.KILLED, null);
        add(m, "entry-not-executable", edited(b -> b.putInt(64 + 4, 6)), Expect.KILLED, null);
        return m;
    }

    private static void add(Map<String, Entry> m, String name, byte[] elf, Expect e, String reason) {
        m.put(name, new Entry(name, elf, e, reason));
    }

    /** Where the corpus is committed, from a module directory or the repository root. */
    public static Path dir() {
        Path here = Path.of("").toAbsolutePath();
        Path d = here.resolve("userland/elf-corpus");
        return Files.isDirectory(d) || !Files.isDirectory(here.resolve("../userland")) ? d : here.resolve("../userland/elf-corpus").normalize();
    }

    /** Writes the corpus: {@code mvn -pl kernel-sim exec:java} is not needed; run it from a test IDE or jshell. */
    public static void main(String[] args) throws IOException {
        Path d = args.length > 0 ? Path.of(args[0]) : dir();
        Files.createDirectories(d);
        for (Entry e : entries().values()) Files.write(d.resolve(e.name() + ".elf"), e.elf());
    }
}
