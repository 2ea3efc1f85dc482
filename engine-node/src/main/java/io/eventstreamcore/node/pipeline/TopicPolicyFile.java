package io.eventstreamcore.node.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Keeps {@link TopicPolicies} in step with a file, so the table changes without a restart (in
 * Kubernetes the file is a mounted ConfigMap). A file that does not parse leaves the last good
 * table in force and is reported once per change.
 */
public final class TopicPolicyFile implements Runnable {
  private static final Logger LOG = Logger.getLogger(TopicPolicyFile.class);

  private final Path file;
  private volatile TopicPolicies current = TopicPolicies.NONE;
  private FileTime loadedVersion;

  public TopicPolicyFile(Path file) {
    this.file = file;
    run();
  }

  public TopicPolicies current() {
    return current;
  }

  /** Reloads the file if it changed since the last look. */
  @Override
  public synchronized void run() {
    FileTime version;
    try {
      version = Files.getLastModifiedTime(file);
    } catch (NoSuchFileException e) {
      version = null;
    } catch (IOException e) {
      LOG.warnf("cannot read the topic policy file %s: %s", file, e);
      return;
    }
    if (Objects.equals(version, loadedVersion) && version != null) {
      return;
    }
    if (version == null) {
      if (loadedVersion != null) {
        LOG.warnf("topic policy file %s is gone: every topic keeps its events' priority", file);
      }
      current = TopicPolicies.NONE;
      loadedVersion = null;
      return;
    }
    loadedVersion = version;
    try {
      current = TopicPolicies.parse(Files.readString(file));
      LOG.infof("topic policies loaded from %s: %d entries", file, current.size());
    } catch (IOException | IllegalArgumentException e) {
      LOG.errorf(
          "topic policy file %s not applied, the previous table stays: %s", file, e.getMessage());
    }
  }
}
