package io.eventstreamcore.node.pipeline;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.eventstreamcore.node.Engine;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.parsing.Parser;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A node whose produce-latency thresholds every write exceeds: after one write it is in EMERGENCY
 * and answers lower classes OVERLOADED (HTTP 429 with Retry-After) while CRITICAL still goes in.
 */
@QuarkusTest
@TestProfile(LoadSheddingTest.EveryCommitIsSlow.class)
class LoadSheddingTest {
  public static final class EveryCommitIsSlow implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "esc.pipeline.produce-latency-ms-up", "0.001,0.002,0.003,0.004",
          "esc.pipeline.produce-latency-ms-down", "0.0001,0.0002,0.0003,0.0004",
          "esc.pipeline.min-dwell", "1h",
          "esc.pipeline.retry-after", "1500ms",
          "esc.dedup.enabled", "false");
    }
  }

  static {
    RestAssured.registerParser("application/problem+json", Parser.JSON);
  }

  @Inject Engine engine;

  private static String event(String id, String priority) {
    return "{\"id\":\"" + id + "\",\"priority\":\"" + priority + "\",\"payload\":\"x\"}";
  }

  @Test
  void inEmergencyOnlyCriticalEventsAreAdmittedAndTheRestAreToldWhenToRetry() throws Exception {
    given()
        .contentType("application/json")
        .body(event("first", "BATCH"))
        .post("/api/v1/topics/shed/events")
        .then()
        .statusCode(200);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (engine.pressure().state() != PipelineState.EMERGENCY) {
      assertThat(System.nanoTime()).as("reached EMERGENCY").isLessThan(deadline);
      Thread.sleep(20);
    }

    given()
        .contentType("application/json")
        .body("[" + event("b1", "BATCH") + "," + event("h1", "HIGH") + "]")
        .post("/api/v1/topics/shed/events")
        .then()
        .statusCode(429)
        .header("Retry-After", "2")
        .body("results[0].status", equalTo("OVERLOADED"))
        .body("results[1].status", equalTo("OVERLOADED"));
    given()
        .contentType("application/json")
        .body(event("c1", "CRITICAL"))
        .post("/api/v1/topics/shed/events")
        .then()
        .statusCode(200)
        .body("results[0].status", equalTo("OK"));

    given().get("/api/v1/node").then().body("pipeline", equalTo("EMERGENCY"));
    String metrics = given().get("/q/metrics").asString();
    assertThat(metrics).contains("esc_pipeline_state 4.0");
    assertThat(metrics).containsPattern("esc_pipeline_shed_total\\{priority=\"BATCH\"[^}]*} 1.0");
  }
}
