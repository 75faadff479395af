package otherworld.model;

/**
 * A state as one flat word array and back, so that a checker can keep states outside the Java
 * heap (its breadth-first queue spills to disk). Words: the memory ({@code layout.size} words),
 * the console length, the console bytes, then the ghost list of expected console bytes.
 */
public final class StateCodec {
    private StateCodec() {
    }

    public static int[] encode(State s) {
        int n = s.m.length;
        int[] w = new int[n + 1 + s.console.length + s.expected.length];
        System.arraycopy(s.m, 0, w, 0, n);
        w[n] = s.console.length;
        System.arraycopy(s.console, 0, w, n + 1, s.console.length);
        System.arraycopy(s.expected, 0, w, n + 1 + s.console.length, s.expected.length);
        return w;
    }

    /** The state whose {@link #encode} is w; IllegalArgumentException if w does not fit the layout. */
    public static State decode(Layout layout, int[] w) {
        int n = layout.size;
        if (w.length < n + 1 || w[n] < 0 || w[n] > w.length - n - 1) {
            throw new IllegalArgumentException("not an encoded state of this layout (" + w.length + " words)");
        }
        int c = w[n];
        int[] m = new int[n];
        int[] console = new int[c];
        int[] expected = new int[w.length - n - 1 - c];
        System.arraycopy(w, 0, m, 0, n);
        System.arraycopy(w, n + 1, console, 0, c);
        System.arraycopy(w, n + 1 + c, expected, 0, expected.length);
        return new State(layout, m, console, expected);
    }
}
