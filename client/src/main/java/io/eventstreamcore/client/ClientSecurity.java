package io.eventstreamcore.client;

import io.eventstreamcore.protocol.CaTrust;
import io.eventstreamcore.protocol.Credential;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * How a client proves who the nodes are (TLS, verified against the cluster's CA and the node's host
 * name) and who it is (a user's credential, sent in HELLO). {@link #NONE} is plain TCP and
 * anonymous, for a cluster that runs without security.
 */
public record ClientSecurity(Optional<SSLContext> tls, Optional<Credential> credential) {
  public static final ClientSecurity NONE = new ClientSecurity(Optional.empty(), Optional.empty());

  /** TLS trusting the CA in {@code caFile}, authenticated as {@code credential}. */
  public static ClientSecurity of(Path caFile, Credential credential) throws IOException {
    return new ClientSecurity(Optional.of(CaTrust.trusting(caFile)), Optional.of(credential));
  }

  /** From files, either of which may be absent: a CA file (TLS on), a {@code user:secret} file. */
  public static ClientSecurity fromFiles(Optional<Path> caFile, Optional<Path> credentialFile)
      throws IOException {
    Optional<SSLContext> tls =
        caFile.isPresent() ? Optional.of(CaTrust.trusting(caFile.get())) : Optional.empty();
    Optional<Credential> credential =
        credentialFile.isPresent()
            ? Optional.of(Credential.read(credentialFile.get()))
            : Optional.empty();
    return new ClientSecurity(tls, credential);
  }
}
