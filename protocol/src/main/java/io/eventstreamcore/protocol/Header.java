package io.eventstreamcore.protocol;

/** An event header: a UTF-8 key and opaque value bytes. */
public record Header(String key, byte[] value) {}
