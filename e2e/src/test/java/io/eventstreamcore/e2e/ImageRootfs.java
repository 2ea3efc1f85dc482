package io.eventstreamcore.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A container image tar built by Jib, unpacked layer by layer into a root file system and run the
 * way a container runtime would: its entrypoint, environment and user, in its own mount and PID
 * namespaces with /proc mounted and the host's name-resolution files (what the kubelet mounts). No
 * Docker needed; it does need root, {@code unshare} and {@code chroot}, else the test is skipped.
 */
final class ImageRootfs {
  private final Path root;
  private final JsonNode config;

  private ImageRootfs(Path root, JsonNode config) {
    this.root = root;
    this.config = config;
  }

  static ImageRootfs unpack(Path imageTar, Path dir) throws Exception {
    Assumptions.assumeTrue(
        Files.isRegularFile(imageTar), "image not built (-Djib.skip?): " + imageTar);
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "running an image without a container runtime needs root (unshare, chroot)");
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/unshare"))
            && Files.isExecutable(Path.of("/usr/sbin/chroot")),
        "unshare or chroot missing");
    Path image = Files.createDirectories(dir.resolve("image"));
    run(List.of("tar", "-xf", imageTar.toString(), "-C", image.toString()));
    ObjectMapper json = new ObjectMapper();
    JsonNode manifest = json.readTree(image.resolve("manifest.json").toFile()).get(0);
    Path root = Files.createDirectories(dir.resolve("rootfs"));
    for (JsonNode layer : manifest.get("Layers")) {
      run(List.of("tar", "-xf", image.resolve(layer.asText()).toString(), "-C", root.toString()));
    }
    JsonNode config = json.readTree(image.resolve(manifest.get("Config").asText()).toFile());
    for (String file : List.of("hosts", "resolv.conf")) {
      Files.copy(
          Path.of("/etc", file), root.resolve("etc/" + file), StandardCopyOption.REPLACE_EXISTING);
    }
    return new ImageRootfs(root, config.get("config"));
  }

  Path root() {
    return root;
  }

  String user() {
    return config.get("User").asText();
  }

  List<String> entrypoint() {
    List<String> args = new ArrayList<>();
    config.get("Entrypoint").forEach(a -> args.add(a.asText()));
    return args;
  }

  /** Starts the entrypoint as the image's user with the image's environment plus {@code env}. */
  Process start(Map<String, String> env, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.addAll(
        List.of(
            "/usr/bin/unshare",
            "--mount",
            "--pid",
            "--fork",
            "--kill-child",
            "--mount-proc=" + root.resolve("proc"),
            "/usr/sbin/chroot",
            "--userspec=" + user() + ":" + user(),
            root.toString()));
    cmd.addAll(entrypoint());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    pb.environment().clear();
    config.get("Env").forEach(e -> putEnv(pb, e.asText()));
    pb.environment().putAll(env);
    pb.directory(root.toFile());
    return pb.start();
  }

  /**
   * SIGTERM to the entrypoint, as a runtime stops a container; SIGKILL after 30 s. The signal goes
   * to the service itself: unshare does not pass it on.
   */
  static void stop(Process container) throws InterruptedException {
    container.descendants().forEach(ProcessHandle::destroy);
    if (!container.waitFor(30, TimeUnit.SECONDS)) {
      container.descendants().forEach(ProcessHandle::destroyForcibly);
      container.destroyForcibly().waitFor();
    }
  }

  private static void putEnv(ProcessBuilder pb, String entry) {
    int eq = entry.indexOf('=');
    pb.environment().put(entry.substring(0, eq), entry.substring(eq + 1));
  }

  private static void run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException(cmd + " failed: " + out);
    }
  }
}
