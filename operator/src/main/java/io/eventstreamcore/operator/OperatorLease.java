package io.eventstreamcore.operator;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import org.jboss.logging.Logger;

/**
 * The Lease that lets one of several operator replicas act. JOSDK's own handling of a lost Lease
 * calls {@code System.exit} from the thread that stops leading; when that happens during JVM
 * shutdown (SIGTERM stops the operator, which stops leading) the exit waits for the shutdown hook
 * that is waiting for it, and the process only ends at SIGKILL. Here losing the Lease while running
 * calls {@code lost} (the application exits on its own thread), and stopping releases the Lease so
 * that a standby takes over at once instead of after the Lease's duration.
 */
public final class OperatorLease {
  private static final Logger LOG = Logger.getLogger(OperatorLease.class);

  public static final String NAME = "eventstreamcore-operator";

  private final String namespace;
  private final String identity;

  /**
   * @param namespace where the Lease is: the operator's own namespace
   * @param identity this replica (its pod name)
   */
  public OperatorLease(String namespace, String identity) {
    this.namespace = namespace;
    this.identity = identity;
  }

  /** JOSDK's configuration: no exit of its own; {@code lost} runs when leadership is lost. */
  public LeaderElectionConfiguration configuration(Runnable lost) {
    return new LeaderElectionConfiguration(
        NAME,
        namespace,
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
        identity,
        new LeaderCallbacks(() -> LOG.infof("%s leads", identity), lost, leader -> {}),
        false);
  }

  /** Gives the Lease up if this replica holds it, as client-go's release-on-cancel does. */
  public void release(KubernetesClient client) {
    try {
      Lease lease = client.leases().inNamespace(namespace).withName(NAME).get();
      if (lease == null
          || lease.getSpec() == null
          || !identity.equals(lease.getSpec().getHolderIdentity())) {
        return;
      }
      client
          .leases()
          .inNamespace(namespace)
          .withName(NAME)
          .edit(
              l -> {
                l.getSpec().setHolderIdentity(null);
                l.getSpec().setLeaseDurationSeconds(1);
                return l;
              });
      LOG.infof("released the Lease %s/%s", namespace, NAME);
    } catch (RuntimeException e) {
      LOG.warnf("could not release the Lease %s/%s: %s", namespace, NAME, e.getMessage());
    }
  }
}
