package io.eventstreamcore.operator.reconcile;

import io.eventstreamcore.operator.children.EngineSecrets;
import io.eventstreamcore.operator.crd.EventCluster;
import io.eventstreamcore.operator.engine.EngineAccess;
import io.eventstreamcore.protocol.CaTrust;
import io.eventstreamcore.protocol.Credential;
import io.eventstreamcore.security.CertificateAuthority;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Secrets of a secured cluster: the CA, the engines' certificate, the users file and the first
 * admin's credential are made when missing, and the engines' certificate is issued again when a
 * third of its life is left. Existing Secrets are never rewritten otherwise: users added to the
 * users file stay, and a CA is kept for the life of the cluster.
 */
final class ClusterCredentials {
  private final KubernetesClient client;
  private final EventRecorder events;
  private final Clock clock;
  private final Map<String, Known> known = new ConcurrentHashMap<>();

  /** What the rest of a reconciliation needs of the Secrets. */
  record Material(EngineAccess access, String certificateSerial) {}

  /** The access last built for a cluster, kept while its CA and admin credential are the same. */
  private record Known(String caPem, String admin, EngineAccess access) {}

  ClusterCredentials(KubernetesClient client, EventRecorder events, Clock clock) {
    this.client = client;
    this.events = events;
    this.clock = clock;
  }

  /** Empty for a cluster that runs without security. */
  Optional<Material> ensure(EventCluster ec) {
    if (!ec.getSpec().security.enabled) {
      return Optional.empty();
    }
    try {
      CertificateAuthority ca = authority(ec);
      Credential admin = users(ec, ca);
      X509Certificate engines = engineCertificate(ec, ca);
      return Optional.of(
          new Material(access(ec, ca, admin), engines.getSerialNumber().toString(16)));
    } catch (IOException e) {
      throw new UncheckedIOException("the Secrets of " + ec.getMetadata().getName(), e);
    }
  }

  private CertificateAuthority authority(EventCluster ec) throws IOException {
    Secret s = get(ec, EngineSecrets.caName(ec));
    if (s != null) {
      return CertificateAuthority.fromPem(
          value(s, EngineSecrets.CA_CERT), value(s, EngineSecrets.CA_KEY));
    }
    CertificateAuthority ca =
        CertificateAuthority.create(
            ec.getMetadata().getNamespace() + "/" + ec.getMetadata().getName() + " CA",
            EngineSecrets.CA_VALIDITY);
    create(ec, EngineSecrets.ca(ec, ca));
    events.normal(ec, "CertificateAuthorityCreated", "made the cluster's CA");
    return ca;
  }

  /** The first admin's credential; the users file and the admin Secret are made together. */
  private Credential users(EventCluster ec, CertificateAuthority ca) throws IOException {
    Secret admin = get(ec, EngineSecrets.adminName(ec));
    Secret auth = get(ec, EngineSecrets.authName(ec));
    if (admin != null && auth != null) {
      return Credential.parse(value(admin, EngineSecrets.ADMIN));
    }
    if (auth != null) {
      // The users file holds only hashes, so a lost admin Secret cannot be rebuilt from it.
      throw new IOException(
          "Secret "
              + EngineSecrets.adminName(ec)
              + " is gone while "
              + EngineSecrets.authName(ec)
              + " stays; restore it, or delete both to make a new admin and member credential"
              + " (a restart of every engine then follows)");
    }
    Credential adminCredential = Credential.generate("admin");
    Credential member = Credential.generate("member");
    create(ec, EngineSecrets.auth(ec, adminCredential, member));
    replace(ec, EngineSecrets.admin(ec, adminCredential, ca));
    events.normal(
        ec,
        "CredentialsCreated",
        "made the users file and the first admin's credential in Secret "
            + EngineSecrets.adminName(ec));
    return adminCredential;
  }

  private X509Certificate engineCertificate(EventCluster ec, CertificateAuthority ca)
      throws IOException {
    Secret s = get(ec, EngineSecrets.tlsName(ec));
    if (s != null) {
      X509Certificate current = CaTrust.certificates(value(s, EngineSecrets.CERT)).get(0);
      if (!renewalDue(current) && issuedBy(current, ca)) {
        return current;
      }
    }
    Secret fresh = EngineSecrets.tls(ec, ca, clock.instant());
    replace(ec, fresh);
    if (s != null) {
      events.normal(
          ec,
          "CertificateRenewed",
          "issued the engines a new certificate; they restart one at a time to use it");
    }
    return CaTrust.certificates(fresh.getStringData().get(EngineSecrets.CERT)).get(0);
  }

  private boolean renewalDue(X509Certificate c) {
    Instant from = c.getNotBefore().toInstant();
    Instant until = c.getNotAfter().toInstant();
    Duration third = Duration.between(from, until).dividedBy(3);
    return clock.instant().isAfter(until.minus(third));
  }

  private static boolean issuedBy(X509Certificate c, CertificateAuthority ca) {
    try {
      c.verify(ca.certificate().getPublicKey());
      return true;
    } catch (java.security.GeneralSecurityException e) {
      return false;
    }
  }

  private EngineAccess access(EventCluster ec, CertificateAuthority ca, Credential admin)
      throws IOException {
    String key = ec.getMetadata().getNamespace() + "/" + ec.getMetadata().getName();
    String caPem = ca.self().certificatePem();
    Known k = known.get(key);
    if (k != null && k.caPem().equals(caPem) && k.admin().equals(admin.text())) {
      return k.access();
    }
    EngineAccess access = new EngineAccess(CaTrust.trusting(List.of(ca.certificate())), admin);
    known.put(key, new Known(caPem, admin.text(), access));
    return access;
  }

  private Secret get(EventCluster ec, String name) {
    return client.secrets().inNamespace(ec.getMetadata().getNamespace()).withName(name).get();
  }

  private void create(EventCluster ec, Secret s) {
    s.getMetadata().setOwnerReferences(List.of(ChildApplier.ownerReference(ec)));
    client.secrets().inNamespace(ec.getMetadata().getNamespace()).resource(s).create();
  }

  private void replace(EventCluster ec, Secret s) {
    s.getMetadata().setOwnerReferences(List.of(ChildApplier.ownerReference(ec)));
    client
        .secrets()
        .inNamespace(ec.getMetadata().getNamespace())
        .resource(s)
        .createOr(existing -> existing.update());
  }

  /** A value as the API server returns it (base64 data), or as written (string data). */
  private static String value(Secret s, String key) throws IOException {
    if (s.getData() != null && s.getData().containsKey(key)) {
      return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
    }
    if (s.getStringData() != null && s.getStringData().containsKey(key)) {
      return s.getStringData().get(key);
    }
    throw new IOException("Secret " + s.getMetadata().getName() + " has no " + key);
  }
}
