package io.eventstreamcore.security;

import io.eventstreamcore.protocol.Credential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything a secured local cluster needs, in one folder: the cluster's CA, a certificate per
 * member, the users file the nodes read, and the first admin's and the members' credentials. What
 * the operator keeps in Secrets on Kubernetes, {@code esc cluster up} keeps here.
 */
public record ClusterMaterial(Path dir) {
  public static final String ADMIN = "admin";
  public static final String MEMBER = "member";

  public Path caCertificate() {
    return dir.resolve("ca.crt");
  }

  public Path caKey() {
    return dir.resolve("ca.key");
  }

  public Path nodeCertificate(String node) {
    return dir.resolve(node + ".crt");
  }

  public Path nodeKey(String node) {
    return dir.resolve(node + ".key");
  }

  public Path usersFile() {
    return dir.resolve("users");
  }

  public Path adminCredential() {
    return dir.resolve(ADMIN + ".credential");
  }

  public Path memberCredential() {
    return dir.resolve(MEMBER + ".credential");
  }

  /** The settings that make node {@code node} use this material (TLS and authentication on). */
  public List<String> nodeProperties(String node) {
    return List.of(
        "esc.tls.cert-file=" + nodeCertificate(node).toAbsolutePath(),
        "esc.tls.key-file=" + nodeKey(node).toAbsolutePath(),
        "esc.tls.ca-file=" + caCertificate().toAbsolutePath(),
        "esc.auth.users-file=" + usersFile().toAbsolutePath(),
        "esc.auth.member-credential-file=" + memberCredential().toAbsolutePath());
  }

  /** The material a node's settings point at, if they do ({@link #nodeProperties}). */
  public static java.util.Optional<ClusterMaterial> named(List<String> properties) {
    return properties.stream()
        .filter(p -> p.startsWith("esc.tls.ca-file="))
        .findFirst()
        .map(p -> new ClusterMaterial(Path.of(p.substring(p.indexOf('=') + 1)).getParent()));
  }

  public boolean exists() {
    return Files.isRegularFile(caCertificate()) && Files.isRegularFile(usersFile());
  }

  /**
   * Creates the CA, one certificate per node (valid for the host it is given), an {@code admin} and
   * a {@code member} user.
   */
  public static ClusterMaterial create(Path dir, String clusterName, Map<String, String> nodeHosts)
      throws IOException {
    Files.createDirectories(dir);
    ClusterMaterial m = new ClusterMaterial(dir);
    CertificateAuthority ca =
        CertificateAuthority.create(clusterName + " CA", Duration.ofDays(3650));
    ca.self().writeTo(dir, "ca");
    for (Map.Entry<String, String> node : nodeHosts.entrySet()) {
      ca.issue(node.getKey(), List.of(node.getValue(), "localhost"), Duration.ofDays(365))
          .writeTo(dir, node.getKey());
    }
    Credential admin = Credential.generate(ADMIN);
    Credential member = Credential.generate(MEMBER);
    OwnerOnly.write(m.adminCredential(), admin);
    OwnerOnly.write(m.memberCredential(), member);
    Files.writeString(
        m.usersFile(),
        "# name secret-sha256 rights (docs/operations.md, Security)\n"
            + UserEntry.of(admin, List.of("admin")).line()
            + "\n"
            + UserEntry.of(member, List.of("member")).line()
            + "\n");
    return m;
  }

  /** Adds a user with the given rights to the users file and returns its new credential. */
  public Credential addUser(String user, List<String> rights) throws IOException {
    boolean taken =
        Files.readAllLines(usersFile()).stream()
            .filter(UserEntry::isEntry)
            .map(UserEntry::parse)
            .anyMatch(e -> e.user().equals(user));
    if (taken) {
      throw new IllegalArgumentException("user '" + user + "' exists already");
    }
    Credential c = Credential.generate(user);
    Files.writeString(
        usersFile(),
        UserEntry.of(c, rights).line() + "\n",
        java.nio.file.StandardOpenOption.APPEND);
    return c;
  }
}
