package io.eventstreamcore.security;

import io.eventstreamcore.protocol.Credential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Secret files (keys, credentials) readable by their owner alone, where the file system can. */
public final class OwnerOnly {
  private OwnerOnly() {}

  /** A credential file: {@code user:secret} and a line end. */
  public static void write(Path file, Credential credential) throws IOException {
    write(file, credential.text() + "\n");
  }

  static void write(Path file, String content) throws IOException {
    Files.deleteIfExists(file);
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    }
    Files.writeString(file, content);
  }
}
