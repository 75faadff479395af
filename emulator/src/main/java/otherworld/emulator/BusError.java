package otherworld.emulator;

/** An access to a physical address that is not RAM. */
public final class BusError extends RuntimeException {
    private final long address;

    public BusError(long address, int len) {
        super(String.format("bus error: %d-byte access at physical 0x%x", len, address));
        this.address = address;
    }

    public long address() { return address; }
}
