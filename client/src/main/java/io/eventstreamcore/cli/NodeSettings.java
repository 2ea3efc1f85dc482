package io.eventstreamcore.cli;

import java.util.List;
import picocli.CommandLine.Option;

/** {@code --set KEY=VALUE}: settings for every node of a local cluster a command starts. */
final class NodeSettings {
  @Option(
      names = {"-s", "--set"},
      paramLabel = "KEY=VALUE",
      description = "A setting for every node, e.g. --set esc.dedup.enabled=false")
  List<String> values = List.of();
}
