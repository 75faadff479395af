package otherworld.campaign;

import java.io.Serializable;

import otherworld.kernel.fault.FaultType;

/**
 * One case of a campaign: a workload, a fault type and a seed. That is all a case is: the reference run of the
 * workload (deterministic) places the fault from the seed, so {@code ow replay ID} re-runs it exactly.
 * Its id: {@code workload:type:seed} (seed in hex), e.g. {@code kvstore:bit-flip:5eed0001}.
 */
public record Case(long index, String workload, FaultType type, long seed) implements Serializable {
    public String id() { return workload + ":" + type.id + ":" + Long.toHexString(seed); }

    /** The case an id names (index unknown: -1). */
    public static Case parse(String id) {
        int b = id.lastIndexOf(':');
        int a = b > 0 ? id.lastIndexOf(':', b - 1) : -1;
        if (a <= 0) throw new IllegalArgumentException("a case id is workload:type:seed (e.g. kvstore:panic:1f), not '" + id + "'");
        try {
            return new Case(-1, id.substring(0, a), FaultType.of(id.substring(a + 1, b)), Long.parseUnsignedLong(id.substring(b + 1), 16));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the seed of a case id is hexadecimal: '" + id.substring(b + 1) + "'");
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
