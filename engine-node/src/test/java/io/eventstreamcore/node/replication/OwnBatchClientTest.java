package io.eventstreamcore.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real Ratis groups on loopback: leadership leaves the node and comes back. */
class OwnBatchClientTest {
  @TempDir Path dir;

  @Test
  void aLeaderCommitsItsBatchesAndAFollowerAnswersNotLeaderUntilItLeadsAgain() throws Exception {
    try (LoopbackRaftGroup group = new LoopbackRaftGroup(dir, "a", "b")) {
      RaftServer server = group.start("a");
      group.start("b");
      RaftPeerId self = RaftPeerId.valueOf("a");
      moveLeadershipTo(group, self);
      try (OwnBatchClient batches =
          new OwnBatchClient(() -> server, group.group().getGroupId(), self)) {
        RaftClientReply committed = commit(batches, "while leading");
        assertThat(committed.isSuccess()).isTrue();
        assertThat(committed.getLogIndex()).isPositive();

        moveLeadershipTo(group, RaftPeerId.valueOf("b"));
        RaftClientReply refused = commit(batches, "after stepping down");
        assertThat(refused.isSuccess()).isFalse();
        assertThat(refused.getNotLeaderException()).isNotNull();
        assertThat(refused.getNotLeaderException().getSuggestedLeader().getId())
            .isEqualTo(RaftPeerId.valueOf("b"));

        moveLeadershipTo(group, self);
        assertThat(commit(batches, "leading again").isSuccess())
            .as("the first batch of the node's next term")
            .isTrue();
      }
    }
  }

  @Test
  void repliesCompleteOnTheClientsOwnThreadNotTheServersApplyThread() throws Exception {
    HeldApply held = new HeldApply();
    try (LoopbackRaftGroup group = new LoopbackRaftGroup(dir, "a")) {
      RaftServer server = group.start("a", held);
      RaftPeerId self = RaftPeerId.valueOf("a");
      moveLeadershipTo(group, self);
      try (OwnBatchClient batches =
          new OwnBatchClient(() -> server, group.group().getGroupId(), self)) {
        held.hold();
        // The stage is attached while the entry cannot yet be applied, so it runs on whichever
        // thread completes the reply, never on this one.
        CompletableFuture<String> repliedOn =
            batches
                .submit("which thread".getBytes(StandardCharsets.UTF_8))
                .thenApply(reply -> Thread.currentThread().getName());
        held.release();
        assertThat(repliedOn.get(30, TimeUnit.SECONDS)).isEqualTo("a-own-batch-replies");
      }
    }
  }

  /** A state machine whose apply waits while held, so a test can act before a reply exists. */
  private static final class HeldApply extends BaseStateMachine {
    private volatile CountDownLatch gate = new CountDownLatch(0);

    void hold() {
      gate = new CountDownLatch(1);
    }

    void release() {
      gate.countDown();
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
      try {
        gate.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return super.applyTransaction(trx);
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
