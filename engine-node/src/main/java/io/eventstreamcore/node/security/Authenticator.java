package io.eventstreamcore.node.security;

import io.eventstreamcore.node.config.NodeConfig;
import io.eventstreamcore.protocol.Credential;
import io.eventstreamcore.protocol.Hello;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Tells who a client is, from its HELLO or its HTTP {@code Authorization} header. With
 * authentication off everyone is {@link Principal#ANONYMOUS}, which may do everything; the node
 * says so in its log at start.
 */
@ApplicationScoped
public class Authenticator {
  private static final Logger LOG = Logger.getLogger(Authenticator.class);

  @Inject NodeConfig config;

  private UsersFile users;
  private Credential member;

  @PostConstruct
  void load() {
    NodeConfig.Auth auth = config.auth();
    if (!auth.enabled()) {
      LOG.warn(
          "authentication is off (esc.auth.users-file not set): anyone who reaches this node's"
              + " ports may produce, consume and administer it");
      return;
    }
    try {
      users = new UsersFile(Path.of(auth.usersFile().get()));
      member =
          Credential.read(
              Path.of(
                  auth.memberCredentialFile()
                      .orElseThrow(
                          () ->
                              new IllegalStateException(
                                  "esc.auth.member-credential-file must be set with"
                                      + " esc.auth.users-file: members call each other with it"))));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the node's users or member credential", e);
    }
    if (!users.verify(member).map(p -> p.rights().member()).orElse(false)) {
      throw new IllegalStateException(
          "the member credential of esc.auth.member-credential-file is not a user with the"
              + " 'member' right in "
              + auth.usersFile().get());
    }
    if (!config.tls().enabled()) {
      LOG.warn("authentication is on but TLS is off: secrets cross the network in clear text");
    }
    LOG.infof("authentication on: %d users", users.size());
  }

  public boolean required() {
    return users != null;
  }

  /** The credential this node calls its peers with, while authentication is on. */
  public Optional<Credential> memberCredential() {
    return Optional.ofNullable(member);
  }

  /** Who a HELLO says it is; empty when it does not prove it. */
  public Optional<Principal> hello(String mechanism, byte[] data) {
    if (!required()) {
      return Optional.of(Principal.ANONYMOUS);
    }
    if (!Credential.MECHANISM.equals(mechanism)) {
      return Optional.empty();
    }
    return verify(new String(data, StandardCharsets.UTF_8));
  }

  /** Who an HTTP {@code Authorization} header says it is; empty when it does not prove it. */
  public Optional<Principal> http(String authorization) {
    if (!required()) {
      return Optional.of(Principal.ANONYMOUS);
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Optional.empty();
    }
    try {
      byte[] decoded = Base64.getDecoder().decode(authorization.substring(6).strip());
      return verify(new String(decoded, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private Optional<Principal> verify(String userColonSecret) {
    try {
      return users.verify(Credential.parse(userColonSecret));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** What a client that does not authenticate is told, on either protocol. */
  public static String howToAuthenticate() {
    return "this node requires authentication: HELLO with mechanism '"
        + Credential.MECHANISM
        + "' (not '"
        + Hello.NO_AUTH
        + "') and user:secret as auth data, or HTTP Basic with the same user and secret";
  }
}
