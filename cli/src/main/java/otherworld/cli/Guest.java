package otherworld.cli;

import java.util.ArrayList;
import java.util.List;

import otherworld.kernel.Scenario;
import otherworld.userland.Programs;

/** The bundled guest programs (userland/), as the kernel runs them. */
final class Guest {
    private Guest() { }

    static List<String> names() {
        List<String> n = new ArrayList<>();
        for (Programs.Program p : Programs.all()) n.add(p.name());
        return n;
    }

    static byte[] binary(String name) {
        for (Programs.Program p : Programs.all()) if (p.name().equals(name)) return p.binary();
        return null;
    }

    /** The program with its golden-run arguments replaced by args when given, and its scripted stdin. */
    static Scenario.Program program(String name, List<String> args) {
        Programs.Program p = Programs.get(name);
        List<String> argv = new ArrayList<>();
        argv.add(name);
        argv.addAll(args.isEmpty() ? p.args() : args);
        return new Scenario.Program(name, p.binary(), argv, p.stdin());
    }
}
