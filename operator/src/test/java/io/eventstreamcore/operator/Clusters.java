package io.eventstreamcore.operator;

import io.eventstreamcore.operator.crd.EventCluster;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** EventClusters for tests. */
public final class Clusters {
  private Clusters() {}

  /** An EventCluster with every default, as {@code spec: {}} gives. */
  public static EventCluster named(String name, String namespace) {
    EventCluster ec = new EventCluster();
    ec.setMetadata(
        new ObjectMetaBuilder().withName(name).withNamespace(namespace).withGeneration(1L).build());
    return ec;
  }
}
