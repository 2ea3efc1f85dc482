package io.eventstreamcore.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A user's name and secret. The secret is 256 random bits, so a plain SHA-256 of it is what a node
 * stores (a slow password hash protects guessable secrets, and these are not guessable). The same
 * pair authenticates on the binary protocol (HELLO mechanism {@value #MECHANISM}) and on HTTP
 * (Basic).
 */
public record Credential(String user, String secret) {
  public static final String MECHANISM = "token";
  private static final SecureRandom RANDOM = new SecureRandom();

  public Credential {
    if (!user.matches(USER_PATTERN)) {
      throw new IllegalArgumentException(
          "user name '" + user + "' must be 1..64 of [A-Za-z0-9._-]");
    }
    if (secret.isEmpty()) {
      throw new IllegalArgumentException("the secret of user '" + user + "' is empty");
    }
  }

  public static final String USER_PATTERN = "[A-Za-z0-9._-]{1,64}";

  public static Credential generate(String user) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    return new Credential(user, Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
  }

  /** {@code user:secret}, the form of a credential file and of the HELLO auth data. */
  public static Credential parse(String text) {
    String t = text.strip();
    int colon = t.indexOf(':');
    if (colon < 1) {
      throw new IllegalArgumentException("a credential is written user:secret");
    }
    return new Credential(t.substring(0, colon), t.substring(colon + 1));
  }

  public static Credential read(Path file) throws IOException {
    try {
      return parse(Files.readString(file));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": " + e.getMessage(), e);
    }
  }

  public String text() {
    return user + ":" + secret;
  }

  public byte[] helloData() {
    return text().getBytes(StandardCharsets.UTF_8);
  }

  public String basicAuthorization() {
    return "Basic " + Base64.getEncoder().encodeToString(helloData());
  }

  /** The hex SHA-256 of the secret: what a users file holds instead of the secret. */
  public String secretHash() {
    return hash(secret);
  }

  public static String hash(String secret) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "Credential[" + user + "]";
  }
}
