package io.eventstreamcore.node.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class FollowerResyncTest {
  private final List<Runnable> queued = new ArrayList<>();
  private final Executor later = queued::add;
  private final FakeNode node = new FakeNode();
  private final FollowerResync resync = new FollowerResync(node, later);

  @Test
  void aFollowerRestartsWhenItsOwnLeaderAsks() {
    assertThat(resync.request("n1")).isEmpty();
    assertThat(node.restarts).as("not before the executor runs it").isZero();
    queued.forEach(Runnable::run);
    assertThat(node.restarts).isEqualTo(1);
  }

  @Test
  void anotherNodeThanItsLeaderIsRefused() {
    assertThat(resync.request("n3")).hasValueSatisfying(why -> assertThat(why).contains("n1"));
    node.leader = "";
    assertThat(resync.request("n1"))
        .hasValueSatisfying(why -> assertThat(why).contains("no leader"));
    assertThat(queued).isEmpty();
  }

  @Test
  void theLeaderAndAFollowerCopyingASnapshotAreRefused() {
    node.leads = true;
    assertThat(resync.request("n1")).hasValue("this node leads");
    node.leads = false;
    node.catchingUp = true;
    assertThat(resync.request("n1")).isPresent();
    assertThat(queued).isEmpty();
  }

  @Test
  void oneRestartAtATime() {
    assertThat(resync.request("n1")).isEmpty();
    assertThat(resync.request("n1")).hasValue("a restart is already under way");
    queued.remove(0).run();
    assertThat(resync.request("n1")).as("after the first has run").isEmpty();
  }

  private static final class FakeNode implements FollowerResync.Node {
    boolean leads;
    String leader = "n1";
    boolean catchingUp;
    int restarts;

    @Override
    public boolean isLeader() {
      return leads;
    }

    @Override
    public String leaderId() {
      return leader;
    }

    @Override
    public boolean catchingUp() {
      return catchingUp;
    }

    @Override
    public void restartInPlace(String why) {
      restarts++;
    }
  }
}
