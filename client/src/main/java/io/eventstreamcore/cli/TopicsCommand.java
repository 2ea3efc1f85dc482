package io.eventstreamcore.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    mixinStandardHelpOptions = true,
    name = "topics",
    description = "List topics with their start and end offsets (JSON).")
final class TopicsCommand implements Callable<Integer> {
  @Mixin HttpGet http;

  @Override
  public Integer call() throws Exception {
    return http.print("/api/v1/topics");
  }
}
