package otherworld.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The ow command: run guest programs, the crash demo, model checking, layouts. */
@Command(name = "ow", mixinStandardHelpOptions = true, version = "otherworld 0.1.0",
        description = "Applications that survive operating-system kernel crashes.",
        subcommands = {DemoCommand.class, RunCommand.class, DiffCommand.class, LayoutCommand.class, CampaignCommand.class,
                ReplayCommand.class, CommandLine.HelpCommand.class})
public final class Ow implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Ow());
        Extensions.register(cl);
        cl.getSubcommands().get("run").setStopAtPositional(true); // after PROGRAM, everything is the guest's
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
