package io.eventstreamcore.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code esc} command line. */
@Command(
    name = "esc",
    mixinStandardHelpOptions = true,
    version = "esc 0.1.0",
    description = "EventStreamCore command line: produce, consume, inspect, benchmark, demo.",
    subcommands = {
      DemoCommand.class,
      ClusterCommand.class,
      UserCommand.class,
      FailoverBenchCommand.class,
      PriorityBenchCommand.class,
      ProduceCommand.class,
      ConsumeCommand.class,
      TopicsCommand.class,
      DlqCommand.class,
      NodeCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Esc {
  public static void main(String[] args) {
    System.exit(new CommandLine(new Esc()).execute(args));
  }
}
