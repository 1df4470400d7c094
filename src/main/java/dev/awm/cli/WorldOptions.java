package dev.awm.cli;

import dev.awm.runtime.WorldRuntime;
import dev.awm.world.World;
import dev.awm.world.WorldFiles;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** Where worlds come from (--dir or the bundled set) and which of them a command acts on (--world). */
final class WorldOptions {

    @Option(names = "--dir", paramLabel = "DIR", description = "A world set directory in AWM's stage layout, or a directory of such directories. Default: the worlds bundled in awm.")
    Path dir;

    @Option(names = {"-w", "--world"}, paramLabel = "WORLD", split = ",", description = "Only these worlds (scenario names, comma-separated).")
    List<String> worlds;

    List<World> load() {
        if (dir == null && worlds != null && !worlds.isEmpty() && WorldFiles.bundledNames().containsAll(worlds)) {
            return WorldFiles.bundled(WorldFiles.bundledNames().stream().filter(worlds::contains).toList()); // read only those asked for
        }
        List<World> all = dir == null ? WorldFiles.bundled() : WorldFiles.load(dir);
        if (worlds == null || worlds.isEmpty()) return all;
        for (String w : worlds) {
            if (all.stream().noneMatch(x -> x.scenario().equals(w))) {
                throw new IllegalArgumentException("no world named '" + w + "' in " + (dir == null ? "the bundled set" : dir)
                        + "; worlds there: " + String.join(", ", all.stream().map(World::scenario).toList()));
            }
        }
        return all.stream().filter(x -> worlds.contains(x.scenario())).toList();
    }

    /** Exactly one world, for commands that act on a single instance. */
    WorldRuntime loadOne() {
        List<World> all = load();
        if (all.size() != 1) {
            throw new IllegalArgumentException("name one world with --world; choose from: " + String.join(", ", all.stream().map(World::scenario).toList()));
        }
        return WorldRuntime.load(all.get(0));
    }
}
