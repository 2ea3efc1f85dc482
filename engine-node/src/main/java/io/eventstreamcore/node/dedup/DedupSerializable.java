package io.eventstreamcore.node.dedup;

import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * An object of the dedup table that Hazelcast copies between members, made by {@link
 * DedupSerialization}.
 */
abstract class DedupSerializable implements IdentifiedDataSerializable {
  @Override
  public final int getFactoryId() {
    return DedupSerialization.FACTORY_ID;
  }
}
