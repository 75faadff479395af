package otherworld.checker;

import otherworld.model.Config;
import otherworld.model.Machine;

/** Builds the otherworld model from its configuration line on every member of a cluster. */
public final class OtherworldFactory implements DistributedChecker.SystemFactory {
    private static final long serialVersionUID = 1L;
    private final String config;
    private final boolean symmetry;

    public OtherworldFactory(Config config, boolean symmetry) {
        this.config = config.toString();
        this.symmetry = symmetry;
    }

    @Override
    public TransitionSystem<?, ?> create() {
        return new OtherworldSystem(new Machine(Config.parse(config)), symmetry);
    }
}
