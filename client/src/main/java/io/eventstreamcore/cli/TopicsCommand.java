package io.eventstreamcore.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "topics", description = "List topics with their start and end offsets (JSON).")
final class TopicsCommand implements Callable<Integer> {
  @Option(
      names = "--http",
      defaultValue = "http://127.0.0.1:8080",
      description = "Node HTTP base URL")
  String http;

  @Override
  public Integer call() throws Exception {
    return HttpGet.print(http + "/api/v1/topics");
  }
}
