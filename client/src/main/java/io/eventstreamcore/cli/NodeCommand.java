package io.eventstreamcore.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    mixinStandardHelpOptions = true,
    name = "node",
    description = "Show a node's id, role, leader, term and commit index (JSON).")
final class NodeCommand implements Callable<Integer> {
  @Mixin HttpGet http;

  @Override
  public Integer call() throws Exception {
    return http.print("/api/v1/node");
  }
}
