package io.eventstreamcore.cli;

import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code --bootstrap} option shared by commands that speak the binary protocol. */
final class Bootstrap {
  @Option(
      names = {"-b", "--bootstrap"},
      defaultValue = "127.0.0.1:7070",
      description = "Comma-separated host:port list of nodes (default: ${DEFAULT-VALUE})")
  String bootstrap;

  List<String> endpoints() {
    return Arrays.stream(bootstrap.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
