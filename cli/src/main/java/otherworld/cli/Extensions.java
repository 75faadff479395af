package otherworld.cli;

import picocli.CommandLine;

/** Subcommands that live in other modules (the checker's `check`), registered when present. */
final class Extensions {
    private Extensions() { }

    static void register(CommandLine cl) {
        addIfPresent(cl, "check", "otherworld.checker.cli.CheckCommand");
        addIfPresent(cl, "conform", "otherworld.checker.cli.ConformCommand");
    }

    private static void addIfPresent(CommandLine cl, String name, String className) {
        try {
            Object cmd = Class.forName(className).getDeclaredConstructor().newInstance();
            cl.addSubcommand(name, cmd);
        } catch (ReflectiveOperationException e) {
            // not built in this configuration
        }
    }
}
