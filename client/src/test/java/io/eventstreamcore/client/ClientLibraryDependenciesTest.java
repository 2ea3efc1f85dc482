package io.eventstreamcore.client;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * An application that produces or consumes puts this module's jar and the protocol jar on its class
 * path and nothing else (the peer benchmark does exactly that); the CLI's libraries (picocli,
 * Jackson, HdrHistogram, Bouncy Castle) must not be needed by the library's classes.
 */
class ClientLibraryDependenciesTest {
  private static final JavaClasses MODULE =
      new ClassFileImporter().importPath(Path.of("target", "classes"));

  @Test
  void theLibraryNeedsOnlyTheJdkAndTheProtocol() {
    assertThat(MODULE.containPackage("io.eventstreamcore.client")).isTrue();
    classes()
        .that()
        .resideInAPackage("io.eventstreamcore.client..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "java..", "javax..", "io.eventstreamcore.client..", "io.eventstreamcore.protocol..")
        .check(MODULE);
  }
}
