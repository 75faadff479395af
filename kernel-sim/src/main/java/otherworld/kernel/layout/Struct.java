package otherworld.kernel.layout;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The documented layout of one kernel structure in guest RAM (CRIU-style: a magic, a version, and each field's
 * offset, size and meaning). Both kernels and the tests read offsets from here; nothing else hard-codes them.
 * Fields are laid out in declaration order, each aligned to its own size.
 */
public final class Struct {
    public final String name;
    public final int magic;
    public final int version;
    private final Map<String, Field> fields = new LinkedHashMap<>();
    private int size;

    public record Field(String name, int offset, int size, String meaning) { }

    /** Every structure starts with its magic (u32) and version (u32). */
    public Struct(String name, int magic, int version) {
        this.name = name;
        this.magic = magic;
        this.version = version;
        field("magic", 4, "0x" + Integer.toHexString(magic) + " identifies a " + name);
        field("version", 4, "layout version, " + version);
    }

    /**
     * An entry of a table inside a structure that has the magic and version (a VMA of a task's VMA table): no
     * header of its own. {@link #init} must not be used on one.
     */
    public static Struct entry(String name) { return new Struct(name); }

    private Struct(String name) {
        this.name = name;
        this.magic = 0;
        this.version = 0;
    }

    /** Append a field; returns its offset. Sizes 1, 2, 4 and 8 are aligned to themselves; larger to 8. */
    public int field(String fieldName, int bytes, String meaning) {
        int align = bytes >= 8 ? 8 : bytes;
        int off = (size + align - 1) / align * align;
        if (fields.put(fieldName, new Field(fieldName, off, bytes, meaning)) != null) {
            throw new IllegalArgumentException(name + "." + fieldName + " defined twice");
        }
        size = off + bytes;
        return off;
    }

    public int offset(String fieldName) {
        Field f = fields.get(fieldName);
        if (f == null) throw new IllegalArgumentException("no field " + name + "." + fieldName);
        return f.offset;
    }

    /** Lay down an empty record at pa: all fields zero, then the magic and the version. */
    public void init(otherworld.kernel.mem.KMem mem, long pa) {
        if (magic == 0) throw new IllegalStateException(name + " is a table entry: it has no magic to lay down");
        mem.zero(pa, size());
        mem.w32(pa + offset("magic"), magic);
        mem.w32(pa + offset("version"), version);
    }

    /** Size rounded up to 8 bytes. */
    public int size() { return (size + 7) & ~7; }

    public List<Field> fields() { return Collections.unmodifiableList(new ArrayList<>(fields.values())); }

    /** Four ASCII characters as a little-endian u32 magic, e.g. magic("TASK"). */
    public static int magic(String four) {
        if (four.length() != 4) throw new IllegalArgumentException(four);
        return four.charAt(0) | four.charAt(1) << 8 | four.charAt(2) << 16 | four.charAt(3) << 24;
    }

    /** The layout as a table, one line a field. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (magic == 0) sb.append(String.format("%s (table entry, %d bytes)%n", name, size()));
        else sb.append(String.format("%s (magic 0x%08x, version %d, %d bytes)%n", name, magic, version, size()));
        for (Field f : fields.values()) {
            sb.append(String.format("  %-20s @%4d  %3d  %s%n", f.name, f.offset, f.size, f.meaning));
        }
        return sb.toString();
    }
}
