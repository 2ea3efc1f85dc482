package io.eventstreamcore.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRD as a real API server takes it, without one: rules compiled and evaluated with CEL against
 * the examples, {@code spec: {}} and invalid specs; defaults applied as the server applies them;
 * and the bounds the server's cost estimate needs on everything a rule reaches (without them it
 * refuses the CRD: "estimated rule cost exceeds budget").
 */
class CrdRulesTest {
  private static final Path CRD = Path.of(System.getProperty("checked.in.crd"));
  private static final Path ROOT = CRD.getParent().getParent();
  private static final Pattern SELF_PATH =
      Pattern.compile("\\bself((?:\\.[A-Za-z_][A-Za-z0-9_]*)+)");
  private static final Pattern SELF_ITERATED =
      Pattern.compile("\\bself(\\.(all|exists|exists_one|map|filter)\\(|\\[)|size\\(self\\)");

  static CrdSchema schema;

  @BeforeAll
  static void load() throws Exception {
    schema = CrdSchema.load(CRD);
  }

  @Test
  void everyRuleCompiles() throws Exception {
    assertThat(schema.rules()).hasSizeGreaterThanOrEqualTo(3);
    for (CrdSchema.Rule r : schema.rules()) {
      assertThat(CrdSchema.compile(r.expression()))
          .as(r.path() + ": " + r.expression())
          .isNotNull();
    }
  }

  @Test
  void everyMapListOrStringARuleReachesIsBounded() {
    List<String> unbounded = new ArrayList<>();
    for (CrdSchema.Rule r : schema.rules()) {
      unbounded.addAll(unboundedReach(r));
    }
    assertThat(unbounded).isEmpty();
  }

  @Test
  void theBoundsCheckFindsAnUnboundedMapAndString() throws Exception {
    JsonNode map =
        CrdSchema.YAML.readTree(
            "type: object\nadditionalProperties: {type: string}\n"
                + "x-kubernetes-validations: [{rule: \"self.all(k, self[k].size() < 5)\"}]");
    CrdSchema.Rule rule = new CrdSchema.Rule("spec.m", map, "self.all(k, self[k].size() < 5)", "");
    assertThat(unboundedReach(rule))
        .containsExactlyInAnyOrder("spec.m: no maxProperties", "spec.m{*}: no maxLength");
  }

  @Test
  void anEmptySpecIsDefaultedToWhatTheOperatorAssumes() throws Exception {
    ObjectNode spec = CrdSchema.YAML.createObjectNode();
    assertThat(schema.admit(spec)).isEmpty();
    ObjectMapper json = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);
    // Every field the server filled in is what the operator's own defaults say, and every
    // default the operator has is either filled in or one it keeps itself (an empty map).
    EventClusterSpec read = json.treeToValue(spec, EventClusterSpec.class);
    JsonNode javaDefaults = json.valueToTree(new EventClusterSpec());
    assertThat((JsonNode) json.valueToTree(read)).isEqualTo(javaDefaults);
    javaDefaults
        .properties()
        .forEach(
            e ->
                assertThat(spec.has(e.getKey()) || e.getValue().isEmpty())
                    .as("no default for " + e.getKey())
                    .isTrue());
    assertThat(spec.at("/disruptionBudget/maxUnavailable").asInt()).isEqualTo(1);
  }

  @Test
  void theExampleIsAcceptedAndDefaulted() throws Exception {
    JsonNode example = CrdSchema.YAML.readTree(ROOT.resolve("examples/eventcluster.yaml").toFile());
    ObjectNode spec = (ObjectNode) example.get("spec");
    assertThat(schema.admit(spec)).isEmpty();
    assertThat(spec.at("/disruptionBudget/maxUnavailable").asInt()).isEqualTo(1);
    assertThat(spec.at("/raft/electionTimeoutMin").asText()).isEqualTo("150ms");
    assertThat(spec.at("/storage/onDelete").asText()).isEqualTo("Retain");
  }

  static Stream<Arguments> validSpecs() {
    return Stream.of(
        Arguments.of("replicas: 1"),
        Arguments.of("replicas: 1\ndisruptionBudget: {maxUnavailable: 3}"),
        Arguments.of("replicas: 5\ndisruptionBudget: {maxUnavailable: 2}"),
        Arguments.of("replicas: 3\ndisruptionBudget: {enabled: false, maxUnavailable: 3}"),
        Arguments.of("topicPriorities: {payments: CRITICAL, 'metrics.*': BATCH dead-letter}"),
        Arguments.of(
            "podTemplate: {imagePullPolicy: IfNotPresent, imagePullSecrets: [{name: reg}],"
                + " priorityClassName: high, env: [{name: TZ, value: UTC}]}"));
  }

  @ParameterizedTest
  @MethodSource("validSpecs")
  void validSpecsAreAccepted(String yaml) throws Exception {
    assertThat(schema.admit((ObjectNode) CrdSchema.YAML.readTree(yaml))).isEmpty();
  }

  static Stream<Arguments> invalidSpecs() {
    return Stream.of(
        Arguments.of("replicas: 2", "replicas must be odd"),
        Arguments.of("replicas: 9", "less than or equal to 7"),
        Arguments.of("replicas: 3\ndisruptionBudget: {maxUnavailable: 2}", "must leave a quorum"),
        Arguments.of("replicas: 7\ndisruptionBudget: {maxUnavailable: 4}", "must leave a quorum"),
        Arguments.of("topicPriorities: {payments: URGENT}", "each topic priority is"),
        Arguments.of("topicPriorities: {payments: 'HIGH  dead-letter'}", "each topic priority is"),
        Arguments.of("raft: {electionTimeoutMin: soon}", "should match"),
        Arguments.of("storage: {size: lots}", "should match"),
        Arguments.of("listeners: {serviceType: Ingress}", "Unsupported value"),
        Arguments.of("podTemplate: {imagePullPolicy: Sometimes}", "Unsupported value"),
        Arguments.of("batching: {maxEvents: 0}", "greater than or equal to 1"));
  }

  @ParameterizedTest
  @MethodSource("invalidSpecs")
  void invalidSpecsAreRefusedWithTheCrdsMessage(String yaml, String message) throws Exception {
    assertThat(schema.admit((ObjectNode) CrdSchema.YAML.readTree(yaml)))
        .anySatisfy(p -> assertThat(p).contains(message));
  }

  /**
   * What a rule reaches without a bound: the maps, lists and strings on the paths it names, and the
   * node itself with its values when it iterates or indexes {@code self}.
   */
  private static List<String> unboundedReach(CrdSchema.Rule rule) {
    List<String> out = new ArrayList<>();
    if (SELF_ITERATED.matcher(rule.expression()).find()) {
      requireBounded(rule.schema(), rule.path(), out);
    }
    Matcher m = SELF_PATH.matcher(rule.expression());
    while (m.find()) {
      JsonNode node = rule.schema();
      String path = rule.path();
      for (String field : m.group(1).substring(1).split("\\.")) {
        if (List.of("all", "exists", "exists_one", "map", "filter", "size").contains(field)) {
          break;
        }
        node = node.path("properties").path(field);
        path += "." + field;
        if (node.isMissingNode()) {
          out.add(path + ": not in the schema");
          break;
        }
        requireBounded(node, path, out);
      }
    }
    return out.stream().distinct().toList();
  }

  private static void requireBounded(JsonNode node, String path, List<String> out) {
    switch (node.path("type").asText()) {
      case "string" -> {
        if (!node.has("maxLength") && !node.has("enum")) {
          out.add(path + ": no maxLength");
        }
      }
      case "array" -> {
        if (!node.has("maxItems")) {
          out.add(path + ": no maxItems");
        }
        requireBounded(node.path("items"), path + "[*]", out);
      }
      case "object" -> {
        if (node.path("additionalProperties").isObject()) {
          if (!node.has("maxProperties")) {
            out.add(path + ": no maxProperties");
          }
          requireBounded(node.get("additionalProperties"), path + "{*}", out);
        }
      }
      default -> {}
    }
  }
}
