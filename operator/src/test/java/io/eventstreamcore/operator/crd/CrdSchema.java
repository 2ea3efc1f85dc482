package io.eventstreamcore.operator.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The EventCluster CRD's schema, applied to a spec the way an API server applies it: defaults
 * first, then the OpenAPI keywords the CRD uses, then every {@code x-kubernetes-validations} rule,
 * compiled and evaluated with CEL. What it cannot do is Kubernetes's cost estimate; {@code
 * CrdRulesTest} checks the bounds that estimate needs instead.
 */
final class CrdSchema {
  static final YAMLMapper YAML = new YAMLMapper();

  private static final CelCompiler CEL =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  /** A validation rule and the schema node it is declared on. */
  record Rule(String path, JsonNode schema, String expression, String message) {}

  private final JsonNode spec;

  private CrdSchema(JsonNode spec) {
    this.spec = spec;
  }

  static CrdSchema load(Path crd) throws IOException {
    JsonNode root = YAML.readTree(crd.toFile());
    return new CrdSchema(root.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec"));
  }

  JsonNode specSchema() {
    return spec;
  }

  /** Every rule below the spec, with the path of the node it is declared on. */
  List<Rule> rules() {
    List<Rule> out = new ArrayList<>();
    collect(spec, "spec", out);
    return out;
  }

  private static void collect(JsonNode schema, String path, List<Rule> out) {
    for (JsonNode r : schema.path("x-kubernetes-validations")) {
      out.add(new Rule(path, schema, r.path("rule").asText(), r.path("message").asText()));
    }
    schema
        .path("properties")
        .properties()
        .forEach(p -> collect(p.getValue(), path + "." + p.getKey(), out));
    if (schema.has("items")) {
      collect(schema.get("items"), path + "[*]", out);
    }
    if (schema.path("additionalProperties").isObject()) {
      collect(schema.get("additionalProperties"), path + "{*}", out);
    }
  }

  static CelAbstractSyntaxTree compile(String expression) throws CelValidationException {
    return CEL.compile(expression).getAst();
  }

  /** Applies defaults and validates; returns the API server's complaints, empty when accepted. */
  List<String> admit(ObjectNode specValue) {
    applyDefaults(spec, specValue);
    List<String> problems = new ArrayList<>();
    validate(spec, specValue, "spec", problems);
    return problems;
  }

  /** Structural defaulting: a missing property with a default gets it, then its children. */
  static void applyDefaults(JsonNode schema, JsonNode value) {
    if (!value.isObject()) {
      return;
    }
    ObjectNode object = (ObjectNode) value;
    Iterator<Map.Entry<String, JsonNode>> props = schema.path("properties").fields();
    while (props.hasNext()) {
      Map.Entry<String, JsonNode> p = props.next();
      if (!object.has(p.getKey()) && p.getValue().has("default")) {
        object.set(p.getKey(), p.getValue().get("default").deepCopy());
      }
      if (object.has(p.getKey())) {
        applyDefaults(p.getValue(), object.get(p.getKey()));
      }
    }
  }

  private static void validate(JsonNode schema, JsonNode value, String path, List<String> out) {
    String type = schema.path("type").asText("");
    boolean typeOk =
        switch (type) {
          case "object" -> value.isObject();
          case "array" -> value.isArray();
          case "string" -> value.isTextual();
          case "integer" -> value.isIntegralNumber();
          case "number" -> value.isNumber();
          case "boolean" -> value.isBoolean();
          default -> true;
        };
    if (!typeOk && !schema.path("x-kubernetes-int-or-string").asBoolean()) {
      out.add(path + ": Invalid value: must be of type " + type);
      return;
    }
    if (schema.has("minimum") && value.isNumber()) {
      if (value.asDouble() < schema.get("minimum").asDouble()) {
        out.add(path + ": should be greater than or equal to " + schema.get("minimum"));
      }
    }
    if (schema.has("maximum") && value.isNumber()) {
      if (value.asDouble() > schema.get("maximum").asDouble()) {
        out.add(path + ": should be less than or equal to " + schema.get("maximum"));
      }
    }
    if (value.isTextual()) {
      String text = value.asText();
      if (schema.has("pattern")
          && !Pattern.compile(schema.get("pattern").asText()).matcher(text).find()) {
        out.add(path + ": should match '" + schema.get("pattern").asText() + "'");
      }
      if (schema.has("maxLength") && text.length() > schema.get("maxLength").asInt()) {
        out.add(path + ": may not be longer than " + schema.get("maxLength"));
      }
      if (schema.has("enum") && !contains(schema.get("enum"), text)) {
        out.add(path + ": Unsupported value: \"" + text + "\"");
      }
    }
    if (value.isObject()) {
      if (schema.has("maxProperties") && value.size() > schema.get("maxProperties").asInt()) {
        out.add(path + ": must have at most " + schema.get("maxProperties") + " items");
      }
      value
          .properties()
          .forEach(
              e -> {
                JsonNode child = schema.path("properties").get(e.getKey());
                if (child == null && schema.path("additionalProperties").isObject()) {
                  child = schema.get("additionalProperties");
                }
                if (child != null) {
                  validate(child, e.getValue(), path + "." + e.getKey(), out);
                }
              });
    }
    if (value.isArray()) {
      if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
        out.add(path + ": must have at most " + schema.get("maxItems") + " items");
      }
      for (int i = 0; i < value.size(); i++) {
        validate(schema.path("items"), value.get(i), path + "[" + i + "]", out);
      }
    }
    for (JsonNode r : schema.path("x-kubernetes-validations")) {
      String rule = r.path("rule").asText();
      try {
        Object ok = RUNTIME.createProgram(compile(rule)).eval(Map.of("self", toCel(value)));
        if (!Boolean.TRUE.equals(ok)) {
          out.add(path + ": Invalid value: \"object\": " + r.path("message").asText());
        }
      } catch (CelValidationException | CelEvaluationException e) {
        out.add(
            path + ": Invalid value: \"object\": " + e.getMessage() + " evaluating rule: " + rule);
      }
    }
  }

  private static boolean contains(JsonNode values, String text) {
    for (JsonNode v : values) {
      if (v.asText().equals(text)) {
        return true;
      }
    }
    return false;
  }

  /** JSON as CEL sees it: int64 for integers, maps and lists of the same. */
  static Object toCel(JsonNode n) {
    if (n.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      n.properties().forEach(e -> m.put(e.getKey(), toCel(e.getValue())));
      return m;
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>();
      n.forEach(e -> l.add(toCel(e)));
      return l;
    }
    if (n.isIntegralNumber()) {
      return n.asLong();
    }
    if (n.isNumber()) {
      return n.asDouble();
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    return n.asText();
  }
}
