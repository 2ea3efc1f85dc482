package io.eventstreamcore.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.NotLeaderException;
import org.apache.ratis.retry.RetryPolicies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real two-member Ratis group on loopback: leadership leaves the node and comes back. */
class OwnBatchClientTest {
  @TempDir Path dir;

  @Test
  void takesBatchesAgainWhenTheNodeLeadsAfterItsStreamFailed() throws Exception {
    try (LoopbackRaftGroup group = new LoopbackRaftGroup(dir, "a", "b")) {
      group.start("a");
      group.start("b");
      RaftPeerId self = RaftPeerId.valueOf("a");
      moveLeadershipTo(group, self);
      try (OwnBatchClient batches =
          new OwnBatchClient(
              () ->
                  RaftClient.newBuilder()
                      .setProperties(new RaftProperties())
                      .setRaftGroup(group.group())
                      .setLeaderId(self)
                      .setRetryPolicy(RetryPolicies.noRetry())
                      .build())) {
        assertThat(commit(batches, "while leading").isSuccess()).isTrue();

        moveLeadershipTo(group, RaftPeerId.valueOf("b"));
        // The server may first close the stream it served as leader (AlreadyClosed); on the client
        // that replaces it, a follower's NotLeader answer is what closes the stream.
        List<Throwable> refusals = new ArrayList<>();
        while (refusals.stream().noneMatch(e -> e.getCause() instanceof NotLeaderException)) {
          assertThat(refusals).as("refusals before a NotLeader answer").hasSizeLessThan(3);
          refusals.add(catchThrowable(() -> commit(batches, "after stepping down")));
          assertThat(refusals.get(refusals.size() - 1)).isInstanceOf(ExecutionException.class);
        }

        moveLeadershipTo(group, self);
        assertThat(commit(batches, "leading again").isSuccess())
            .as("the first batch of the node's next term")
            .isTrue();
      }
    }
  }

  private static RaftClientReply commit(OwnBatchClient batches, String batch) throws Exception {
    return batches.submit(batch.getBytes(StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS);
  }

  private static void moveLeadershipTo(LoopbackRaftGroup group, RaftPeerId target) {
    await("leadership moved to " + target)
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptionsInstanceOf(ExecutionException.class)
        .until(
            () -> {
              try (RaftClient admin =
                  RaftClient.newBuilder()
                      .setProperties(new RaftProperties())
                      .setRaftGroup(group.group())
                      .build()) {
                if (!group.leadsReady(target)) {
                  admin.admin().transferLeadership(target, 5_000);
                }
              } catch (IOException e) {
                // No leader yet, or a transfer that did not finish: ask again.
              }
              return group.leadsReady(target);
            });
  }
}
