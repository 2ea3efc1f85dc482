package io.eventstreamcore.protocol;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Trust in a cluster's CA, from its PEM certificates, with the JDK alone. It lives beside the wire
 * format because a client needs it to connect, and a client library must run with no jar but its
 * own and this one (the peer benchmark puts exactly those two on its class path).
 */
public final class CaTrust {
  private CaTrust() {}

  /** The certificates of a PEM file, such as a cluster's {@code ca.crt}. */
  public static List<X509Certificate> certificates(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return certificates(in, file.toString());
    }
  }

  /** Certificates from PEM text, such as a Kubernetes Secret's value. */
  public static List<X509Certificate> certificates(String pem) throws IOException {
    return certificates(
        new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)), "PEM text");
  }

  private static List<X509Certificate> certificates(InputStream in, String source)
      throws IOException {
    try {
      List<X509Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
              .map(X509Certificate.class::cast)
              .toList();
      if (certs.isEmpty()) {
        throw new IOException(source + " holds no PEM certificate");
      }
      return certs;
    } catch (CertificateException e) {
      throw new IOException(source + " is not a PEM certificate file: " + e.getMessage(), e);
    }
  }

  /** Trusts exactly the certificates in {@code ca}, not the JDK's public roots. */
  public static TrustManager[] trustManagers(Path ca) throws IOException {
    return trustManagers(certificates(ca));
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

  /** A TLS context that presents {@code keys} (none: null) and trusts {@code trust}. */
  public static SSLContext context(KeyManager[] keys, TrustManager[] trust) throws IOException {
    try {
      SSLContext c = SSLContext.getInstance("TLS");
      c.init(keys, trust, null);
      return c;
    } catch (GeneralSecurityException e) {
      throw new IOException("TLS is not available: " + e.getMessage(), e);
    }
  }
}
