package otherworld.kernel.fs;

/**
 * An ext2 image that is corrupt or uses something this driver does not implement. Thrown by {@link Ext2#mount};
 * inside a file operation it is caught at the API boundary and turned into -EIO, so a bad image fails the
 * system call instead of panicking the kernel.
 */
public final class Ext2Exception extends RuntimeException {
    public Ext2Exception(String message) { super(message); }
}
