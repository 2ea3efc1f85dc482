package io.eventstreamcore.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventstreamcore.node.security.Principal;
import io.eventstreamcore.node.security.Rights;
import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.EventCodec;
import io.eventstreamcore.protocol.Priority;
import io.eventstreamcore.protocol.ProtocolException;
import io.eventstreamcore.protocol.SubscribeRequest;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestAccessTest {
  private final Principal app =
      new Principal("app", Rights.parse(List.of("produce:orders/", "consume:orders/")));

  private static ByteBuffer event(String topic) {
    return ByteBuffer.wrap(EventCodec.encode(Event.of("i", topic, Priority.LOW, new byte[1])));
  }

  @Test
  void aRequestWithOneForbiddenTopicIsRefusedWhole() {
    assertThatThrownBy(
            () -> RequestAccess.produce(app, List.of(event("orders/a"), event("billing"))))
        .isInstanceOfSatisfying(
            ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_AUTHORIZED))
        .hasMessageContaining("'billing'");
    assertThatCode(() -> RequestAccess.produce(app, List.of(event("orders/a"), event("orders/b"))))
        .doesNotThrowAnyException();
  }

  @Test
  void anEventTooShortToNameATopicIsLeftToIngest() {
    assertThatCode(
            () ->
                RequestAccess.produce(
                    app, List.of(ByteBuffer.wrap(new byte[3]), event("orders/a"))))
        .doesNotThrowAnyException();
  }

  @Test
  void aPrefixSubscriptionNeedsARightForTheWholePrefix() {
    assertThatCode(
            () -> RequestAccess.subscribe(app, new SubscribeRequest(true, "orders/eu", -2, 1)))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> RequestAccess.subscribe(app, new SubscribeRequest(true, "ord", -2, 1)))
        .isInstanceOf(ProtocolException.class);
  }
}
