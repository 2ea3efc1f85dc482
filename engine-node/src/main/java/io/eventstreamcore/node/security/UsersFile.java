package io.eventstreamcore.node.security;

import io.eventstreamcore.protocol.Credential;
import io.eventstreamcore.security.UserEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The users a node accepts, read from its users file. The file is read again when it changes
 * (looked at no more than once a second), so adding or removing a user needs no restart; a changed
 * file with an error is logged and the users read before stay in force.
 */
final class UsersFile {
  private static final Logger LOG = Logger.getLogger(UsersFile.class);
  private static final long LOOK_EVERY_NANOS = 1_000_000_000L;

  private record User(byte[] secretHash, Principal principal) {}

  private final Path file;
  private volatile Map<String, User> users;
  private volatile FileTime readVersion;
  private volatile long lookedAt;

  /** Reads the file now; a missing or invalid file fails the node's start. */
  UsersFile(Path file) throws IOException {
    this.file = file;
    this.readVersion = Files.getLastModifiedTime(file);
    this.users = read(file);
    this.lookedAt = System.nanoTime();
  }

  Optional<Principal> verify(Credential c) {
    refreshIfChanged();
    User u = users.get(c.user());
    byte[] offered = c.secretHash().getBytes(StandardCharsets.US_ASCII);
    // Compared in constant time; an unknown user is compared too, so timing tells nothing.
    byte[] expected = u == null ? new byte[offered.length] : u.secretHash();
    boolean equal = MessageDigest.isEqual(expected, offered);
    return u != null && equal ? Optional.of(u.principal()) : Optional.empty();
  }

  int size() {
    return users.size();
  }

  private void refreshIfChanged() {
    long now = System.nanoTime();
    if (now - lookedAt < LOOK_EVERY_NANOS) {
      return;
    }
    lookedAt = now;
    try {
      FileTime version = Files.getLastModifiedTime(file);
      if (version.equals(readVersion)) {
        return;
      }
      users = read(file);
      readVersion = version;
      LOG.infof("users file %s read again: %d users", file, users.size());
    } catch (IOException | IllegalArgumentException e) {
      LOG.errorf(
          "users file %s changed but cannot be used (%s); the users read before stay",
          file, e.getMessage());
    }
  }

  private static Map<String, User> read(Path file) throws IOException {
    Map<String, User> users = new HashMap<>();
    List<String> lines = Files.readAllLines(file);
    for (int i = 0; i < lines.size(); i++) {
      if (!UserEntry.isEntry(lines.get(i))) {
        continue;
      }
      try {
        UserEntry e = UserEntry.parse(lines.get(i));
        Principal p = new Principal(e.user(), Rights.parse(e.rights()));
        if (users.put(e.user(), new User(e.secretHash().getBytes(StandardCharsets.US_ASCII), p))
            != null) {
          throw new IllegalArgumentException("user '" + e.user() + "' appears twice");
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return Map.copyOf(users);
  }
}
