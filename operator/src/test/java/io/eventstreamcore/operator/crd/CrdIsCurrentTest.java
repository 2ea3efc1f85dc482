package io.eventstreamcore.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The CRD in {@code crds/} is the one the build generates from these types: a change to the types
 * without regenerating fails here. To update: build, then copy the generated file (path in the
 * failure) over the checked-in one.
 */
class CrdIsCurrentTest {
  private static final Path GENERATED = Path.of(System.getProperty("generated.crd"));
  private static final Path CHECKED_IN = Path.of(System.getProperty("checked.in.crd"));

  @Test
  void theCheckedInCrdMatchesTheGeneratedOne() throws Exception {
    assertThat(CHECKED_IN).exists();
    assertThat(Files.readString(CHECKED_IN))
        .as("%s is stale: copy %s over it", CHECKED_IN, GENERATED)
        .isEqualTo(Files.readString(GENERATED));
  }

  @Test
  void theCrdValidatesWhatTheEnginesCannotTakeAndNamesItsShortName() throws Exception {
    String crd = Files.readString(GENERATED);
    assertThat(crd)
        .contains("- \"ec\"")
        .contains("self.replicas % 2 == 1")
        .contains("maximum: 7.0")
        .contains("minimum: 1.0")
        .contains("^[0-9]+(ms|s|m|h|d)$")
        .contains("subresources:")
        .contains("status: {}")
        .as("kubectl scale ec")
        .contains("specReplicasPath: \".spec.replicas\"");
  }
}
