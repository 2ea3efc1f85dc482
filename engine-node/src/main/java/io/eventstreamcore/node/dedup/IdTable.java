package io.eventstreamcore.node.dedup;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;

/**
 * Dedup entries by key in one flat {@code long[]} (open addressing, linear probing, at most half
 * full so that a new id is found absent within a few probes): five longs per slot, no object per
 * entry, so a window of millions of ids costs the garbage collector nothing to trace. Slot: key hi,
 * key lo, then CLAIMED {term, batch, claimed at} or STORED {-1, offset, stored at}. Entries are
 * never removed one by one; a whole table is dropped when its generation ends ({@link IdBucket}).
 */
final class IdTable {
  static final int LONGS_PER_SLOT = 5;
  private static final int MIN_SLOTS = 16;

  private long[] slots;
  private int mask;
  private int size;

  IdTable() {
    this(MIN_SLOTS);
  }

  private IdTable(int slotCount) {
    slots = new long[slotCount * LONGS_PER_SLOT];
    mask = slotCount - 1;
  }

  int size() {
    return size;
  }

  long bytes() {
    return 8L * slots.length;
  }

  /**
   * The entry in {@link DedupEntry}'s form, or null if there is none written after {@code since}.
   */
  long[] get(long hi, long lo, long since) {
    int at = find(hi, lo);
    if ((slots[at] == 0 && slots[at + 1] == 0) || slots[at + 4] <= since) {
      return null;
    }
    long w1 = slots[at + 2];
    return w1 < 0
        ? DedupEntry.stored(slots[at + 3])
        : DedupEntry.claimed(w1, slots[at + 3], slots[at + 4]);
  }

  void put(long hi, long lo, long[] entry, long atMillis) {
    int at = find(hi, lo);
    if (slots[at] == 0 && slots[at + 1] == 0) {
      if ((size + 1) * 2L > mask + 1) {
        grow();
        at = find(hi, lo);
      }
      size++;
      slots[at] = hi;
      slots[at + 1] = lo;
    }
    if (DedupEntry.isStored(entry)) {
      slots[at + 2] = -1;
      slots[at + 3] = DedupEntry.offset(entry);
    } else {
      slots[at + 2] = DedupEntry.term(entry);
      slots[at + 3] = DedupEntry.batch(entry);
    }
    slots[at + 4] = atMillis;
  }

  /** The slot holding the key, or the empty slot where it would go. */
  private int find(long hi, long lo) {
    int i = (int) (lo ^ (lo >>> 32)) & mask;
    while (true) {
      int at = i * LONGS_PER_SLOT;
      long h = slots[at];
      long l = slots[at + 1];
      if ((h == hi && l == lo) || (h == 0 && l == 0)) {
        return at;
      }
      i = (i + 1) & mask;
    }
  }

  private void grow() {
    long[] old = slots;
    slots = new long[old.length * 2];
    mask = mask * 2 + 1;
    for (int at = 0; at < old.length; at += LONGS_PER_SLOT) {
      if (old[at] != 0 || old[at + 1] != 0) {
        System.arraycopy(old, at, slots, find(old[at], old[at + 1]), LONGS_PER_SLOT);
      }
    }
  }

  void writeTo(ObjectDataOutput out) throws IOException {
    out.writeInt(size);
    for (int at = 0; at < slots.length; at += LONGS_PER_SLOT) {
      if (slots[at] != 0 || slots[at + 1] != 0) {
        for (int k = 0; k < LONGS_PER_SLOT; k++) {
          out.writeLong(slots[at + k]);
        }
      }
    }
  }

  static IdTable readFrom(ObjectDataInput in) throws IOException {
    int n = in.readInt();
    int slotCount = MIN_SLOTS;
    while (n * 2L > slotCount) {
      slotCount *= 2;
    }
    IdTable t = new IdTable(slotCount);
    long[] slot = new long[LONGS_PER_SLOT];
    for (int e = 0; e < n; e++) {
      for (int k = 0; k < LONGS_PER_SLOT; k++) {
        slot[k] = in.readLong();
      }
      System.arraycopy(slot, 0, t.slots, t.find(slot[0], slot[1]), LONGS_PER_SLOT);
    }
    t.size = n;
    return t;
  }
}
