package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.cli.local.LocalNode;
import io.eventstreamcore.client.Producer;
import io.eventstreamcore.operator.crd.EventCluster;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.Priority;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The images the build writes (engine-node and operator, {@code target/*-image.tar}) really run:
 * entrypoint, JVM flags, non-root user and probes, unpacked and started like a container runtime
 * would ({@link ImageRootfs}).
 */
class ContainerImagesIT {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void engineImageServesProducersAsANonRootUser() throws Exception {
    ImageRootfs image = ImageRootfs.unpack(imageTar("engine-node"), dir);
    assertThat(image.user()).isEqualTo("185");
    int client = LocalCluster.freeBasePort(1);
    int http = client + LocalCluster.HTTP_OFFSET;
    Map<String, String> env =
        Map.of(
            "ESC_NODE_ID", "n1",
            "ESC_NODE_DATA_DIR", "/tmp/data",
            "ESC_NODE_CLIENT_PORT", Integer.toString(client),
            "QUARKUS_HTTP_PORT", Integer.toString(http),
            "ESC_RAFT_PEERS",
                LocalNode.peerEntry(
                    "n1", "127.0.0.1", client + LocalCluster.RAFT_OFFSET, client, http));
    Process engine = image.start(env, dir.resolve("engine.log"));
    try {
      await("engine ready", () -> status(http, "/q/health/ready") == 200);
      String endpoint = "127.0.0.1:" + client;
      List<String> sent = new ArrayList<>();
      try (Producer p = new Producer(Producer.Settings.defaults(List.of(endpoint)))) {
        for (int i = 0; i < 100; i++) {
          sent.add("img-" + i);
          p.send(Event.of("img-" + i, "images", Priority.HIGH, new byte[16])).join();
        }
      }
      assertThat(Nodes.readIds(endpoint, "images")).isEqualTo(sent);
      try (Stream<Path> files = Files.walk(image.root().resolve("tmp/data"))) {
        assertThat(files.map(ContainerImagesIT::uid).distinct()).containsExactly(185);
      }
    } finally {
      ImageRootfs.stop(engine);
    }
  }

  @Test
  void operatorImageReconcilesAnEventCluster() throws Exception {
    ImageRootfs image = ImageRootfs.unpack(imageTar("operator"), dir);
    KubernetesMockServer server = MockApiServer.start();
    int http = Nodes.freePort();
    try (KubernetesClient kube = server.createClient()) {
      Map<String, String> env =
          Map.of(
              "KUBERNETES_MASTER",
              "http://127.0.0.1:" + server.getPort(),
              "KUBERNETES_AUTH_TRYKUBECONFIG",
              "false",
              "KUBERNETES_AUTH_TRYSERVICEACCOUNT",
              "false",
              // The mock cannot answer JOSDK's permission check before it runs for the Lease;
              // OperatorTest covers the election.
              "ESC_OPERATOR_LEADER_ELECTION",
              "false",
              "QUARKUS_HTTP_PORT",
              Integer.toString(http));
      Process operator = image.start(env, dir.resolve("operator.log"));
      try {
        await("operator live", () -> status(http, "/q/health/live") == 200);
        EventCluster ec = new EventCluster();
        ec.setMetadata(new ObjectMetaBuilder().withName("events").withNamespace("prod").build());
        kube.resource(ec).create();
        await(
            "StatefulSet created",
            () -> kube.apps().statefulSets().inNamespace("prod").withName("events").get() != null);
        assertThat(
                kube.apps()
                    .statefulSets()
                    .inNamespace("prod")
                    .withName("events")
                    .get()
                    .getSpec()
                    .getReplicas())
            .isEqualTo(3);
      } finally {
        ImageRootfs.stop(operator);
      }
    } finally {
      server.destroy();
    }
  }

  private static Path imageTar(String module) {
    return Path.of(System.getProperty("esc.images.dir"), module, "target", module + "-image.tar");
  }

  private static int uid(Path p) {
    try {
      return (Integer) Files.getAttribute(p, "unix:uid");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int status(int port, String path) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(250);
    }
  }
}
