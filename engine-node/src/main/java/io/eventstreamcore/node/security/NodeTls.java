package io.eventstreamcore.node.security;

import io.eventstreamcore.node.config.NodeConfig;
import io.eventstreamcore.protocol.CaTrust;
import io.eventstreamcore.security.TlsContexts;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;

/**
 * The node's certificate, key and CA, read once at start, and what each channel makes of them. HTTP
 * gets them through Quarkus configuration instead ({@link HttpTlsConfigSource}).
 */
public final class NodeTls {
  private final Path cert;
  private final Path key;
  private final Path ca;

  private NodeTls(Path cert, Path key, Path ca) {
    this.cert = cert;
    this.key = key;
    this.ca = ca;
  }

  /** Empty when TLS is off; a partial setting fails the start with what is missing. */
  public static Optional<NodeTls> of(NodeConfig.Tls tls) {
    if (!tls.enabled()) {
      return Optional.empty();
    }
    NodeTls t =
        new NodeTls(
            Path.of(tls.certFile().get()),
            Path.of(
                tls.keyFile()
                    .orElseThrow(() -> missing("esc.tls.key-file", "the certificate's key"))),
            Path.of(tls.caFile().orElseThrow(() -> missing("esc.tls.ca-file", "the cluster CA"))));
    t.peerContext(); // reads and checks all three files now, not at the first connection
    return Optional.of(t);
  }

  private static IllegalStateException missing(String key, String what) {
    return new IllegalStateException(key + " must be set with esc.tls.cert-file: " + what);
  }

  /** TLS on the binary protocol's listener. */
  public NetServerOptions secure(NetServerOptions options) {
    return options
        .setSsl(true)
        .setKeyCertOptions(
            new PemKeyCertOptions().setCertPath(cert.toString()).setKeyPath(key.toString()));
  }

  /**
   * Mutual TLS on Raft, for the node's server and its own clients alike: a peer must present a
   * certificate of the cluster's CA, so no outside Ratis client can append entries or remove the
   * group.
   */
  public Parameters raftParameters() {
    try {
      GrpcTlsConfig conf =
          new GrpcTlsConfig(
              TlsContexts.keyManagers(cert, key)[0], CaTrust.trustManagers(ca)[0], true);
      Parameters p = new Parameters();
      GrpcConfigKeys.TLS.setConf(p, conf);
      GrpcConfigKeys.Server.setTlsConf(p, conf);
      GrpcConfigKeys.Client.setTlsConf(p, conf);
      GrpcConfigKeys.Admin.setTlsConf(p, conf);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What this node presents and trusts when it calls a peer's HTTP API. */
  public SSLContext peerContext() {
    try {
      return TlsContexts.mutual(cert, key, ca);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
