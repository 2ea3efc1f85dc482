package io.eventstreamcore.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The API calls an operator made, as RBAC sees them (API group, resource, verb), checked against
 * the Role and ClusterRole the Helm chart installs: a call the chart does not allow is a 403 on a
 * real cluster, which the mock API server never answers.
 */
final class RbacAudit {
  /** One call as RBAC judges it; {@code resource} includes a subresource ("pods/status"). */
  record Call(String group, String resource, String verb) {
    @Override
    public String toString() {
      return verb + " " + (group.isEmpty() ? "" : group + "/") + resource;
    }
  }

  /** Every authenticated user may ask what it may do; the chart need not grant it. */
  private static final Set<String> ALWAYS_ALLOWED =
      Set.of(
          "authorization.k8s.io/selfsubjectrulesreviews",
          "authorization.k8s.io/selfsubjectaccessreviews");

  private RbacAudit() {}

  static Call of(RecordedRequest r) {
    URI uri = URI.create(r.getPath());
    String[] parts = uri.getPath().replaceFirst("^/", "").split("/");
    int i;
    String group;
    if (parts[0].equals("api")) {
      group = "";
      i = 2;
    } else {
      group = parts[1];
      i = 3;
    }
    if (i < parts.length && parts[i].equals("namespaces") && i + 2 < parts.length) {
      i += 2;
    }
    String resource = parts[i];
    boolean named = i + 1 < parts.length;
    if (i + 2 < parts.length) {
      resource += "/" + parts[i + 2];
    }
    String query = uri.getQuery() == null ? "" : uri.getQuery();
    String verb =
        switch (r.getMethod()) {
          case "GET" -> query.contains("watch=true") ? "watch" : named ? "get" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> named ? "delete" : "deletecollection";
          default -> r.getMethod().toLowerCase();
        };
    return new Call(group, resource, verb);
  }

  /** The calls the chart's RBAC (rendered with its defaults) does not allow. */
  static Set<Call> notAllowedByChart(List<Call> calls, Path chart) throws IOException {
    String rendered = new Helm(chart).template().withName("esc").withNamespace("esc-system").call();
    List<JsonNode> rules = new ArrayList<>();
    try (MappingIterator<JsonNode> docs =
        new YAMLMapper().readerFor(JsonNode.class).readValues(rendered)) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && doc.path("kind").asText().matches("Role|ClusterRole")) {
          doc.path("rules").forEach(rules::add);
        }
      }
    }
    Set<Call> refused = new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
    for (Call c : calls) {
      if (!ALWAYS_ALLOWED.contains(c.group() + "/" + c.resource())
          && rules.stream().noneMatch(rule -> allows(rule, c))) {
        refused.add(c);
      }
    }
    return refused;
  }

  private static boolean allows(JsonNode rule, Call c) {
    return contains(rule.path("apiGroups"), c.group())
        && contains(rule.path("resources"), c.resource())
        && contains(rule.path("verbs"), c.verb());
  }

  private static boolean contains(JsonNode list, String value) {
    for (JsonNode v : list) {
      if (v.asText().equals(value) || v.asText().equals("*")) {
        return true;
      }
    }
    return false;
  }
}
