package otherworld.kernel;

/** The kernel cannot go on. Thrown by kernel code (explicit panic, injected fault); caught by the {@link Computer}. */
public final class KernelPanic extends RuntimeException {
    public KernelPanic(String message) { super(message); }

    public KernelPanic(String message, Throwable cause) { super(message, cause); }
}
