package io.eventstreamcore.operator.children;

import io.eventstreamcore.operator.crd.EventCluster;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;

/**
 * The engines' identity. They need no Kubernetes API access (Hazelcast finds members by DNS), so it
 * has no role and mounts no token: least privilege is none.
 */
public final class EngineServiceAccount {
  private EngineServiceAccount() {}

  public static ServiceAccount desired(EventCluster ec) {
    return new ServiceAccountBuilder()
        .withMetadata(Names.metadata(ec, Names.cluster(ec)))
        .withAutomountServiceAccountToken(false)
        .build();
  }
}
