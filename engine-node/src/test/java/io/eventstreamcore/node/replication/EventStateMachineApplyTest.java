package io.eventstreamcore.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventstreamcore.node.security.PeerHttp;
import io.eventstreamcore.node.storage.EventStore;
import io.eventstreamcore.node.storage.StoreConfig;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.EventCodec;
import io.eventstreamcore.protocol.Priority;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a replica applies a log entry, decided by the entry alone so that every replica stores the
 * same: a batch enters the store only in the leader term that admitted it.
 */
class EventStateMachineApplyTest {
  @TempDir Path dir;

  private EventStore store;
  private EventStateMachine machine;
  private final List<String> told = new ArrayList<>();

  @BeforeEach
  void open() throws Exception {
    store = EventStore.open(dir, new StoreConfig(1 << 20, 4096, -1, -1));
    ApplyListener listener =
        new ApplyListener() {
          @Override
          public void applied(
              long term, long index, long recordedThrough, List<ByteBuffer> events, long[] o) {
            told.add(index + ":" + events.size());
          }

          @Override
          public void cutBack(long snapshotIndex) {}

          @Override
          public void caughtUp(long term, long index) {}
        };
    PeerHttp noPeers =
        new PeerHttp() {
          @Override
          public HttpClient newClient(Duration connectTimeout) {
            return HttpClient.newHttpClient();
          }
        };
    machine =
        new EventStateMachine(
            store, new Peer("n1", "127.0.0.1", 1, 2, 3), listener, noPeers, Long.MAX_VALUE);
  }

  @AfterEach
  void close() throws Exception {
    machine.close();
    store.close();
  }

  @Test
  void aBatchThatEntersTheLogInTheTermThatAdmittedItIsStored() throws Exception {
    long[] offsets = decode(apply(5, 1, batch(5, "a", "b")));

    assertThat(offsets).containsExactly(0, 1);
    assertThat(store.endOffset("orders")).isEqualTo(2);
    assertThat(told).containsExactly("1:2");
  }

  @Test
  void aBatchAdmittedInAnEarlierTermIsSkippedAndItsProducerMayRetry() throws Exception {
    decode(apply(5, 1, batch(5, "a")));

    Message reply = apply(7, 2, batch(5, "b", "c"));

    assertThatThrownBy(() -> decode(reply))
        .isInstanceOf(AppendResult.AdmittedInAnotherTerm.class)
        .hasMessage("batch admitted in term 5 entered the log in term 7");
    assertThat(store.endOffset("orders")).isEqualTo(1);
    assertThat(machine.getLastAppliedTermIndex().getIndex()).isEqualTo(2);
    assertThat(told).as("the dedup parts still hear of the entry").containsExactly("1:1", "2:0");
  }

  @Test
  void aBatchNoDedupAdmittedIsStoredInAnyTerm() throws Exception {
    assertThat(decode(apply(7, 1, batch(Admission.ANY_TERM, "a")))).containsExactly(0);
  }

  private Message apply(long term, long index, byte[] batch) throws Exception {
    LogEntryProto entry =
        LogEntryProto.newBuilder()
            .setTerm(term)
            .setIndex(index)
            .setStateMachineLogEntry(
                StateMachineLogEntryProto.newBuilder().setLogData(ByteString.copyFrom(batch)))
            .build();
    TransactionContext trx =
        TransactionContext.newBuilder()
            .setServerRole(RaftPeerRole.FOLLOWER)
            .setStateMachine(machine)
            .setLogEntry(entry)
            .build();
    return machine.applyTransaction(trx).get();
  }

  private static long[] decode(Message reply) {
    return AppendResult.decode(reply.getContent().asReadOnlyByteBuffer());
  }

  private static byte[] batch(long admittedTerm, String... ids) {
    List<ByteBuffer> events = new ArrayList<>();
    for (String id : ids) {
      events.add(
          ByteBuffer.wrap(EventCodec.encode(Event.of(id, "orders", Priority.MEDIUM, new byte[8]))));
    }
    return new EventBatch(1, 0, -1, admittedTerm, events).encode();
  }
}
