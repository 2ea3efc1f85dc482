package io.eventstreamcore.node.dedup;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * Creates the dedup table's own objects when Hazelcast reads them off the wire: compact, without
 * the cost of Java serialization on every claim.
 */
final class DedupSerialization implements DataSerializableFactory {
  static final int FACTORY_ID = 0x45_53_43; // "ESC"
  static final int CLAIM = 1;

  @Override
  public IdentifiedDataSerializable create(int typeId) {
    if (typeId == CLAIM) {
      return new Claim();
    }
    throw new IllegalArgumentException("unknown dedup type " + typeId);
  }
}
