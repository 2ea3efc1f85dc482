package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.cli.local.LocalNode;
import io.eventstreamcore.client.Connection;
import io.eventstreamcore.client.Subscription;
import io.eventstreamcore.protocol.SubscribeRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;

/**
 * The dashboard in a real headless Chromium against three real node processes: it loads without
 * console errors and shows the members and the leader; a produced burst moves the throughput chart;
 * a dead letter is found, looked at, replayed and purged from the page; after kill -9 of the leader
 * the page, never reloaded, shows the new leader and the dead member. The browser reaches one node
 * only, under a path prefix. Screenshots of each view go to target/dashboard/.
 */
class DashboardBrowserIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SHOTS = Path.of("target", "dashboard");
  private static final Duration PAGE_WAIT = Duration.ofSeconds(20);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private final List<AutoCloseable> closeLater = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closeLater) {
      c.close();
    }
  }

  @Test
  void theDashboardFollowsTheClusterLive() throws Exception {
    try (HeadlessChromium chromium = HeadlessChromium.start(dir.resolve("chromium"))) {
      // A small queue and a dead-letter policy for audit.*, so a short burst makes BATCH events of
      // audit.* dead letters: the node sheds BATCH while its queue is full.
      Path policies = Files.writeString(dir.resolve("policies"), "audit.* = BATCH dead-letter\n");
      LocalCluster cluster =
          LocalCluster.of(
              dir.resolve("cluster"),
              3,
              LocalCluster.freeBasePort(3),
              List.of(
                  "esc.pipeline.queue-capacity=64",
                  "esc.pipeline.topic-policy-file=" + policies.toAbsolutePath()));
      try (cluster) {
        cluster.start();
        cluster.awaitReady(Duration.ofSeconds(90));
        LocalNode leader = cluster.awaitLeader(Duration.ofSeconds(30));
        // The page is served by a follower, which stays up when the leader is killed.
        LocalNode serving = cluster.nodes().stream().filter(n -> n != leader).findFirst().get();
        var page = chromium.driver;
        // Through a path prefix on another port, as an ingress or a port-forward publishes it:
        // the browser can reach the serving node only, and only under /esc/.
        PrefixProxy proxy = new PrefixProxy("/esc", serving.spec().httpUrl());
        closeLater.add(proxy);
        page.get(proxy.url("/ui"));
        assertThat(page.getCurrentUrl()).isEqualTo(proxy.url("/ui/"));

        onPage("three members and leader " + leader.spec().id() + " on the page")
            .untilAsserted(
                () -> {
                  assertThat(roles(page)).hasSize(3).doesNotContain("UNREACHABLE");
                  assertThat(shownLeader(page)).isEqualTo(leader.spec().id());
                });
        chromium.screenshot(SHOTS.resolve("cluster.png"));

        page.findElement(By.id("tab-traffic")).click();
        // A consumer stuck on its first event falls behind; the page must say by how much.
        CountDownLatch stuck = new CountDownLatch(1);
        closeLater.add(stuck::countDown);
        Connection consumer = Connection.open(serving.spec().clientEndpoint());
        closeLater.add(consumer);
        closeLater.add(
            Subscription.start(
                consumer,
                new SubscribeRequest(false, "burst", SubscribeRequest.FROM_START, 16),
                r -> awaitQuietly(stuck)));
        produceBurst(serving, "burst", 40, 50);
        onPage("the throughput chart draws the burst, the consumer is shown behind")
            .untilAsserted(
                () -> {
                  assertThat(chartMax(page, "throughput", "in")).isGreaterThan(0);
                  assertThat(
                          page.findElement(By.cssSelector("table.subscriptions tbody")).getText())
                      .contains("burst")
                      .doesNotEndWith(" 0");
                });
        chromium.screenshot(SHOTS.resolve("traffic.png"));

        String deadId = makeDeadLetter(serving);
        page.findElement(By.id("tab-overload")).click();
        chromium.screenshot(SHOTS.resolve("overload.png"));
        page.findElement(By.id("tab-dlq")).click();
        page.findElement(By.name("topic")).sendKeys("audit.orders");
        page.findElement(By.id("dlq-search")).click();
        WebElement row =
            onPage("dead letter " + deadId + " listed")
                .until(() -> letterRow(page, deadId), r -> r != null);
        row.findElement(By.className("view")).click();
        assertThat(page.findElement(By.cssSelector(".letter pre.payload")).getText())
            .isEqualTo("payload of " + deadId);
        chromium.screenshot(SHOTS.resolve("dead-letters.png"));
        replayUntilStored(page, deadId);
        assertThat(idsIn(serving, "audit.orders")).containsOnlyOnce(deadId);
        // Purge is the leader's to record; the page asks the follower serving it, which passes
        // it on.
        page.findElement(By.id("dlq-purge")).click();
        page.findElement(By.id("confirm-yes")).click();
        onPage("the purge recorded and the list empty")
            .untilAsserted(
                () -> {
                  assertThat(message(page)).isNotNull();
                  assertThat(message(page).getText()).startsWith("Purged the letters below");
                  assertThat(letterRow(page, deadId)).isNull();
                });

        page.findElement(By.id("tab-cluster")).click();
        // Writes flow through the kill, so the page can tell how long they waited for a leader.
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        closeLater.add(writer::shutdownNow);
        closeLater.add(() -> writing.set(false));
        writer.submit(() -> writeSteadily(serving, writing));
        await().atMost(PAGE_WAIT).until(() -> idsIn(serving, "steady").size() > 100);
        leader.kill();
        onPage("the page shows a new leader, " + leader.spec().id() + " unreachable, writes waited")
            .untilAsserted(
                () -> {
                  assertThat(shownLeader(page)).isNotEmpty().isNotEqualTo(leader.spec().id());
                  assertThat(roleOf(page, leader.spec().id())).isEqualTo("UNREACHABLE");
                  List<String> newest =
                      page
                          .findElements(By.cssSelector("table.timeline tbody tr:first-child td"))
                          .stream()
                          .map(WebElement::getText)
                          .toList();
                  assertThat(newest.subList(2, 5))
                      .satisfiesExactly(
                          from -> assertThat(from).isEqualTo(leader.spec().id()),
                          to -> assertThat(to).isEqualTo(shownLeader(page)),
                          waited -> assertThat(waited).matches("\\d+ ms|\\d+\\.\\d s"));
                });
        writing.set(false);
        chromium.screenshot(SHOTS.resolve("failover.png"));
        assertThat(chromium.consoleErrors()).as("console errors").isEmpty();
      }
    }
  }

  /**
   * Waits for what the page shows. The page redraws its tables every second, so a row found may be
   * gone by the time it is read: that is a reason to look again, not a failure.
   */
  private static ConditionFactory onPage(String what) {
    return await(what).atMost(PAGE_WAIT).ignoreException(StaleElementReferenceException.class);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<String> roles(org.openqa.selenium.WebDriver page) {
    return page.findElements(By.cssSelector("table.members tbody tr")).stream()
        .map(r -> r.getDomAttribute("data-role"))
        .toList();
  }

  private static String roleOf(org.openqa.selenium.WebDriver page, String node) {
    return page.findElement(By.cssSelector("table.members tr[data-node='" + node + "']"))
        .getDomAttribute("data-role");
  }

  private static String shownLeader(org.openqa.selenium.WebDriver page) {
    return page.findElement(By.cssSelector("p.leader")).getDomAttribute("data-leader");
  }

  /** The largest value the named series of a chart draws, read from the ECharts instance. */
  private static double chartMax(org.openqa.selenium.WebDriver page, String chart, String series) {
    Object max =
        ((org.openqa.selenium.JavascriptExecutor) page)
            .executeScript(
                "const c = document.getElementById(arguments[0]).chart;"
                    + "const s = c.getOption().series.find(x => x.name === arguments[1]);"
                    + "return Math.max(0, ...s.data.map(p => p[1] || 0));",
                chart,
                series);
    return ((Number) max).doubleValue();
  }

  private static WebElement letterRow(org.openqa.selenium.WebDriver page, String id) {
    return page.findElements(By.cssSelector("table.letters tbody tr")).stream()
        .filter(r -> r.getText().contains(id))
        .findFirst()
        .orElse(null);
  }

  /**
   * Replays from the page, confirming in its dialog, until the node stores the letter: right after
   * the burst it may still shed BATCH and dead-letter the replay again, which the page says.
   */
  private static void replayUntilStored(org.openqa.selenium.WebDriver page, String id) {
    await("letter " + id + " replayed from the page")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreException(StaleElementReferenceException.class)
        .until(
            () -> {
              letterRow(page, id).findElement(By.className("replay")).click();
              page.findElement(By.id("confirm-yes")).click();
              WebElement message =
                  onPage("a message in the dead-letter view")
                      .until(() -> message(page), m -> m != null);
              return message.getText().contains("replayed: " + id);
            });
  }

  private static WebElement message(org.openqa.selenium.WebDriver page) {
    List<WebElement> m = page.findElements(By.id("dlq-message"));
    return m.isEmpty() || m.get(0).getText().isEmpty() ? null : m.get(0);
  }

  /** Small batches one after another until told to stop, at most a minute; failures ignored. */
  private Void writeSteadily(LocalNode node, AtomicBoolean writing) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    for (int i = 0; writing.get() && System.nanoTime() < deadline; i++) {
      try {
        post(node, "steady", events("s" + i + "-", 10, "HIGH"));
      } catch (Exception e) {
        // The leader is gone for a moment: the next batch goes to the new one.
      }
    }
    return null;
  }

  private void produceBurst(LocalNode node, String topic, int requests, int eventsPerRequest)
      throws Exception {
    for (int r = 0; r < requests; r++) {
      post(node, topic, events("b" + r + "-", eventsPerRequest, "MEDIUM"));
    }
  }

  /**
   * Floods the node with BATCH events while sending one audit.orders event after another until one
   * is dead-lettered; bounded to 40 s. Returns that event's id.
   */
  private String makeDeadLetter(LocalNode node) throws Exception {
    AtomicBoolean flooding = new AtomicBoolean(true);
    ExecutorService flood = Executors.newFixedThreadPool(3);
    try {
      for (int t = 0; t < 3; t++) {
        int thread = t;
        flood.submit(
            () -> {
              for (int r = 0; flooding.get() && r < 2_000; r++) {
                post(node, "bulk", events("f" + thread + "-" + r + "-", 500, "BATCH"));
              }
              return null;
            });
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      for (int i = 0; System.nanoTime() < deadline; i++) {
        String id = "audit-" + i;
        JsonNode answer = post(node, "audit.orders", events(id, "BATCH", "payload of " + id));
        if (answer.path("results").path(0).path("status").asText().equals("DEAD_LETTERED")) {
          return id;
        }
      }
      throw new AssertionError("no audit.orders event was dead-lettered within 40 s of flooding");
    } finally {
      flooding.set(false);
      flood.shutdown();
    }
  }

  private static List<JsonNode> events(String idPrefix, int count, String priority) {
    List<JsonNode> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      events.add(event(idPrefix + i, priority, "x".repeat(100)));
    }
    return events;
  }

  private static List<JsonNode> events(String id, String priority, String payload) {
    return List.of(event(id, priority, payload));
  }

  private static JsonNode event(String id, String priority, String payload) {
    return JSON.createObjectNode().put("id", id).put("priority", priority).put("payload", payload);
  }

  private JsonNode post(LocalNode node, String topic, List<JsonNode> events) throws Exception {
    return HttpEvents.produce(node, topic, events);
  }

  private List<String> idsIn(LocalNode node, String topic) throws Exception {
    return HttpEvents.ids(node, topic, 0, 10_000);
  }
}
