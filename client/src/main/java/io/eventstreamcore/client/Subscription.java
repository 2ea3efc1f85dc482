package io.eventstreamcore.client;

import io.eventstreamcore.protocol.EventsPush;
import io.eventstreamcore.protocol.FrameType;
import io.eventstreamcore.protocol.Record;
import io.eventstreamcore.protocol.SubscribeRequest;
import io.eventstreamcore.protocol.SubscribedAck;

/**
 * A server-push subscription on one connection. It grants {@code window} credits up front and
 * returns them as records are handed to the listener, so the node never sends more than the
 * listener has room for.
 */
public final class Subscription implements AutoCloseable {
  /** Receives records in offset order per topic, on the connection's reader thread. */
  public interface Listener {
    void onRecord(Record record);
  }

  private final Connection connection;
  private final int window;
  private volatile int subscriptionId = -1;
  private int consumedSinceCredit;

  private Subscription(Connection connection, int window) {
    this.connection = connection;
    this.window = window;
  }

  public static Subscription start(
      Connection connection, SubscribeRequest request, Listener listener) {
    Subscription s = new Subscription(connection, request.credits());
    connection.stream(
        FrameType.SUBSCRIBE,
        request::write,
        frame -> {
          if (frame.type() == FrameType.SUBSCRIBED) {
            s.subscriptionId = SubscribedAck.read(frame.reader());
          } else if (frame.type() == FrameType.EVENTS) {
            EventsPush push = EventsPush.read(frame.reader());
            for (Record r : push.records()) {
              listener.onRecord(r);
            }
            s.consumed(push.subscriptionId(), push.records().size());
          }
        });
    return s;
  }

  private void consumed(int id, int n) {
    consumedSinceCredit += n;
    if (consumedSinceCredit >= Math.max(1, window / 2)) {
      int credit = consumedSinceCredit;
      consumedSinceCredit = 0;
      connection.send(FrameType.CREDIT, w -> w.i32(id).i32(credit));
    }
  }

  @Override
  public void close() {
    int id = subscriptionId;
    if (id >= 0 && connection.isOpen()) {
      connection.request(FrameType.UNSUBSCRIBE, w -> w.i32(id));
    }
  }
}
