package io.eventstreamcore.security;

import io.eventstreamcore.protocol.Credential;
import java.util.Arrays;
import java.util.List;

/**
 * One line of a users file: {@code name secret-sha256 right...}, whitespace between. Lines that are
 * empty or start with {@code #} are not entries. The rights are read by the node
 * (docs/operations.md, Security); here they are words.
 */
public record UserEntry(String user, String secretHash, List<String> rights) {
  public UserEntry {
    if (!user.matches(Credential.USER_PATTERN)) {
      throw new IllegalArgumentException("user name '" + user + "' is not allowed");
    }
    if (!secretHash.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException(
          "user '" + user + "': the second field must be the secret's SHA-256 in hex");
    }
    rights = List.copyOf(rights);
  }

  public static UserEntry of(Credential c, List<String> rights) {
    return new UserEntry(c.user(), c.secretHash(), rights);
  }

  public static boolean isEntry(String line) {
    String t = line.strip();
    return !t.isEmpty() && !t.startsWith("#");
  }

  public static UserEntry parse(String line) {
    String[] f = line.strip().split("\\s+");
    if (f.length < 2) {
      throw new IllegalArgumentException("a user line is: name secret-sha256 right...");
    }
    return new UserEntry(f[0], f[1], Arrays.asList(f).subList(2, f.length));
  }

  public String line() {
    return user + " " + secretHash + (rights.isEmpty() ? "" : " " + String.join(" ", rights));
  }
}
