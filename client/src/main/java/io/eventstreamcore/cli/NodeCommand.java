package io.eventstreamcore.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "node",
    description = "Show a node's id, role, leader, term and commit index (JSON).")
final class NodeCommand implements Callable<Integer> {
  @Option(
      names = "--http",
      defaultValue = "http://127.0.0.1:8080",
      description = "Node HTTP base URL")
  String http;

  @Override
  public Integer call() throws Exception {
    return HttpGet.print(http + "/api/v1/node");
  }
}
