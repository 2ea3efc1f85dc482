package io.eventstreamcore.protocol;

/** Per event of a PRODUCE, in request order: a code and, when the code is OK, the offset. */
public record ProduceAck(ErrorCode[] codes, long[] offsets) {
  public void write(WireWriter w) {
    w.i32(codes.length);
    for (int i = 0; i < codes.length; i++) {
      w.u16(codes[i].code()).i64(offsets[i]);
    }
  }

  public byte[] encode() {
    WireWriter w = new WireWriter(4 + 10 * codes.length);
    write(w);
    return w.toByteArray();
  }

  public static ProduceAck read(WireReader r) {
    int n = r.size32("count");
    ErrorCode[] codes = new ErrorCode[n];
    long[] offsets = new long[n];
    for (int i = 0; i < n; i++) {
      codes[i] = ErrorCode.fromCode(r.u16("code"));
      offsets[i] = r.i64("offset");
    }
    return new ProduceAck(codes, offsets);
  }
}
