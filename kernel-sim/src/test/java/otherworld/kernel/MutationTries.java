package otherworld.kernel;

import java.util.Optional;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * The mutation profile's budget for the slow crash-and-compare properties (kernel-sim/pom.xml, profile mutation): when
 * the system property {@code ow.mutation.tries} is set, a property makes at most that many tries, from a fixed seed,
 * so that every mutant meets the same cases and a rerun reaches the same verdict. Without it (the default test run)
 * the property runs as its annotation says.
 */
public final class MutationTries implements AroundPropertyHook {
    static final String TRIES = "ow.mutation.tries";
    static final String SEED = "42";

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        Integer limit = Integer.getInteger(TRIES);
        if (limit != null) {
            Optional<Integer> tries = context.attributes().tries();
            context.attributes().setTries(tries.isPresent() ? Math.min(tries.get(), limit) : limit);
            context.attributes().setSeed(SEED);
        }
        return property.execute();
    }

    @Override
    public net.jqwik.api.lifecycle.PropagationMode propagateTo() {
        return net.jqwik.api.lifecycle.PropagationMode.ALL_DESCENDANTS; // added on a class: its properties
    }

    @Override
    public int aroundPropertyProximity() {
        return -100; // outermost: before the property's generators are set up
    }
}
