package otherworld.checker.choice;

/**
 * Choices from Java PathFinder. Compiled only by the {@code jpf} Maven profile, against the
 * user's JPF install ({@code -Djpf.home}); {@link Verify} picks it up when the code really runs
 * inside JPF, and only then.
 */
public final class JpfChoices implements ChoiceSource {
    /** Throws IllegalStateException outside JPF, where JPF's Verify would choose at random. */
    public JpfChoices() {
        if (!gov.nasa.jpf.vm.Verify.isRunningInJPF()) {
            throw new IllegalStateException("not running inside Java PathFinder");
        }
    }

    @Override
    public int getInt(int lo, int hi) {
        return gov.nasa.jpf.vm.Verify.getInt(lo, hi);
    }

    @Override
    public boolean getBoolean() {
        return gov.nasa.jpf.vm.Verify.getBoolean();
    }

    @Override
    public void ignoreIf(boolean cond) {
        gov.nasa.jpf.vm.Verify.ignoreIf(cond);
    }
}
