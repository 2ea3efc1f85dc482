package io.eventstreamcore.security;

import io.eventstreamcore.protocol.CaTrust;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * What a node presents over TLS, from its PEM certificate and key; whom it trusts is {@link
 * CaTrust}, which clients share.
 */
public final class TlsContexts {
  private static final char[] IN_MEMORY = "in-memory".toCharArray();

  private TlsContexts() {}

  /** Presents the certificate chain in {@code cert} with the key in {@code key}. */
  public static KeyManager[] keyManagers(Path cert, Path key) throws IOException {
    List<X509Certificate> chain = CaTrust.certificates(cert);
    PrivateKey privateKey = Pem.privateKey(key);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("self", privateKey, IN_MEMORY, chain.toArray(new X509Certificate[0]));
      KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      f.init(store, IN_MEMORY);
      return f.getKeyManagers();
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot use " + cert + " with " + key + ": " + e.getMessage(), e);
    }
  }

  /** A context that presents {@code cert}/{@code key} and trusts {@code ca} (mutual TLS). */
  public static SSLContext mutual(Path cert, Path key, Path ca) throws IOException {
    return CaTrust.context(keyManagers(cert, key), CaTrust.trustManagers(ca));
  }
}
