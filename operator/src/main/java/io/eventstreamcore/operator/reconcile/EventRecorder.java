package io.eventstreamcore.operator.reconcile;

import io.eventstreamcore.operator.crd.EventCluster;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
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

  /**
   * One Event object per distinct (type, reason, message) on a cluster, its count raised on each
   * repeat, as Kubernetes's own recorders aggregate: a cluster stuck on the same problem makes one
   * Event with a count, not one new object per reconcile.
   */
  private void record(EventCluster ec, String type, String reason, String message) {
    LOG.infof(
        "%s/%s: %s: %s",
        ec.getMetadata().getNamespace(), ec.getMetadata().getName(), reason, message);
    String now = Instant.now().toString();
    String ns = ec.getMetadata().getNamespace();
    String name =
        ec.getMetadata().getName()
            + "."
            + UUID.nameUUIDFromBytes(
                    (ec.getMetadata().getUid() + "\n" + type + "\n" + reason + "\n" + message)
                        .getBytes(StandardCharsets.UTF_8))
                .toString()
                .substring(0, 13)
                .replace("-", "");
    try {
      client
          .v1()
          .events()
          .inNamespace(ns)
          .resource(
              new EventBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(ns)
                  .endMetadata()
                  .withNewInvolvedObject()
                  .withApiVersion(ec.getApiVersion())
                  .withKind(ec.getKind())
                  .withName(ec.getMetadata().getName())
                  .withNamespace(ns)
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
      if (e.getCode() != 409) {
        LOG.warnf("could not record event %s: %s", reason, e.getMessage());
        return;
      }
      repeated(ns, name, now, reason);
    }
  }

  private void repeated(String ns, String name, String now, String reason) {
    try {
      client
          .v1()
          .events()
          .inNamespace(ns)
          .withName(name)
          .edit(
              e -> {
                e.setCount(e.getCount() == null ? 2 : e.getCount() + 1);
                e.setLastTimestamp(now);
                return e;
              });
    } catch (KubernetesClientException e) {
      LOG.warnf("could not count event %s again: %s", reason, e.getMessage());
    }
  }
}
