package otherworld.cli;

import java.util.concurrent.Callable;

import otherworld.kernel.fs.BlockCache;
import otherworld.kernel.layout.Layouts;
import otherworld.kernel.layout.Struct;
import picocli.CommandLine.Command;

/** Prints the layout table of every kernel structure in guest RAM. */
@Command(name = "layout", mixinStandardHelpOptions = true,
        description = "Print the layout table: each kernel structure in guest RAM, its magic, version and fields.")
final class LayoutCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.printf("root descriptor at physical 0x%x; first kernel region at 0x%x%n%n", Layouts.ROOT_PA,
                Layouts.FIRST_REGION_PA);
        for (Struct s : Layouts.all()) System.out.println(s.describe());
        System.out.println(BlockCache.HEADER.describe());
        System.out.println(BlockCache.SLOT.describe());
        return 0;
    }
}
