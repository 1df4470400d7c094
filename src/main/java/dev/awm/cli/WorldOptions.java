package dev.awm.cli;

import dev.awm.runtime.WorldRuntime;
import dev.awm.world.World;
import dev.awm.world.WorldFiles;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Where worlds come from (--dir or the bundled set) and which of them a command acts on (--world, several). */
final class WorldOptions {

    static final String DIR_HELP = "A world set directory in AWM's stage layout, or a directory of such directories. Default: the worlds bundled in awm.";

    @Option(names = "--dir", paramLabel = "DIR", description = DIR_HELP)
    Path dir;

    @Option(names = {"-w", "--world"}, paramLabel = "WORLD", split = ",", description = "Only these worlds (scenario names, comma-separated). Default: every world.")
    List<String> worlds;

    List<World> load() {
        return select(dir, worlds);
    }

    static List<World> select(Path dir, List<String> names) {
        if (dir == null && names != null && !names.isEmpty() && WorldFiles.bundledNames().containsAll(names)) {
            return WorldFiles.bundled(WorldFiles.bundledNames().stream().filter(names::contains).toList()); // read only those asked for
        }
        List<World> all = dir == null ? WorldFiles.bundled() : WorldFiles.load(dir);
        if (names == null || names.isEmpty()) return all;
        for (String w : names) {
            if (all.stream().noneMatch(x -> x.scenario().equals(w))) {
                throw new IllegalArgumentException("no world named '" + w + "' in " + (dir == null ? "the bundled set" : dir)
                        + "; worlds there: " + String.join(", ", all.stream().map(World::scenario).toList()));
            }
        }
        return all.stream().filter(x -> names.contains(x.scenario())).toList();
    }

    /** --dir and --world for commands that act on one instance of one world. */
    static final class One {

        @Option(names = "--dir", paramLabel = "DIR", description = DIR_HELP)
        Path dir;

        @Option(names = {"-w", "--world"}, paramLabel = "WORLD", description = "The world (its scenario name, see awm worlds). May be left out when DIR holds a single world.")
        String world;

        WorldRuntime load() {
            List<World> all = select(dir, world == null ? null : List.of(world));
            if (all.size() != 1) {
                throw new IllegalArgumentException("name one world with --world; choose from: " + String.join(", ", all.stream().map(World::scenario).toList()));
            }
            return WorldRuntime.load(all.get(0));
        }
    }
}
