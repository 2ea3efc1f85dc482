package io.eventstreamcore.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventstreamcore.protocol.Credential;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterMaterialTest {
  @TempDir Path dir;

  @Test
  void membersOfOneClusterShakeHandsMutuallyAndVerifyTheHostName() throws Exception {
    ClusterMaterial m = material(dir.resolve("a"));
    SSLContext n1 = TlsContexts.mutual(m.nodeCertificate("n1"), m.nodeKey("n1"), m.caCertificate());
    SSLContext n2 = TlsContexts.mutual(m.nodeCertificate("n2"), m.nodeKey("n2"), m.caCertificate());

    assertThat(handshake(n1, n2)).isEqualTo("CN=n2");
  }

  @Test
  void aCertificateOfAnotherClusterIsRefusedOnBothSides() throws Exception {
    ClusterMaterial ours = material(dir.resolve("a"));
    ClusterMaterial theirs = material(dir.resolve("b"));
    SSLContext server =
        TlsContexts.mutual(ours.nodeCertificate("n1"), ours.nodeKey("n1"), ours.caCertificate());
    SSLContext stranger =
        TlsContexts.mutual(
            theirs.nodeCertificate("n2"), theirs.nodeKey("n2"), ours.caCertificate());
    SSLContext misled =
        TlsContexts.mutual(ours.nodeCertificate("n2"), ours.nodeKey("n2"), theirs.caCertificate());

    assertThatThrownBy(() -> handshake(server, stranger)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> handshake(server, misled)).isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void secretsAreOwnerOnlyAndTheUsersFileHoldsHashesNotSecrets() throws Exception {
    ClusterMaterial m = material(dir.resolve("a"));
    Credential admin = Credential.read(m.adminCredential());
    String users = Files.readString(m.usersFile());

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(m.nodeKey("n1"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(m.adminCredential())))
        .isEqualTo("rw-------");
    assertThat(users).contains(admin.secretHash()).doesNotContain(admin.secret());
    assertThat(
            Files.readAllLines(m.usersFile()).stream()
                .filter(UserEntry::isEntry)
                .map(UserEntry::parse)
                .map(e -> e.user() + "=" + e.rights()))
        .containsExactly("admin=[admin]", "member=[member]");
  }

  @Test
  void anAddedUserIsAppendedOnceWithItsRights() throws Exception {
    ClusterMaterial m = material(dir.resolve("a"));
    Credential app = m.addUser("app", List.of("produce:orders/", "consume:orders/"));

    assertThat(Files.readAllLines(m.usersFile()))
        .contains(app.user() + " " + app.secretHash() + " produce:orders/ consume:orders/");
    assertThatThrownBy(() -> m.addUser("app", List.of())).hasMessageContaining("exists");
    assertThat(Credential.parse(app.text())).isEqualTo(app);
  }

  private static ClusterMaterial material(Path dir) throws IOException {
    return ClusterMaterial.create(dir, "test", Map.of("n1", "127.0.0.1", "n2", "127.0.0.1"));
  }

  /**
   * Runs one mutual-TLS handshake on loopback; answers the client's subject as the server saw it.
   */
  private static String handshake(SSLContext server, SSLContext client) throws Exception {
    try (SSLServerSocket listener =
        (SSLServerSocket)
            server
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setNeedClientAuth(true);
      CompletableFuture<String> seen =
          CompletableFuture.supplyAsync(
              () -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                  s.startHandshake();
                  return s.getSession().getPeerPrincipal().getName();
                } catch (IOException e) {
                  return "refused: " + e;
                }
              });
      try (SSLSocket s =
          (SSLSocket)
              client.getSocketFactory().createSocket("127.0.0.1", listener.getLocalPort())) {
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(p);
        s.startHandshake();
        s.getOutputStream().write(1);
        s.getOutputStream().flush();
      }
      String subject = seen.get();
      if (subject.startsWith("refused")) {
        throw new IOException(subject);
      }
      return subject;
    }
  }
}
