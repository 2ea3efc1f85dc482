package io.eventstreamcore.node.dedup;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * Creates the dedup table's own objects when Hazelcast reads them off the wire (processors) or
 * copies them to a backup or a new owner (buckets): compact, without Java serialization's cost.
 */
final class DedupSerialization implements DataSerializableFactory {
  static final int FACTORY_ID = 0x45_53_43; // "ESC"
  static final int CLAIM = 1;
  static final int BUCKET = 2;
  static final int MARK_STORED = 3;
  static final int LOOKUP = 4;
  static final int STATS = 5;
  static final int SURVEY = 6;
  static final int COMPLETE = 7;

  @Override
  public IdentifiedDataSerializable create(int typeId) {
    return switch (typeId) {
      case CLAIM -> new Claim();
      case BUCKET -> new IdBucket();
      case MARK_STORED -> new MarkStored();
      case LOOKUP -> new Lookup();
      case STATS -> new BucketStats();
      case SURVEY -> new BucketSurvey();
      case COMPLETE -> new CompleteBuckets();
      default -> throw new IllegalArgumentException("unknown dedup type " + typeId);
    };
  }
}
