package io.eventstreamcore.operator.children;

import io.eventstreamcore.operator.crd.EventCluster;
import io.eventstreamcore.protocol.Credential;
import io.eventstreamcore.security.CertificateAuthority;
import io.eventstreamcore.security.UserEntry;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The Secrets of a secured cluster and where the engines find them. The CA's key stays in a Secret
 * no pod mounts; the engines mount their certificate and the users file; the first admin's
 * credential is kept for people and the operator.
 */
public final class EngineSecrets {
  public static final String CA_CERT = "ca.crt";
  public static final String CA_KEY = "ca.key";
  public static final String CERT = "tls.crt";
  public static final String KEY = "tls.key";
  public static final String USERS = "users";
  public static final String MEMBER = "member.credential";
  public static final String ADMIN = "credential";

  public static final String TLS_MOUNT = "/etc/eventstreamcore-tls";
  public static final String AUTH_MOUNT = "/etc/eventstreamcore-auth";

  /** How long an engine certificate lasts; it is renewed when less than a third is left. */
  public static final Duration CERT_VALIDITY = Duration.ofDays(90);

  public static final Duration CA_VALIDITY = Duration.ofDays(3650);

  private EngineSecrets() {}

  public static String caName(EventCluster ec) {
    return Names.cluster(ec) + "-ca";
  }

  public static String tlsName(EventCluster ec) {
    return Names.cluster(ec) + "-tls";
  }

  public static String authName(EventCluster ec) {
    return Names.cluster(ec) + "-auth";
  }

  /** The first admin's {@code user:secret} and the CA certificate: what a client needs. */
  public static String adminName(EventCluster ec) {
    return Names.cluster(ec) + "-admin";
  }

  /** Engine settings that point at the mounted Secrets. */
  public static Map<String, String> engineProperties() {
    return Map.of(
        "esc.tls.cert-file", TLS_MOUNT + "/" + CERT,
        "esc.tls.key-file", TLS_MOUNT + "/" + KEY,
        "esc.tls.ca-file", TLS_MOUNT + "/" + CA_CERT,
        "esc.auth.users-file", AUTH_MOUNT + "/" + USERS,
        "esc.auth.member-credential-file", AUTH_MOUNT + "/" + MEMBER);
  }

  /**
   * Every name an engine is reached by: each pod through the headless Service, the client Service,
   * short and fully qualified, and loopback, which is where a {@code kubectl port-forward} puts it
   * (only the engines hold the key, so naming loopback lets no one else pose as them).
   */
  public static List<String> hosts(EventCluster ec) {
    String ns = ec.getMetadata().getNamespace();
    String domain = ec.getSpec().clusterDomain;
    String peers = Names.peers(ec) + "." + ns + ".svc";
    String service = Names.cluster(ec) + "." + ns + ".svc";
    return List.of(
        "*." + peers,
        "*." + peers + "." + domain,
        Names.cluster(ec),
        Names.cluster(ec) + "." + ns,
        service,
        service + "." + domain,
        "localhost",
        "127.0.0.1");
  }

  public static Secret ca(EventCluster ec, CertificateAuthority ca) {
    return secret(
        ec, caName(ec), Map.of(CA_CERT, ca.self().certificatePem(), CA_KEY, ca.self().keyPem()));
  }

  public static Secret tls(EventCluster ec, CertificateAuthority ca, Instant now) {
    CertificateAuthority.Issued engines =
        ca.issue(Names.cluster(ec) + " engines", hosts(ec), now, CERT_VALIDITY);
    return secret(
        ec,
        tlsName(ec),
        Map.of(
            CA_CERT,
            ca.self().certificatePem(),
            CERT,
            engines.certificatePem(),
            KEY,
            engines.keyPem()));
  }

  /** The users file with the first admin and the members' user; users added later stay. */
  public static Secret auth(EventCluster ec, Credential admin, Credential member) {
    String users =
        "# name secret-sha256 rights (docs/operations.md, Security); add users here\n"
            + UserEntry.of(admin, List.of("admin")).line()
            + "\n"
            + UserEntry.of(member, List.of("member")).line()
            + "\n";
    return secret(ec, authName(ec), Map.of(USERS, users, MEMBER, member.text()));
  }

  public static Secret admin(EventCluster ec, Credential admin, CertificateAuthority ca) {
    return secret(
        ec, adminName(ec), Map.of(ADMIN, admin.text(), CA_CERT, ca.self().certificatePem()));
  }

  private static Secret secret(EventCluster ec, String name, Map<String, String> data) {
    return new SecretBuilder()
        .withMetadata(Names.metadata(ec, name))
        .withType("Opaque")
        .withStringData(data)
        .build();
  }
}
