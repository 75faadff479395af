package otherworld.kernel.verified;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ElfCheckTest {

    /** A valid ELF64 RISC-V ET_EXEC header with {@code phnum} program headers right after it. */
    static byte[] header(int phnum) {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        b.putShort(16, (short) 2);     // e_type
        b.putShort(18, (short) 243);   // e_machine
        b.putInt(20, 1);               // e_version
        b.putLong(24, 0x10000L);       // e_entry
        b.putLong(32, 64);             // e_phoff
        b.putShort(52, (short) 64);    // e_ehsize
        b.putShort(54, (short) 56);    // e_phentsize
        b.putShort(56, (short) phnum); // e_phnum
        return b.array();
    }

    /** The header's checks as the loader makes them (Exec.loadBytes): the identification, then the fields as read. */
    static int check(byte[] h, long fileSize) {
        int bad = ElfCheck.checkIdent(h, fileSize);
        if (bad != 0) {
            return bad;
        }
        return ElfCheck.checkFields(LittleEndian.u32(h, ElfCheck.E_VERSION), LittleEndian.u16(h, ElfCheck.E_MACHINE),
                LittleEndian.u16(h, ElfCheck.E_TYPE), LittleEndian.u16(h, ElfCheck.E_PHENTSIZE),
                LittleEndian.u16(h, ElfCheck.E_PHNUM), LittleEndian.u64(h, ElfCheck.E_PHOFF), fileSize);
    }

    @Test
    void validHeader() {
        byte[] h = header(2);
        assertEquals(ElfCheck.OK, check(h, 64 + 2 * 56));
        assertEquals(ElfCheck.OK, check(h, 1 << 20));
        assertEquals(0x10000L, LittleEndian.u64(h, ElfCheck.E_ENTRY));
        assertEquals(2, LittleEndian.u16(h, ElfCheck.E_PHNUM));
    }

    @Test
    void eachReason() {
        assertEquals(ElfCheck.BAD_SIZE, check(new byte[63], 1000));
        assertEquals(ElfCheck.BAD_SIZE, check(header(1), 63));
        assertEquals(ElfCheck.BAD_SIZE, check(header(1), -1));
        byte[] h = header(1);
        h[1] = 'e';
        assertEquals(ElfCheck.BAD_MAGIC, check(h, 1000));
        h = header(1);
        h[4] = 1;
        assertEquals(ElfCheck.NOT_64BIT, check(h, 1000));
        h = header(1);
        h[5] = 2;
        assertEquals(ElfCheck.NOT_LITTLE_ENDIAN, check(h, 1000));
        h = header(1);
        h[6] = 0;
        assertEquals(ElfCheck.BAD_VERSION, check(h, 1000));
        h = header(1);
        h[23] = 1; // e_version = 0x01000001
        assertEquals(ElfCheck.BAD_VERSION, check(h, 1000));
        h = header(1);
        h[18] = 62; // x86-64
        assertEquals(ElfCheck.NOT_RISCV, check(h, 1000));
        h = header(1);
        h[19] = 1; // 243 + 256
        assertEquals(ElfCheck.NOT_RISCV, check(h, 1000));
        h = header(1);
        h[16] = 3; // ET_DYN
        assertEquals(ElfCheck.NOT_EXEC, check(h, 1000));
        h = header(1);
        h[54] = 64;
        assertEquals(ElfCheck.BAD_PHENTSIZE, check(h, 1000));
        assertEquals(ElfCheck.BAD_PHNUM, check(header(0), 1000));
        assertEquals(ElfCheck.BAD_PHNUM, check(header(65), 100000));
        assertEquals(ElfCheck.OK, check(header(64), 64 + 64 * 56));
        assertEquals(ElfCheck.PH_OUTSIDE_FILE, check(header(64), 64 + 64 * 56 - 1));
        h = header(1);
        ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).putLong(32, -8L); // phoff near 2^64
        assertEquals(ElfCheck.PH_OUTSIDE_FILE, check(h, Long.MAX_VALUE));
        ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).putLong(32, Long.MAX_VALUE - 10);
        assertEquals(ElfCheck.PH_OUTSIDE_FILE, check(h, Long.MAX_VALUE));
        ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).putLong(32, Long.MAX_VALUE - 56);
        assertEquals(ElfCheck.OK, check(h, Long.MAX_VALUE));
    }

    /** Each byte of the magic is checked; a file of exactly one header is long enough; program headers may start at 0. */
    @Test
    void boundsOfTheHeaderChecks() {
        for (int i = 0; i < 4; i++) {
            byte[] h = header(1);
            h[i] ^= 0x20;
            assertEquals(ElfCheck.BAD_MAGIC, check(h, 1000), "magic byte " + i);
        }
        byte[] h = header(1);
        ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).putLong(32, 0); // e_phoff = 0: inside the file
        assertEquals(ElfCheck.OK, check(h, 64));
        ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).putLong(32, 8); // the last offset where 56 bytes fit in 64
        assertEquals(ElfCheck.OK, check(h, 64));
        ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN).putLong(32, 9);
        assertEquals(ElfCheck.PH_OUTSIDE_FILE, check(h, 64));
    }

    @Test
    void reasonsAreDistinct() {
        Set<String> seen = new HashSet<>();
        for (int code = 0; code >= ElfCheck.SEG_NOT_USER; code--) {
            String r = ElfCheck.reason(code);
            assertNotNull(r);
            assertTrue(!r.isEmpty(), "a reason the user can read: code " + code); // ow prints it for a refused ELF
            assertEquals(true, seen.add(r), r);
        }
        assertEquals("unknown reason", ElfCheck.reason(1));
        assertNotEquals("unknown reason", ElfCheck.reason(ElfCheck.PH_OUTSIDE_FILE));
    }

    @Property
    void readersMatchByteBuffer(@ForAll @Size(16) byte[] b, @ForAll @IntRange(min = 0, max = 8) int off) {
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(b[off] & 0xff, LittleEndian.u8(b, off));
        assertEquals(bb.getShort(off) & 0xffff, LittleEndian.u16(b, off));
        assertEquals(bb.getInt(off) & 0xffffffffL, LittleEndian.u32(b, off));
        assertEquals(bb.getLong(off), LittleEndian.u64(b, off));
    }

    @Test
    void readerEdges() {
        byte[] ff = {-1, -1, -1, -1, -1, -1, -1, -1};
        assertEquals(255, LittleEndian.u8(ff, 7));
        assertEquals(65535, LittleEndian.u16(ff, 6));
        assertEquals(0xffffffffL, LittleEndian.u32(ff, 4));
        assertEquals(-1L, LittleEndian.u64(ff, 0));
        byte[] top = {0, 0, 0, 0, 0, 0, 0, (byte) 0x80};
        assertEquals(Long.MIN_VALUE, LittleEndian.u64(top, 0));
    }

    @Test
    void segments() {
        long lim = Sv39.USER_VA_LIMIT;
        assertEquals(ElfCheck.OK, ElfCheck.checkSegment(0x1000, 0x200, 0x10000, 0x3000, 0x2000));
        assertEquals(ElfCheck.OK, ElfCheck.checkSegment(0x1e00, 0x200, 0x10000, 0x200, 0x2000)); // ends at file end
        assertEquals(ElfCheck.OK, ElfCheck.checkSegment(0, 0, lim - 4096, 4096, 0));
        assertEquals(ElfCheck.SEG_OUTSIDE_FILE, ElfCheck.checkSegment(0x1e01, 0x200, 0x10000, 0x200, 0x2000));
        assertEquals(ElfCheck.SEG_OUTSIDE_FILE, ElfCheck.checkSegment(-1, 0, 0, 0, 100));
        assertEquals(ElfCheck.SEG_OUTSIDE_FILE, ElfCheck.checkSegment(0, -1, 0, 0, 100));
        assertEquals(ElfCheck.SEG_OUTSIDE_FILE, ElfCheck.checkSegment(8, Long.MAX_VALUE, 0, Long.MAX_VALUE, Long.MAX_VALUE));
        assertEquals(ElfCheck.SEG_OUTSIDE_FILE, ElfCheck.checkSegment(Long.MAX_VALUE, 8, 0, 8, Long.MAX_VALUE));
        assertEquals(ElfCheck.SEG_OUTSIDE_FILE, ElfCheck.checkSegment(0, 0, 0, 0, -1));
        assertEquals(ElfCheck.SEG_FILESZ_GT_MEMSZ, ElfCheck.checkSegment(0, 0x200, 0x10000, 0x1ff, 0x2000));
        assertEquals(ElfCheck.SEG_NOT_USER, ElfCheck.checkSegment(0, 0x200, lim - 0x100, 0x200, 0x2000));
        assertEquals(ElfCheck.SEG_NOT_USER, ElfCheck.checkSegment(0, 0, -4096, 4096, 0));
        assertEquals(ElfCheck.SEG_NOT_USER, ElfCheck.checkSegment(0, 0, 4096, Long.MAX_VALUE, 0));
        assertEquals(ElfCheck.SEG_NOT_USER, ElfCheck.checkSegment(0, 0, Long.MAX_VALUE, 1, 0));
    }
}
