package otherworld.checker.conform;

/**
 * One action of a conformance run, in a form that can be printed one per line and read back:
 * <pre>
 *  p1 run             process 1 executes its next program instruction (a system call)
 *  p0 run 2           ... a user store of value 2
 *  p0 crash write@7          ... and the kernel crashes before the 8th write it makes in that call
 *  p0 crash write@7 +resurrect.flushed   ... and then the crash kernel crashes too
 *  p1 crash write@3 3        a store: the crash strikes the read of the command line
 *  p0 crash write@9 !task    ... and the crash leaves p0's task record corrupt (task, trapframe, fdtable)
 * </pre>
 */
public final class Step {
    private final int proc;
    private final String point;
    private final String resurrectPoint;
    private final int value;
    private final String corrupt;

    public Step(int proc, String point, String resurrectPoint, int value) {
        this(proc, point, resurrectPoint, value, null);
    }

    public Step(int proc, String point, String resurrectPoint, int value, String corrupt) {
        this.proc = proc;
        this.point = point;
        this.resurrectPoint = resurrectPoint;
        this.value = value;
        this.corrupt = corrupt;
    }

    public static Step run(int proc, int value) { return new Step(proc, null, null, value); }

    public static Step crash(int proc, String point, String resurrectPoint, int value) {
        return new Step(proc, point, resurrectPoint, value);
    }

    public int proc() { return proc; }
    /** The kernel crash point, or null for a step without a crash. */
    public String point() { return point; }
    /** A crash-kernel crash point ("resurrect.*"), or null. */
    public String resurrectPoint() { return resurrectPoint; }
    /** The value of a user store (0 for a system call). */
    public int value() { return value; }
    public boolean crashes() { return point != null; }
    /** The structure of the process the crash leaves corrupt (a model Structure label), or null. */
    public String corrupt() { return corrupt; }
    public Step withoutCorruption() { return new Step(proc, point, resurrectPoint, value, null); }

    /** The same step without its crash-kernel crash, or without any crash (for shrinking). */
    public Step withoutResurrectCrash() { return new Step(proc, point, null, value, corrupt); }
    public Step withoutCrash() { return new Step(proc, null, null, value); }

    public static Step parse(String line) {
        String[] w = line.trim().split("\\s+");
        if (w.length < 2 || !w[0].startsWith("p")) {
            throw new IllegalArgumentException("bad step '" + line + "' (expected: pN run [V] | pN crash POINT [+RPOINT] [V])");
        }
        int proc = Integer.parseInt(w[0].substring(1));
        int i = 2;
        String point = null;
        String rpoint = null;
        if (w[1].equals("crash")) {
            if (w.length < 3) {
                throw new IllegalArgumentException("bad step '" + line + "': crash needs a point");
            }
            point = w[2];
            i = 3;
            if (w.length > 3 && w[3].startsWith("+")) {
                rpoint = w[3].substring(1);
                i = 4;
            }
        } else if (!w[1].equals("run")) {
            throw new IllegalArgumentException("bad step '" + line + "': expected run or crash");
        }
        String corrupt = null;
        if (i < w.length && w[i].startsWith("!")) {
            corrupt = w[i].substring(1);
            i++;
        }
        int value = i < w.length ? Integer.parseInt(w[i]) : 0;
        return new Step(proc, point, rpoint, value, corrupt);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Step)) {
            return false;
        }
        Step s = (Step) o;
        return proc == s.proc && value == s.value && same(point, s.point) && same(resurrectPoint, s.resurrectPoint)
                && same(corrupt, s.corrupt);
    }

    private static boolean same(String a, String b) {
        return a == null ? b == null : a.equals(b);
    }

    @Override
    public int hashCode() {
        return (proc * 31 + value) * 31 + (point == null ? 0 : point.hashCode());
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("p").append(proc);
        if (point == null) {
            sb.append(" run");
        } else {
            sb.append(" crash ").append(point);
            if (resurrectPoint != null) {
                sb.append(" +").append(resurrectPoint);
            }
            if (corrupt != null) {
                sb.append(" !").append(corrupt);
            }
        }
        if (value != 0) {
            sb.append(' ').append(value);
        }
        return sb.toString();
    }
}
