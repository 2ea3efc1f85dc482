package io.eventstreamcore.protocol;

public record HelloOk(int version, String nodeId, int maxFrameBytes, int maxPayloadBytes) {
  public void write(WireWriter w) {
    w.u16(version).str16(nodeId).i32(maxFrameBytes).i32(maxPayloadBytes);
  }

  public static HelloOk read(WireReader r) {
    return new HelloOk(
        r.u16("version"), r.str16("node id"), r.size32("max frame"), r.size32("max payload"));
  }
}
