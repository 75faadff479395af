package otherworld.kernel;

import java.util.ArrayList;
import java.util.List;

import otherworld.userland.Programs;

/** Guest programs for kernel tests, from the userland module's prebuilt binaries. */
public final class Guests {
    private Guests() { }

    public static Scenario.Program program(String name, String... args) {
        Programs.Program p = Programs.get(name);
        List<String> argv = new ArrayList<>();
        argv.add(name);
        argv.addAll(args.length > 0 ? List.of(args) : p.args());
        return new Scenario.Program(name, p.binary(), argv, p.stdin());
    }
}
