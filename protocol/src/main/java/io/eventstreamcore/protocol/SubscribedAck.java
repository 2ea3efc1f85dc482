package io.eventstreamcore.protocol;

/** Body of SUBSCRIBED and UNSUBSCRIBED: the subscription id. */
public final class SubscribedAck {
  private SubscribedAck() {}

  public static int read(WireReader r) {
    return r.size32("subscription id");
  }
}
