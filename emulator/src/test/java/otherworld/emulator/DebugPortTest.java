package otherworld.emulator;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class DebugPortTest {
    @Test
    void readsUserMemoryThroughThePageTablesWithoutSettingAccessedBits() {
        PhysicalMemory ram = new PhysicalMemory(1 << 20);
        long root = ram.base() + 0x1000, l1 = ram.base() + 0x2000, l0 = ram.base() + 0x3000, page = ram.base() + 0x8000;
        long va = 0x12345000L;
        ram.write64(root + 8 * ((va >>> 30) & 511), ((l1 >>> 12) << 10) | 1);
        ram.write64(l1 + 8 * ((va >>> 21) & 511), ((l0 >>> 12) << 10) | 1);
        long leaf = ((page >>> 12) << 10) | 0x13; // V R U, A and D clear
        ram.write64(l0 + 8 * ((va >>> 12) & 511), leaf);
        ram.write64(page + 16, 0xABCDL);
        long satp = (8L << 60) | (root >>> 12);
        DebugPort port = new DebugPort(ram);

        assertEquals(page + 16, port.translate(satp, va + 16));
        assertEquals(0xABCDL, port.read64(satp, va + 16));
        assertNull(port.read64(satp, va + 4096));
        assertEquals(DebugPort.UNMAPPED, port.translate(0, va));
        assertEquals(leaf, ram.read64(l0 + 8 * ((va >>> 12) & 511)), "the debug port must not set A/D");

        List<Long> seen = new ArrayList<>();
        port.forEachUserPage(satp, (v, pa, flags) -> seen.add(v));
        assertEquals(List.of(va), seen);
        long h = port.hashUserMemory(satp);
        ram.write64(page + 24, 1);
        assertNotEquals(h, port.hashUserMemory(satp));
    }
}
