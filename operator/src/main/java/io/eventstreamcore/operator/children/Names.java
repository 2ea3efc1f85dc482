package io.eventstreamcore.operator.children;

import io.eventstreamcore.operator.crd.EventCluster;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;

/** Names and labels of what an EventCluster owns, in one place so every child agrees. */
public final class Names {
  public static final String APP_LABEL = "app.kubernetes.io/name";
  public static final String INSTANCE_LABEL = "app.kubernetes.io/instance";
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

  /** The hash of what the operator last wrote into a child; a differing hash means update it. */
  public static final String SPEC_HASH = "eventstreamcore.io/spec-hash";

  /** On the pod template: the hash of the engine configuration, so a change rolls the pods. */
  public static final String CONFIG_HASH = "eventstreamcore.io/config-hash";

  private Names() {}

  /** Metadata of a child: its name, the cluster's namespace, the labels every child carries. */
  public static ObjectMeta metadata(EventCluster ec, String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(ec.getMetadata().getNamespace())
        .withLabels(labels(ec))
        .build();
  }

  /** The StatefulSet, the client Service, the ConfigMap and the ServiceAccount share it. */
  public static String cluster(EventCluster ec) {
    return ec.getMetadata().getName();
  }

  /** The headless Service that gives pods stable DNS names for Raft and Hazelcast. */
  public static String peers(EventCluster ec) {
    return cluster(ec) + "-peers";
  }

  /** Labels selecting this cluster's engine pods. */
  public static Map<String, String> selector(EventCluster ec) {
    return Map.of(APP_LABEL, "eventstreamcore-engine", INSTANCE_LABEL, cluster(ec));
  }

  /** Labels every child carries. */
  public static Map<String, String> labels(EventCluster ec) {
    return Map.of(
        APP_LABEL,
        "eventstreamcore-engine",
        INSTANCE_LABEL,
        cluster(ec),
        MANAGED_BY_LABEL,
        "eventstreamcore-operator");
  }

  /** The DNS name of the headless Service, which Hazelcast's DNS discovery looks up. */
  public static String peersDns(EventCluster ec) {
    return peers(ec) + "." + ec.getMetadata().getNamespace() + ".svc." + ec.getSpec().clusterDomain;
  }

  /** {@code https} when the cluster runs secured: engines then serve no plain HTTP. */
  public static String httpScheme(EventCluster ec) {
    return ec.getSpec().security.enabled ? "https" : "http";
  }

  /** The HTTP base URL of one engine pod, through the headless Service. */
  public static String podHttpUrl(EventCluster ec, int ordinal) {
    return httpScheme(ec)
        + "://"
        + cluster(ec)
        + "-"
        + ordinal
        + "."
        + peers(ec)
        + "."
        + ec.getMetadata().getNamespace()
        + ".svc:"
        + ec.getSpec().listeners.httpPort;
  }
}
