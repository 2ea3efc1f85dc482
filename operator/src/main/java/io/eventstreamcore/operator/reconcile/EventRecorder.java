package io.eventstreamcore.operator.reconcile;

import io.eventstreamcore.operator.crd.EventCluster;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Every action the operator takes on a cluster becomes a Kubernetes Event on the EventCluster. */
public final class EventRecorder {
  private static final Logger LOG = Logger.getLogger(EventRecorder.class);

  private final KubernetesClient client;

  public EventRecorder(KubernetesClient client) {
    this.client = client;
  }

  public void normal(EventCluster ec, String reason, String message) {
    record(ec, "Normal", reason, message);
  }

  public void warning(EventCluster ec, String reason, String message) {
    record(ec, "Warning", reason, message);
  }

  private void record(EventCluster ec, String type, String reason, String message) {
    LOG.infof(
        "%s/%s: %s: %s",
        ec.getMetadata().getNamespace(), ec.getMetadata().getName(), reason, message);
    String now = Instant.now().toString();
    try {
      client
          .v1()
          .events()
          .inNamespace(ec.getMetadata().getNamespace())
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(ec.getMetadata().getName() + "." + UUID.randomUUID())
                  .withNamespace(ec.getMetadata().getNamespace())
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withApiVersion(ec.getApiVersion())
                  .withKind(ec.getKind())
                  .withName(ec.getMetadata().getName())
                  .withNamespace(ec.getMetadata().getNamespace())
                  .withUid(ec.getMetadata().getUid())
                  .endInvolvedObject()
                  .withType(type)
                  .withReason(reason)
                  .withMessage(message)
                  .withFirstTimestamp(now)
                  .withLastTimestamp(now)
                  .withCount(1)
                  .withNewSource()
                  .withComponent("eventstreamcore-operator")
                  .endSource()
                  .build())
          .create();
    } catch (KubernetesClientException e) {
      LOG.warnf("could not record event %s: %s", reason, e.getMessage());
    }
  }
}
