package io.eventstreamcore.node.storage;

/**
 * Segment and retention settings of the event store.
 *
 * @param retentionMs segments whose last append is older are deleted; negative keeps forever
 * @param retentionBytes per topic; negative means no size limit
 */
public record StoreConfig(
    int segmentBytes, int indexIntervalBytes, long retentionMs, long retentionBytes) {}
