package otherworld.kernel;

import java.util.ArrayList;
import java.util.List;

/** Which of a call's writes to crash at when not at all of them: the first and last ones, and some between. */
public final class CrashPoints {
    private CrashPoints() { }

    /**
     * Write indices for a call of n writes, at most max of them: all when n ≤ max; else its first quarter, its last
     * half (where a call's commit and tail are) and a quarter spread evenly over the rest.
     */
    public static List<Integer> sample(int n, int max) {
        List<Integer> out = new ArrayList<>();
        if (n <= max) {
            for (int k = 0; k < n; k++) out.add(k);
            return out;
        }
        int head = max / 4, tail = max / 2, mid = max - head - tail;
        for (int k = 0; k < head; k++) out.add(k);
        for (int j = 1; j <= mid; j++) out.add(head + (int) ((long) j * (n - tail - head) / (mid + 1)));
        for (int k = n - tail; k < n; k++) out.add(k);
        return out;
    }
}
