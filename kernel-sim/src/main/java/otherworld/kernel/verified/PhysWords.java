package otherworld.kernel.verified;

/**
 * The 64-bit words of physical memory [base, base + size) that the page-table
 * walk reads. The contract of {@link #r64} is the walk's safety property: the
 * walk may call it only inside RAM, whatever the tables it reads hold.
 *
 * <p>Written in the Java subset KeY 2.12 proves (see proofs/README.md).
 */
public abstract class PhysWords {

    /** The first byte of RAM. */
    public final long base;
    /** Bytes of RAM. */
    public final long size;

    protected PhysWords(long base, long size) {
        this.base = base;
        this.size = size;
    }

    /** The little-endian word at {@code pa}, which lies inside RAM. */
    /*@ public normal_behavior
      @   requires base <= pa && pa - base <= size - 8;
      @   ensures true;
      @   assignable \nothing;
      @*/
    public abstract /*@ helper @*/ long r64(long pa);
}
