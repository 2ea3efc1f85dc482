package io.eventstreamcore.operator;

import io.eventstreamcore.operator.crd.EventCluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;

/** EventClusters for tests. */
public final class Clusters {
  private Clusters() {}

  /** Registers the generated CRD with a (mock) API server. */
  public static void installCrd(KubernetesClient client) {
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .load(Path.of(System.getProperty("generated.crd")).toFile())
        .createOr(existing -> existing.update());
  }

  /** An EventCluster with every default, as {@code spec: {}} gives. */
  public static EventCluster named(String name, String namespace) {
    EventCluster ec = new EventCluster();
    ec.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(namespace).withGeneration(1L).build());
    return ec;
  }
}
