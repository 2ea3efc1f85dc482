package io.eventstreamcore.operator;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The operator's packages depend on each other in one direction: the root package starts the
 * operator and wires {@code reconcile}, which builds on {@code children}, {@code engine} and {@code
 * crd}; none of those reaches back. The root package counts as a package of its own.
 */
class PackageCyclesTest {
  /** This module's compiled classes only: scanning the classpath for the package takes long. */
  private static final JavaClasses OPERATOR =
      new ClassFileImporter().importPath(Path.of("target", "classes"));

  @Test
  void packagesFormNoCycles() {
    assertThat(OPERATOR.containPackage("io.eventstreamcore.operator.reconcile")).isTrue();
    slices().matching("io.eventstreamcore.(**)").should().beFreeOfCycles().check(OPERATOR);
  }
}
