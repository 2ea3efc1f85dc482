package io.eventstreamcore.node.security;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Turns {@code esc.tls.*} into the Quarkus settings that put HTTP on TLS, so one set of files
 * secures every channel: HTTPS on the node's HTTP port and no plain HTTP at all, with the files
 * read again every minute (a rotated certificate takes effect without a restart). Settings given
 * explicitly for Quarkus (system properties, environment) still win.
 */
public class HttpTlsConfigSource implements ConfigSourceFactory {
  private static final int ORDINAL = 260; // above application.properties, below env and -D

  @Override
  public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
    ConfigValue cert = context.getValue("esc.tls.cert-file");
    if (cert == null || cert.getValue() == null || cert.getValue().isBlank()) {
      return List.of();
    }
    Map<String, String> p = new HashMap<>();
    p.put("quarkus.tls.key-store.pem.node.cert", cert.getValue());
    p.put("quarkus.tls.key-store.pem.node.key", value(context, "esc.tls.key-file"));
    p.put("quarkus.tls.reload-period", "1m");
    p.put("quarkus.http.insecure-requests", "disabled");
    String port = value(context, "quarkus.http.port");
    if (port != null) {
      p.put("quarkus.http.ssl-port", port);
    }
    p.values().removeIf(v -> v == null);
    return List.of(new PropertiesConfigSource(p, "esc.tls (HTTP)", ORDINAL));
  }

  @Override
  public OptionalInt getPriority() {
    return OptionalInt.of(ORDINAL);
  }

  private static String value(ConfigSourceContext context, String key) {
    ConfigValue v = context.getValue(key);
    return v == null ? null : v.getValue();
  }
}
