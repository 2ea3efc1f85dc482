package io.eventstreamcore.security;

import io.eventstreamcore.protocol.CaTrust;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A cluster's own certificate authority: it signs the members' certificates, and members trust only
 * it. EC P-256 keys, which every TLS stack here (JDK, Netty, gRPC) speaks.
 */
public final class CertificateAuthority {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey key;

  private CertificateAuthority(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** A certificate and its key. */
  public record Issued(X509Certificate certificate, PrivateKey key) {
    public String certificatePem() {
      return Pem.encode(certificate);
    }

    public String keyPem() {
      return Pem.encode(key);
    }

    /** Writes {@code name.crt} and {@code name.key}; the key readable by its owner only. */
    public void writeTo(Path dir, String name) throws IOException {
      Files.writeString(dir.resolve(name + ".crt"), certificatePem());
      OwnerOnly.write(dir.resolve(name + ".key"), keyPem());
    }
  }

  public static CertificateAuthority create(String name, Duration validity) {
    KeyPair pair = newKeyPair();
    X500Name subject = new X500Name("CN=" + name);
    try {
      X509v3CertificateBuilder b = builder(subject, subject, pair, Instant.now(), validity);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      return new CertificateAuthority(sign(b, pair.getPrivate()), pair.getPrivate());
    } catch (IOException e) {
      throw new IllegalStateException("could not build a CA certificate", e);
    }
  }

  /** From PEM text, e.g. the values of a Kubernetes Secret. */
  public static CertificateAuthority fromPem(String certificate, String key) throws IOException {
    return new CertificateAuthority(CaTrust.certificates(certificate).get(0), Pem.privateKey(key));
  }

  public Issued self() {
    return new Issued(certificate, key);
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * A certificate for TLS on both ends of a connection (server and client auth), valid for the
   * given host names and IP addresses.
   */
  public Issued issue(String commonName, List<String> hosts, Duration validity) {
    return issue(commonName, hosts, Instant.now(), validity);
  }

  /**
   * As {@link #issue(String, List, Duration)}, valid from {@code now} (a minute's slack before).
   */
  public Issued issue(String commonName, List<String> hosts, Instant now, Duration validity) {
    KeyPair pair = newKeyPair();
    try {
      X509v3CertificateBuilder b =
          builder(
              new X500Name(certificate.getSubjectX500Principal().getName()),
              new X500Name("CN=" + commonName),
              pair,
              now,
              validity);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      if (!hosts.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false, alternativeNames(hosts));
      }
      return new Issued(sign(b, key), pair.getPrivate());
    } catch (IOException e) {
      throw new IllegalStateException("could not build a certificate for " + commonName, e);
    }
  }

  private static GeneralNames alternativeNames(List<String> hosts) {
    List<GeneralName> names = new ArrayList<>();
    for (String h : hosts) {
      // IP literals are a name of their own kind; TLS checks them apart from DNS names.
      boolean ip = h.matches("[0-9.]+") || h.contains(":");
      names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, h));
    }
    return new GeneralNames(names.toArray(new GeneralName[0]));
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, KeyPair pair, Instant now, Duration validity) {
    // A minute of slack before now: clocks of the members differ a little.
    Instant from = now.minusSeconds(60);
    return new JcaX509v3CertificateBuilder(
        issuer,
        new BigInteger(64, RANDOM).abs().add(BigInteger.ONE),
        Date.from(from),
        Date.from(from.plus(validity)),
        subject,
        pair.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer) {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("could not sign a certificate", e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 is not available", e);
    }
  }
}
