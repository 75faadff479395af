package otherworld.campaign;

import java.io.Serializable;

import otherworld.kernel.fault.FaultType;

/**
 * One case of a campaign: a workload, a fault type, a seed, and the mode the kernel runs in. That is all a case is:
 * the reference run of the workload (deterministic) places the fault from the seed, so {@code ow replay ID} re-runs it
 * exactly. Its id: {@code workload:type:seed} (seed in hex), e.g. {@code kvstore:bit-flip:5eed0001}, with
 * {@code enhanced:} before it for a case of the enhanced mode.
 */
public record Case(long index, String workload, FaultType type, long seed, boolean enhanced) implements Serializable {
    static final String ENHANCED = "enhanced:";

    /** A case of default mode. */
    public Case(long index, String workload, FaultType type, long seed) {
        this(index, workload, type, seed, false);
    }

    public String id() { return (enhanced ? ENHANCED : "") + workload + ":" + type.id + ":" + Long.toHexString(seed); }

    /** The case an id names (index unknown: -1). */
    public static Case parse(String id) {
        boolean enhanced = id.startsWith(ENHANCED);
        String rest = enhanced ? id.substring(ENHANCED.length()) : id;
        int b = rest.lastIndexOf(':');
        int a = b > 0 ? rest.lastIndexOf(':', b - 1) : -1;
        if (a <= 0) {
            throw new IllegalArgumentException("a case id is [enhanced:]workload:type:seed (e.g. kvstore:panic:1f), not '" + id + "'");
        }
        try {
            return new Case(-1, rest.substring(0, a), FaultType.of(rest.substring(a + 1, b)),
                    Long.parseUnsignedLong(rest.substring(b + 1), 16), enhanced);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the seed of a case id is hexadecimal: '" + rest.substring(b + 1) + "'");
        }
    }

    /** The seed of case i of a campaign with this seed (splitmix64: distinct, well spread). */
    public static long seedOf(long campaignSeed, long i) {
        long z = campaignSeed + (i + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
