package io.eventstreamcore.node.deadletter;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import io.eventstreamcore.node.Engine;
import io.eventstreamcore.node.pipeline.PipelineState;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.parsing.Parser;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A node in EMERGENCY (every commit exceeds its latency thresholds) with a topic policy file: a
 * dead-letter topic's shed events land in the DLQ, which lists, filters and purges them; the table
 * promotes a topic's events; a changed file applies without restart. The aggregates processor
 * counts on the side.
 */
@QuarkusTest
@TestProfile(DeadLetterQueueTest.EmergencyWithPolicies.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeadLetterQueueTest {
  static final Path POLICIES;

  static {
    try {
      POLICIES = Files.createTempFile("topic-policies", ".txt");
      Files.writeString(POLICIES, "audit.* = BATCH dead-letter\nvip = CRITICAL\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RestAssured.registerParser("application/problem+json", Parser.JSON);
  }

  public static final class EmergencyWithPolicies implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "esc.pipeline.produce-latency-ms-up", "0.001,0.002,0.003,0.004",
          "esc.pipeline.produce-latency-ms-down", "0.0001,0.0002,0.0003,0.0004",
          "esc.pipeline.min-dwell", "1h",
          "esc.pipeline.topic-policy-file", POLICIES.toString(),
          "esc.processors.aggregates.topics", "*",
          "esc.processors.checkpoint-interval", "100ms",
          "esc.dedup.enabled", "false");
    }
  }

  @Inject Engine engine;

  private static String event(String id, String priority) {
    return "{\"id\":\"" + id + "\",\"priority\":\"" + priority + "\",\"payload\":\"x\"}";
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  @Order(1)
  void aShedEventOfADeadLetterTopicIsStoredInTheDlqAndTheProducerToldSo() throws Exception {
    given()
        .contentType("application/json")
        .body(event("first", "CRITICAL"))
        .post("/api/v1/topics/warmup/events")
        .then()
        .statusCode(200);
    await("EMERGENCY", () -> engine.pressure().state() == PipelineState.EMERGENCY);

    given()
        .contentType("application/json")
        .body(event("a1", "HIGH"))
        .post("/api/v1/topics/audit.log/events")
        .then()
        .statusCode(202)
        .body("results[0].status", equalTo("DEAD_LETTERED"))
        .body("results[0].offset", equalTo(0));
    given()
        .get("/api/v1/dlq?topic=audit.log")
        .then()
        .statusCode(200)
        .body("letters[0].offset", equalTo(0))
        .body("letters[0].topic", equalTo("audit.log"))
        .body("letters[0].reason", containsString("EMERGENCY"))
        .body("letters[0].event.id", equalTo("a1"))
        .body("letters[0].event.priority", equalTo("HIGH"))
        .body("letters[0].event.payload", equalTo("x"));
    given()
        .get("/api/v1/node")
        .then()
        .body("classCounts.BATCH.deadLettered", equalTo(1))
        .body("classCounts.CRITICAL.admitted", equalTo(1));
    given().get("/api/v1/dlq?topic=other").then().body("letters", empty());
    given().get("/api/v1/dlq?reason=nothing-like-this").then().body("letters", empty());
  }

  @Test
  @Order(2)
  void theTableDecidesAListedTopicsPriority() {
    given()
        .contentType("application/json")
        .body(event("v1", "LOW"))
        .post("/api/v1/topics/vip/events")
        .then()
        .statusCode(200)
        .body("results[0].status", equalTo("OK"));
  }

  @Test
  @Order(3)
  void producersCannotWriteTheEnginesOwnTopics() {
    given()
        .contentType("application/json")
        .body(event("x", "CRITICAL"))
        .post("/api/v1/topics/_dlq/events")
        .then()
        .statusCode(400)
        .body("results[0].status", equalTo("INVALID_TOPIC"));
  }

  @Test
  @Order(4)
  void purgeHidesTheLettersBelowTheMark() {
    given().post("/api/v1/dlq/purge").then().statusCode(200).body("purgedBefore", equalTo(1));
    given().get("/api/v1/dlq").then().body("letters", empty()).body("from", equalTo(1));
    given().post("/api/v1/dlq/purge?before=7").then().statusCode(400);
  }

  @Test
  @Order(5)
  void aChangedPolicyFileAppliesWithoutRestart() throws Exception {
    Files.writeString(POLICIES, "audit.* = BATCH\n");
    Files.setLastModifiedTime(
        POLICIES, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
    await(
        "audit.* refused instead of dead-lettered",
        () ->
            given()
                    .contentType("application/json")
                    .body(event("a2", "HIGH"))
                    .post("/api/v1/topics/audit.log/events")
                    .statusCode()
                == 429);
  }

  @Test
  @Order(6)
  void theAggregatesProcessorCountsWhatWasStored() throws Exception {
    await(
        "vip counted",
        () ->
            given().get("/api/v1/aggregates").statusCode() == 200
                && given().get("/api/v1/aggregates").jsonPath().getInt("topics.vip.events") == 1);
    given()
        .get("/api/v1/aggregates")
        .then()
        .body("topics.warmup.events", equalTo(1))
        .body("topics.containsKey('_dlq')", equalTo(false));
  }
}
