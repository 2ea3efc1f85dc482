package io.eventstreamcore.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The loading producers of {@code esc priority-bench} in a JVM of their own: started, then read for
 * their tallies. Its standard error goes to ours, so its failures are seen.
 */
final class LoadProcess implements AutoCloseable {
  /** Printed by the child just before its producers start. */
  static final String STARTED = "loading";

  private final Process process;
  private final BufferedReader out;

  private LoadProcess(Process process) {
    this.process = process;
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  /** Starts {@code esc <arguments>} in a new JVM and returns once it says it is loading. */
  static LoadProcess start(List<String> arguments) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Esc.class.getName());
    cmd.addAll(arguments);
    LoadProcess p =
        new LoadProcess(
            new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    String line;
    while ((line = p.out.readLine()) != null) {
      if (line.equals(STARTED)) {
        return p;
      }
    }
    p.close();
    throw new IOException("the load process ended before it started loading: " + cmd);
  }

  /** Waits for the process to finish its phase and returns what each class saw. */
  List<Tally> tallies() throws IOException, InterruptedException {
    List<Tally> tallies = new ArrayList<>();
    String line;
    while ((line = out.readLine()) != null) {
      if (Tally.isTally(line)) {
        tallies.add(Tally.decode(line));
      }
    }
    int exit = process.waitFor();
    if (exit != 0 || tallies.isEmpty()) {
      throw new IOException("the load process failed (exit " + exit + ")");
    }
    return tallies;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
