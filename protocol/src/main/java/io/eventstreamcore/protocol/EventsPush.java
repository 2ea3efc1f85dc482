package io.eventstreamcore.protocol;

import java.util.List;

/** Events pushed on a subscription. */
public record EventsPush(int subscriptionId, List<Record> records) {
  public static EventsPush read(WireReader r) {
    int id = r.size32("subscription id");
    return new EventsPush(id, Record.readAll(r, r.size32("count")));
  }
}
