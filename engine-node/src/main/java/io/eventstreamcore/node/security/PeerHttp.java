package io.eventstreamcore.node.security;

import io.eventstreamcore.node.config.NodeConfig;
import io.eventstreamcore.protocol.Credential;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * How a node calls another member's HTTP API: over TLS trusting the cluster CA when TLS is on, and
 * as the {@code member} user when authentication is on.
 */
@ApplicationScoped
public class PeerHttp {
  @Inject NodeConfig config;
  @Inject Authenticator authenticator;

  private Optional<SSLContext> tls;

  @PostConstruct
  void init() {
    tls = NodeTls.of(config.tls()).map(NodeTls::peerContext);
  }

  /** {@code https} or {@code http}: every member of a cluster serves HTTP the same way. */
  public String scheme() {
    return config.tls().enabled() ? "https" : "http";
  }

  public HttpClient newClient(Duration connectTimeout) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(connectTimeout);
    tls.ifPresent(b::sslContext);
    return b.build();
  }

  /** A request to a peer, carrying this node's member credential. */
  public HttpRequest.Builder request(String url) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    authenticator
        .memberCredential()
        .map(Credential::basicAuthorization)
        .ifPresent(a -> b.header("Authorization", a));
    return b;
  }
}
