package otherworld.kernel.resurrect;

import otherworld.kernel.Kernel;
import otherworld.kernel.KernelConfig;

/** What the image tests share: one dead kernel of two processes, and running a revived kernel on. */
final class Revivals {
    private Revivals() { }

    private static DeadKernels.Dead two;

    /** checksum and kvstore (ValidatorCorruptionTest.two), crashed after the commit of their 200th call; made once. */
    static synchronized DeadKernels.Dead two() {
        if (two == null) {
            two = DeadKernels.capture(ValidatorCorruptionTest.two(), KernelConfig.defaults(),
                    DeadKernels.atPoint("syscall.after-commit", 200));
        }
        return two;
    }

    /** The kernel the crash kernel made, attached, its call in flight finished, run for at most budget instructions. */
    static Kernel.Outcome runOn(DeadKernels.Revived r, long budget) {
        Kernel k = r.attach();
        k.finishInFlight();
        return k.run(budget);
    }
}
