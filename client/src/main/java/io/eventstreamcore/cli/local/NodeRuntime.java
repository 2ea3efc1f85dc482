package io.eventstreamcore.cli.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Java runtime that the nodes this machine starts run on, and what it can keep between runs.
 *
 * <p>Why not simply the JVM that runs {@code esc}: a JDK 25 node started with an AOT cache of a
 * trained node (loaded and linked classes and method profiles, JEP 483 and 515) is ready in half
 * the time of a JDK 17 node with a class-data archive, and runs its first million events faster
 * (ADR 0038). So when a JDK of at least {@link #AOT_CACHE_FEATURE} is installed beside the one
 * running (in the same directory of JDKs, e.g. {@code /usr/lib/jvm}), the nodes run on the newest
 * such JDK; {@code ESC_NODE_JAVA_HOME} names one explicitly, also to keep the nodes on an older
 * JDK.
 */
public record NodeRuntime(Path home, Runtime.Version version) {
  /** The first JDK feature release whose AOT cache holds method profiles as well as classes. */
  static final int AOT_CACHE_FEATURE = 25;

  /** Environment variable naming the JDK (its home directory) the nodes run on. */
  public static final String HOME_ENV = "ESC_NODE_JAVA_HOME";

  /** The runtime for this machine's nodes: see the class comment. */
  public static NodeRuntime select() {
    return select(System.getenv(HOME_ENV), Path.of(System.getProperty("java.home")));
  }

  static NodeRuntime select(String explicitHome, Path running) {
    if (explicitHome != null && !explicitHome.isBlank()) {
      return at(Path.of(explicitHome))
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      HOME_ENV + "=" + explicitHome + " is not a JDK (no bin/java and release)"));
    }
    NodeRuntime current =
        at(running).orElseGet(() -> new NodeRuntime(running.toAbsolutePath(), Runtime.version()));
    List<NodeRuntime> choices = new ArrayList<>(installedBeside(current.home()));
    choices.removeIf(r -> r.version().feature() < AOT_CACHE_FEATURE);
    choices.add(current);
    return choices.stream().max(Comparator.comparing(NodeRuntime::version)).orElseThrow();
  }

  /** A JDK at {@code home}, its version read from the {@code release} file every JDK carries. */
  static Optional<NodeRuntime> at(Path home) {
    Path release = home.resolve("release");
    if (!Files.isExecutable(home.resolve("bin").resolve("java")) || !Files.isRegularFile(release)) {
      return Optional.empty();
    }
    try (Stream<String> lines = Files.lines(release)) {
      return lines
          .filter(l -> l.startsWith("JAVA_RUNTIME_VERSION="))
          .map(l -> l.substring(l.indexOf('=') + 1).replace("\"", "").trim())
          .findFirst()
          .flatMap(NodeRuntime::parse)
          .map(v -> new NodeRuntime(home.toAbsolutePath().normalize(), v));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Optional<Runtime.Version> parse(String version) {
    try {
      return Optional.of(Runtime.Version.parse(version));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The other JDKs in the directory that holds {@code home} (symlinks resolved, each once). */
  private static List<NodeRuntime> installedBeside(Path home) {
    Path parent;
    try {
      parent = home.toRealPath().getParent();
    } catch (IOException e) {
      return List.of();
    }
    if (parent == null) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(parent)) {
      return dirs.filter(Files::isDirectory)
          .filter(d -> !Files.isSymbolicLink(d))
          .map(NodeRuntime::at)
          .flatMap(Optional::stream)
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  public Path java() {
    return home.resolve("bin").resolve("java");
  }

  /**
   * Whether this runtime keeps an AOT cache (JDK 25 and later) rather than a class-data archive.
   */
  public boolean keepsAotCache() {
    return version.feature() >= AOT_CACHE_FEATURE;
  }

  /** The version as a file-name part: the same JVM build, the same name. */
  String fileTag() {
    return version.toString().replaceAll("[^A-Za-z0-9.+-]", "_");
  }
}
