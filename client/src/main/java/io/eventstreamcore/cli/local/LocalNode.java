package io.eventstreamcore.cli.local;

import io.eventstreamcore.client.ClientSecurity;
import io.eventstreamcore.protocol.Credential;
import io.eventstreamcore.security.ClusterMaterial;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * An engine node run as a separate JVM process on this machine, for the demo, the local cluster and
 * the end-to-end tests. Its output goes to {@code node.log} in its data directory.
 */
public final class LocalNode implements AutoCloseable {
  /** Where and how one node listens; peers is the full {@code esc.raft.peers} list. */
  public record Spec(
      String id,
      Path dataDir,
      String host,
      int clientPort,
      int httpPort,
      int raftPort,
      List<String> peers,
      List<String> extraProperties) {

    public String clientEndpoint() {
      return host + ":" + clientPort;
    }

    public String httpUrl() {
      return (security().isPresent() ? "https://" : "http://") + host + ":" + httpPort;
    }

    /** The cluster's TLS and credentials, when its nodes run secured. */
    public Optional<ClusterMaterial> security() {
      return ClusterMaterial.named(extraProperties);
    }

    /** How a tool reaches this node: as the cluster's admin over TLS, or plainly. */
    public ClientSecurity clientSecurity() throws IOException {
      Optional<ClusterMaterial> m = security();
      return m.isEmpty()
          ? ClientSecurity.NONE
          : ClientSecurity.of(m.get().caCertificate(), Credential.read(m.get().adminCredential()));
    }

    public String peerEntry() {
      return LocalNode.peerEntry(id, host, raftPort, clientPort, httpPort);
    }
  }

  /** An {@code esc.raft.peers} entry: {@code id=host:raft-port:client-port:http-port}. */
  public static String peerEntry(
      String id, String host, int raftPort, int clientPort, int httpPort) {
    return id + "=" + host + ":" + raftPort + ":" + clientPort + ":" + httpPort;
  }

  /** Environment variable with JVM options for every node this machine starts. */
  static final String NODE_JAVA_OPTS = "ESC_NODE_JAVA_OPTS";

  private final Spec spec;
  private final Path nodeJar;
  private final List<String> launcher;
  private final List<String> ownJvmOptions;
  private Process process;
  private HttpClient http;
  private ClientSecurity security;

  public LocalNode(Spec spec, Path nodeJar) {
    this(spec, nodeJar, List.of());
  }

  /**
   * A node whose JVM is started through {@code launcher}, a command that runs the rest of its
   * arguments in its own place and process (e.g. {@code ip netns exec <namespace>}, which execs).
   */
  public LocalNode(Spec spec, Path nodeJar, List<String> launcher) {
    this(spec, nodeJar, launcher, List.of());
  }

  private LocalNode(Spec spec, Path nodeJar, List<String> launcher, List<String> ownJvmOptions) {
    this.spec = spec;
    this.nodeJar = nodeJar;
    this.launcher = List.copyOf(launcher);
    this.ownJvmOptions = List.copyOf(ownJvmOptions);
  }

  /**
   * The same node, its JVM started with {@code options} after everyone's, in place of the
   * class-data archive: a JVM that records an archive cannot also map one.
   */
  public LocalNode withJvmOptions(List<String> options) {
    return new LocalNode(spec, nodeJar, launcher, options);
  }

  /** Finds the engine node's runnable jar from {@code esc.node.app}, ESC_HOME or the cwd. */
  public static Path defaultNodeJar() {
    String explicit = System.getProperty("esc.node.app");
    if (explicit != null) {
      return Path.of(explicit);
    }
    String home = System.getenv().getOrDefault("ESC_HOME", ".");
    return Path.of(home, "engine-node", "target", "quarkus-app", "quarkus-run.jar");
  }

  public Spec spec() {
    return spec;
  }

  public synchronized void start() throws IOException {
    if (!Files.isRegularFile(nodeJar)) {
      throw new IOException(
          "engine node not built: " + nodeJar + " is missing (run ./mvnw -DskipTests package)");
    }
    Files.createDirectories(spec.dataDir());
    NodeRuntime runtime = NodeRuntime.select();
    List<String> cmd = new ArrayList<>(launcher);
    cmd.add(runtime.java().toString());
    cmd.addAll(jvmOptions(runtime, System.getenv(NODE_JAVA_OPTS)));
    // A node's own options replace the archive's (see withJvmOptions).
    cmd.addAll(
        ownJvmOptions.isEmpty() ? NodeClassData.useOptions(nodeJar, runtime) : ownJvmOptions);
    cmd.add("-Desc.node.id=" + spec.id());
    cmd.add("-Desc.node.data-dir=" + spec.dataDir().toAbsolutePath());
    cmd.add("-Desc.node.client-host=" + spec.host());
    cmd.add("-Desc.node.client-port=" + spec.clientPort());
    cmd.add("-Dquarkus.http.host=" + spec.host());
    cmd.add("-Dquarkus.http.port=" + spec.httpPort());
    cmd.add("-Desc.raft.peers=" + String.join(",", spec.peers()));
    for (String p : spec.extraProperties()) {
      cmd.add("-D" + p);
    }
    cmd.add("-jar");
    cmd.add(nodeJar.toAbsolutePath().toString());
    File log = spec.dataDir().resolve("node.log").toFile();
    process =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
            .start();
    Files.writeString(spec.dataDir().resolve(PID_FILE), Long.toString(process.pid()));
  }

  /**
   * The node JVM's options: the defaults, then {@code extra} (whitespace-separated, may be null),
   * so that e.g. a bigger {@code -Xmx} for a long dedup window wins.
   */
  static List<String> jvmOptions(NodeRuntime runtime, String extra) {
    List<String> options = new ArrayList<>();
    // 256 MB: about 100 MB of it is live under load, the dedup table's share included; a bigger
    // heap only let G1 keep more garbage and the node 300 MB more memory (docs/benchmarks.md).
    options.add("-Xmx256m");
    // G1 with a 5 ms pause goal: Shenandoah and ZGC were slower with longer tails, and a 20 ms
    // goal, though 9 % faster, made a leader's failover longer (ADR 0032).
    options.add("-XX:+UseG1GC");
    options.add("-XX:MaxGCPauseMillis=5");
    // At least a quarter of the heap young: aiming at 5 ms, G1 shrank it to 11 MB and a leader
    // paused 16 times a second, 12 % of its time (ADR 0037).
    options.add("-XX:+UnlockExperimentalVMOptions");
    options.add("-XX:G1NewSizePercent=25");
    options.add("-XX:+ExitOnOutOfMemoryError");
    // Hazelcast (the dedup table) uses these JDK internals for speed.
    options.add("--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED");
    options.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
    options.add("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
    options.add("--add-opens=java.management/sun.management=ALL-UNNAMED");
    options.add("--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED");
    if (runtime.version().feature() >= 24) {
      // Netty, Hazelcast and Ratis's shaded Netty load native code and use sun.misc.Unsafe, for
      // which JDK 24 and later print a warning at each node's start unless allowed.
      options.add("--enable-native-access=ALL-UNNAMED");
      options.add("--sun-misc-unsafe-memory-access=allow");
    }
    if (extra != null && !extra.isBlank()) {
      options.addAll(List.of(extra.trim().split("\\s+")));
    }
    return options;
  }

  /** Where a started node leaves its pid, so another esc invocation can stop it. */
  public static final String PID_FILE = "node.pid";

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** Waits until the node's readiness probe answers UP. */
  public void awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!isRunning()) {
        throw new IOException(
            "node "
                + spec.id()
                + " exited with "
                + process.exitValue()
                + "; see "
                + spec.dataDir().resolve("node.log"));
      }
      if (ready()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IOException("node " + spec.id() + " not ready after " + timeout);
  }

  /** GET of a path of this node's HTTP API, as the cluster's admin when it runs secured. */
  public HttpResponse<String> get(String path, Duration timeout)
      throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(spec.httpUrl() + path)).timeout(timeout));
  }

  /** POST of a JSON body to a path of this node's HTTP API, as {@link #get} does. */
  public HttpResponse<String> postJson(String path, String body, Duration timeout)
      throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(spec.httpUrl() + path))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpResponse<String> send(HttpRequest.Builder request)
      throws IOException, InterruptedException {
    HttpClient client = http();
    security.credential().ifPresent(c -> request.header("Authorization", c.basicAuthorization()));
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Read once: readiness is polled every 100 ms, and the files do not change meanwhile. */
  private synchronized HttpClient http() throws IOException {
    if (http == null) {
      security = spec.clientSecurity();
      HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
      security.tls().ifPresent(b::sslContext);
      http = b.build();
    }
    return http;
  }

  public boolean ready() {
    try {
      return get("/q/health/ready", Duration.ofSeconds(2)).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** kill -9: no shutdown hook, no flush — what a crash looks like. */
  public void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** SIGTERM and wait for a clean exit. */
  public void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
