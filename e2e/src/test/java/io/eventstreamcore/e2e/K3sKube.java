package io.eventstreamcore.e2e;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.util.List;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * A real single-node Kubernetes (k3s in a container) with the images this build wrote loaded into
 * its containerd, and the operator and CRD installed by the Helm chart.
 */
final class K3sKube implements KubeCluster {
  static final DockerImageName K3S = DockerImageName.parse("rancher/k3s:v1.31.4-k3s1");
  private static final String NAMESPACE = "events";

  private final K3sContainer k3s;
  private final KubernetesClient client;
  private final PodRelay relay;

  private K3sKube(K3sContainer k3s, KubernetesClient client) {
    this.k3s = k3s;
    this.client = client;
    this.relay = new PodRelay(client, NAMESPACE, 7070);
  }

  static K3sKube start(Path repository) throws Exception {
    K3sContainer k3s = new K3sContainer(K3S);
    k3s.start();
    try {
      for (String module : List.of("engine-node", "operator")) {
        Path tar = repository.resolve(module).resolve("target").resolve(module + "-image.tar");
        k3s.copyFileToContainer(MountableFile.forHostPath(tar), "/tmp/" + module + ".tar");
        ExecResult imported =
            k3s.execInContainer(
                "k3s", "ctr", "-n", "k8s.io", "images", "import", "/tmp/" + module + ".tar");
        if (imported.getExitCode() != 0) {
          throw new IllegalStateException("image import failed: " + imported.getStderr());
        }
      }
      String kubeconfig = k3s.getKubeConfigYaml();
      new Helm(repository.resolve("charts").resolve("eventstreamcore-operator"))
          .install()
          .withName("esc")
          .withNamespace("esc-system")
          .createNamespace()
          .withKubeConfigContents(kubeconfig)
          .waitReady()
          .call();
      KubernetesClient client =
          new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
          .create();
      return new K3sKube(k3s, client);
    } catch (Exception | Error e) {
      k3s.stop();
      throw e;
    }
  }

  @Override
  public KubernetesClient client() {
    return client;
  }

  @Override
  public String namespace() {
    return NAMESPACE;
  }

  @Override
  public String clientEndpoint(String pod) {
    return relay.endpoint(pod);
  }

  @Override
  public void close() throws Exception {
    try {
      relay.close();
      client.close();
    } finally {
      k3s.stop();
    }
  }
}
