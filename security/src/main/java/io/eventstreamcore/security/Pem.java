package io.eventstreamcore.security;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/** PEM files, the form Kubernetes Secrets, cert-manager and openssl all hand over keys in. */
public final class Pem {
  private Pem() {}

  /** A private key in PKCS#8, PKCS#1 (RSA) or SEC1 (EC) form. */
  public static PrivateKey privateKey(Path file) throws IOException {
    try (Reader in = Files.newBufferedReader(file)) {
      return privateKey(in, file.toString());
    }
  }

  public static PrivateKey privateKey(String pem) throws IOException {
    return privateKey(new java.io.StringReader(pem), "PEM text");
  }

  private static PrivateKey privateKey(Reader in, String file) throws IOException {
    try (PEMParser parser = new PEMParser(in)) {
      Object o = parser.readObject();
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      if (o instanceof PEMKeyPair pair) {
        return converter.getPrivateKey(pair.getPrivateKeyInfo());
      }
      if (o instanceof PrivateKeyInfo info) {
        return converter.getPrivateKey(info);
      }
      throw new IOException(file + " holds no unencrypted PEM private key");
    }
  }

  /** A certificate, or a private key in PKCS#8 ("PRIVATE KEY"), which every TLS stack reads. */
  public static String encode(Object certificateOrKey) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      if (certificateOrKey instanceof PrivateKey key) {
        w.writeObject(new JcaPKCS8Generator(key, null));
      } else {
        w.writeObject(certificateOrKey);
      }
    } catch (IOException e) {
      throw new IllegalStateException("PEM encoding to memory failed", e);
    }
    return out.toString();
  }
}
