package io.eventstreamcore.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chart lints, renders the operator with its RBAC, and ships the current CRD. */
class HelmChartTest {
  private static final Path CHART = Path.of(System.getProperty("chart.dir"));

  @Test
  void lintsClean() {
    LintResult lint = new Helm(CHART).lint().strict().call();
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void rendersTheOperatorWithLeastPrivilegeRbac() {
    String rendered = new Helm(CHART).template().withName("esc").withNamespace("esc-system").call();
    assertThat(rendered)
        .contains("kind: Deployment")
        .contains("image: \"eventstreamcore/operator:0.1.0\"")
        .contains("kind: ClusterRole")
        .contains("resources: [\"eventclusters/status\"]")
        .contains("runAsNonRoot: true")
        .contains("readOnlyRootFilesystem: true")
        .contains("mountPath: /tmp")
        .as("what the operator really does: restart pods, replace volumes, hold its Lease")
        .contains("verbs: [\"get\", \"list\", \"watch\", \"delete\"]")
        .contains("resources: [\"persistentvolumeclaims\"]")
        .contains("resources: [\"leases\"]")
        .doesNotContain("\"*\"");
  }

  @Test
  void watchesOnlyTheNamespacesItIsGiven() {
    String rendered =
        new Helm(CHART)
            .template()
            .withName("esc")
            .set("watchNamespaces[0]", "team-a")
            .set("watchNamespaces[1]", "team-b")
            .call();
    assertThat(rendered)
        .contains("name: ESC_OPERATOR_WATCH_NAMESPACES")
        .contains("\"team-a,team-b\"");
    assertThat(new Helm(CHART).template().withName("esc").call())
        .doesNotContain("ESC_OPERATOR_WATCH_NAMESPACES");
  }

  @Test
  void watchingSomeNamespacesGrantsWritesOnlyThere() throws Exception {
    List<JsonNode> all =
        documents(
            new Helm(CHART)
                .template()
                .withName("esc")
                .withNamespace("esc-system")
                .set("watchNamespaces[0]", "team-a")
                .set("watchNamespaces[1]", "team-b")
                .call());
    JsonNode clusterRole = kind(all, "ClusterRole").get(0);
    assertThat(clusterRole.path("rules"))
        .as("cluster-wide: reading storage classes only")
        .hasSize(1);
    assertThat(clusterRole.path("rules").get(0).path("resources").get(0).asText())
        .isEqualTo("storageclasses");
    List<JsonNode> roles =
        kind(all, "Role").stream()
            .filter(r -> r.path("rules").toString().contains("statefulsets"))
            .toList();
    assertThat(roles)
        .extracting(r -> r.path("metadata").path("namespace").asText())
        .containsExactly("team-a", "team-b");
    assertThat(kind(all, "RoleBinding"))
        .extracting(r -> r.path("metadata").path("namespace").asText())
        .contains("team-a", "team-b", "esc-system");

    JsonNode everywhere =
        kind(documents(new Helm(CHART).template().withName("esc").call()), "ClusterRole").get(0);
    assertThat(everywhere.path("rules").toString())
        .contains("statefulsets")
        .contains("storageclasses");
  }

  private static List<JsonNode> documents(String rendered) throws Exception {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it =
        new YAMLMapper().readerFor(JsonNode.class).readValues(rendered)) {
      while (it.hasNext()) {
        JsonNode d = it.next();
        if (d != null && !d.isEmpty()) {
          docs.add(d);
        }
      }
    }
    return docs;
  }

  private static List<JsonNode> kind(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).toList();
  }

  @Test
  void aPodMonitorScrapesEveryEngineWhenAsked() {
    assertThat(new Helm(CHART).template().withName("esc").call()).doesNotContain("PodMonitor");
    String rendered =
        new Helm(CHART)
            .template()
            .withName("esc")
            .set("podMonitor.enabled", "true")
            .set("podMonitor.labels.release", "prometheus")
            .set("watchNamespaces[0]", "team-a")
            .call();
    assertThat(rendered)
        .contains("kind: PodMonitor")
        .contains("release: prometheus")
        .contains("app.kubernetes.io/name: eventstreamcore-engine")
        .contains("- team-a")
        .contains("port: http")
        .contains("path: /q/metrics");
    assertThat(new Helm(CHART).template().withName("esc").set("podMonitor.enabled", "true").call())
        .contains("any: true");
  }

  @Test
  void shipsTheSameCrdAsCrdsDirectory() throws Exception {
    Path shipped = CHART.resolve("crds/eventclusters.eventstreamcore.io-v1.yml");
    Path source = Path.of(System.getProperty("checked.in.crd"));
    assertThat(Files.readString(shipped))
        .as("copy %s to %s", source, shipped)
        .isEqualTo(Files.readString(source));
  }
}
