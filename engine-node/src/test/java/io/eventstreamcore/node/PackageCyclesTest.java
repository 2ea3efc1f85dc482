package io.eventstreamcore.node;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The engine's packages depend on each other in one direction, so the data path reads in the order
 * a batch flows (server, ingest, pipeline, batching, replication, storage) and a package can be
 * understood without the ones above it. The root package (the engine's wiring) counts as a package
 * of its own: nothing it wires may reach back into it.
 */
class PackageCyclesTest {
  /** This module's compiled classes only: scanning the classpath for the package takes long. */
  private static final JavaClasses ENGINE =
      new ClassFileImporter().importPath(Path.of("target", "classes"));

  @Test
  void packagesFormNoCycles() {
    assertThat(ENGINE.containPackage("io.eventstreamcore.node.replication")).isTrue();
    slices().matching("io.eventstreamcore.(**)").should().beFreeOfCycles().check(ENGINE);
  }
}
