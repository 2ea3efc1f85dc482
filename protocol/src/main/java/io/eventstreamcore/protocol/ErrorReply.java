package io.eventstreamcore.protocol;

public record ErrorReply(ErrorCode code, String message, String leaderEndpoint) {
  public void write(WireWriter w) {
    w.u16(code.code()).str16(message == null ? "" : message).str16(leaderEndpoint);
  }

  public static ErrorReply read(WireReader r) {
    return new ErrorReply(
        ErrorCode.fromCode(r.u16("code")), r.str16("message"), r.str16("leader endpoint"));
  }
}
