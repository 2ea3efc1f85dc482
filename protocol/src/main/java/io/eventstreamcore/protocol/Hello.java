package io.eventstreamcore.protocol;

/** The first frame of a connection; auth fields exist so authentication needs no new version. */
public record Hello(int version, String clientId, String authMechanism, byte[] authData) {
  public static final String NO_AUTH = "none";

  public static Hello anonymous(String clientId) {
    return new Hello(FrameCodec.PROTOCOL_VERSION, clientId, NO_AUTH, new byte[0]);
  }

  public void write(WireWriter w) {
    w.u16(version).str16(clientId).str16(authMechanism).bytes32(authData);
  }

  public static Hello read(WireReader r) {
    Hello h = new Hello(r.u16("version"), r.str16("client id"), r.str16("auth"), r.bytes32("auth"));
    r.expectEnd("HELLO");
    return h;
  }
}
