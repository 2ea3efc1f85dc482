package io.eventstreamcore.cli;

import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.client.ClientSecurity;
import io.eventstreamcore.security.ClusterMaterial;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --ca} and {@code --credential}. Without them, a local cluster secured by {@code esc
 * cluster up --secure} is used as its admin, from the material in its folder; otherwise plain and
 * anonymous.
 */
final class SecurityOptions {
  static final Path LOCAL_CLUSTER = Path.of(".esc/cluster");

  @Option(
      names = "--ca",
      paramLabel = "FILE",
      description = "PEM CA to verify nodes against: TLS on (default: a secured local cluster's)")
  Path ca;

  @Option(
      names = "--credential",
      paramLabel = "FILE",
      description = "File holding user:secret (default: a secured local cluster's admin)")
  Path credential;

  ClientSecurity security() throws IOException {
    Optional<ClusterMaterial> local = local();
    Optional<Path> caFile =
        Optional.ofNullable(ca).or(() -> local.map(ClusterMaterial::caCertificate));
    Optional<Path> credentialFile =
        Optional.ofNullable(credential).or(() -> local.map(ClusterMaterial::adminCredential));
    return ClientSecurity.fromFiles(caFile, credentialFile);
  }

  boolean tls() {
    return ca != null || local().isPresent();
  }

  private static Optional<ClusterMaterial> local() {
    ClusterMaterial m = new ClusterMaterial(LOCAL_CLUSTER.resolve(LocalCluster.SECURITY));
    return m.exists() ? Optional.of(m) : Optional.empty();
  }
}
