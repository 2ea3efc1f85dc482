package io.eventstreamcore.node.dashboard;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItems;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.parsing.Parser;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The dashboard's API and page as a one-node cluster serves them. */
@QuarkusTest
class DashboardResourceTest {
  static {
    RestAssured.registerParser("application/problem+json", Parser.JSON);
  }

  @TestHTTPResource("/")
  URL root;

  @Test
  void nodeStatusDescribesThisNode() {
    awaitLeader();
    given()
        .get("/api/v1/dashboard/node")
        .then()
        .statusCode(200)
        .body("id", equalTo("n1"))
        .body("role", equalTo("LEADER"))
        .body("ready", equalTo(true))
        .body("memory.heapMaxBytes", greaterThan(0L))
        .body(
            "pipeline.signals.name",
            hasItems("queue fill", "produce latency ms", "replication lag", "old-generation heap"))
        .body("pipeline.signals[0].up.size()", equalTo(4))
        .body("dedup.windowMs", equalTo(300_000))
        .body("dedup.effectiveWindowMs", equalTo(300_000))
        .body("leaderChanges[-1].to", equalTo("n1"));
    // What `esc node` prints: the window kept, openly, next to the configured one.
    given()
        .get("/api/v1/node")
        .then()
        .statusCode(200)
        .body("dedupWindow.configuredMillis", equalTo(300_000))
        .body("dedupWindow.effectiveMillis", equalTo(300_000))
        .body("dedupWindow.droppedBeforeWindowEnd", equalTo(0));
  }

  @Test
  void producedEventsShowInTheTrafficAndTopics() {
    awaitLeader();
    given()
        .contentType("application/json")
        .body("[{\"id\":\"d1\",\"payload\":\"x\"},{\"id\":\"d2\",\"payload\":\"y\"}]")
        .post("/api/v1/topics/dashboard-traffic/events")
        .then()
        .statusCode(200);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              JsonNode history =
                  new ObjectMapper()
                      .readTree(given().get("/api/v1/dashboard/node?history=true").asString())
                      .path("history");
              List<Double> rates = new ArrayList<>();
              history.forEach(
                  s -> rates.add(s.path("inByTopic").path("dashboard-traffic").asDouble()));
              assertThat(rates).anyMatch(r -> r > 0);
              assertThat(history.findValues("ackP99Ms")).anyMatch(JsonNode::isNumber);
            });
    given()
        .get("/api/v1/dashboard/node")
        .then()
        .body("topics.find { it.topic == 'dashboard-traffic' }.endOffset", greaterThan(1))
        .body("topics.find { it.topic == 'dashboard-traffic' }.bytes", greaterThan(0));
  }

  @Test
  void theClusterViewListsEveryMemberWithItsStatus() {
    awaitLeader();
    given()
        .get("/api/v1/dashboard/cluster")
        .then()
        .statusCode(200)
        .body("servedBy", equalTo("n1"))
        .body("leader", equalTo("n1"))
        .body("membershipActions", equalTo(false))
        .body("nodes.size()", equalTo(1))
        .body("nodes[0].reachable", equalTo(true))
        .body("nodes[0].status.id", equalTo("n1"));
  }

  @Test
  void membershipActionsAreRefusedUnlessEnabled() {
    given()
        .contentType("application/json")
        .body("{\"to\":\"n1\"}")
        .post("/api/v1/dashboard/leadership")
        .then()
        .statusCode(403)
        .body("detail", org.hamcrest.Matchers.containsString("esc.ui.membership-actions"));
    given().delete("/api/v1/dashboard/members/n1").then().statusCode(403);
  }

  @Test
  void theStreamSendsAClusterStatusEachSecond() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<java.io.InputStream> r =
        http.send(
            HttpRequest.newBuilder(root.toURI().resolve("api/v1/dashboard/stream"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.headers().firstValue("content-type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    List<JsonNode> events = new ArrayList<>();
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      for (String line; events.size() < 2 && (line = lines.readLine()) != null; ) {
        if (line.startsWith("data:")) {
          events.add(new ObjectMapper().readTree(line.substring("data:".length())));
        }
      }
    }
    assertThat(events).hasSize(2);
    assertThat(events.get(1).path("at").asLong()).isGreaterThan(events.get(0).path("at").asLong());
    assertThat(events.get(0).path("nodes").path(0).path("id").asText()).isEqualTo("n1");
  }

  /**
   * /ui sends the browser to ui/ by a relative address (so a proxy's path prefix survives), and
   * every library the page's import map names is served under the relative path it gives.
   */
  @Test
  void thePageAndEveryLibraryItImportsAreServed() {
    given()
        .redirects()
        .follow(false)
        .get("/ui")
        .then()
        .statusCode(302)
        .header("Location", equalTo("ui/"));
    String page = given().get("/ui/").then().statusCode(200).extract().asString();
    Matcher imports = Pattern.compile("\"([^\"]+)\": \"(\\.\\./[^\"]+[^/])\"").matcher(page);
    List<String> paths = new ArrayList<>();
    while (imports.find()) {
      paths.add(URI.create("/ui/").resolve(imports.group(2)).getPath());
    }
    assertThat(paths).contains("/_static/lit/index.js", "/_static/echarts/dist/echarts.esm.min.js");
    for (String path : paths) {
      given().get(path).then().statusCode(200);
    }
    for (String module : List.of("app.js", "cluster-view.js", "dlq-view.js", "style.css")) {
      given().get("/ui/" + module).then().statusCode(200);
    }
  }

  private static void awaitLeader() {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> given().get("/api/v1/dashboard/node").path("role").equals("LEADER"));
  }
}
