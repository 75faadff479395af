package otherworld.checker.choice;

/** Where the choices of {@link Verify} come from: JPF, the embedded explorer, or a default. */
public interface ChoiceSource {
    int getInt(int lo, int hi);

    boolean getBoolean();

    void ignoreIf(boolean cond);
}
