package io.eventstreamcore.security;

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
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** JDK TLS objects from PEM files: what a node presents, and whom it and its clients trust. */
public final class TlsContexts {
  private static final char[] IN_MEMORY = "in-memory".toCharArray();

  private TlsContexts() {}

  /** Presents the certificate chain in {@code cert} with the key in {@code key}. */
  public static KeyManager[] keyManagers(Path cert, Path key) throws IOException {
    List<X509Certificate> chain = Pem.certificates(cert);
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

  /** Trusts exactly the certificates in {@code ca}, not the JDK's public roots. */
  public static TrustManager[] trustManagers(Path ca) throws IOException {
    return trustManagers(Pem.certificates(ca));
  }

  public static TrustManager[] trustManagers(List<X509Certificate> ca) throws IOException {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (X509Certificate c : ca) {
        store.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory f =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init(store);
      return f.getTrustManagers();
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot trust the CA: " + e.getMessage(), e);
    }
  }

  /** A client context that trusts {@code ca} and presents nothing. */
  public static SSLContext trusting(Path ca) throws IOException {
    return context(null, trustManagers(ca));
  }

  public static SSLContext trusting(List<X509Certificate> ca) throws IOException {
    return context(null, trustManagers(ca));
  }

  /** A context that presents {@code cert}/{@code key} and trusts {@code ca} (mutual TLS). */
  public static SSLContext mutual(Path cert, Path key, Path ca) throws IOException {
    return context(keyManagers(cert, key), trustManagers(ca));
  }

  private static SSLContext context(KeyManager[] keys, TrustManager[] trust) throws IOException {
    try {
      SSLContext c = SSLContext.getInstance("TLS");
      c.init(keys, trust, null);
      return c;
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS is not available: " + e.getMessage(), e);
    }
  }
}
