package io.eventstreamcore.e2e;

import io.eventstreamcore.protocol.Frame;
import io.eventstreamcore.protocol.FrameCodec;
import io.eventstreamcore.protocol.FrameType;
import io.eventstreamcore.protocol.Hello;
import io.eventstreamcore.protocol.WireWriter;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.Consumer;

/** A protocol connection that does what a client should not: any bytes, any pace, no reading. */
final class WireSocket implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;

  private WireSocket(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(10_000);
    socket.setTcpNoDelay(true);
    out = socket.getOutputStream();
    in = new DataInputStream(socket.getInputStream());
  }

  static WireSocket open(String endpoint) throws IOException {
    String[] hostPort = endpoint.split(":");
    Socket s = new Socket();
    // A small window: a client that does not read stops the node's writes early.
    s.setReceiveBufferSize(4096);
    s.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 5_000);
    return new WireSocket(s);
  }

  static WireSocket greeted(String endpoint) throws IOException {
    WireSocket c = open(endpoint);
    c.send(FrameType.HELLO, 1, Hello.anonymous("hostile")::write);
    Frame f = c.read();
    if (f.type() != FrameType.HELLO_OK) {
      throw new IOException("handshake failed: " + f.type());
    }
    return c;
  }

  void send(FrameType type, int requestId, Consumer<WireWriter> body) throws IOException {
    write(FrameCodec.encode(type, requestId, body));
  }

  void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  void readTimeout(Duration d) throws IOException {
    socket.setSoTimeout((int) d.toMillis());
  }

  Frame read() throws IOException {
    int length = in.readInt();
    byte[] rest = new byte[length];
    in.readFully(rest);
    return FrameCodec.decode(ByteBuffer.wrap(rest));
  }

  /** True when the node closes the connection within {@code within}, reading what it sends. */
  boolean closedByNode(Duration within) throws IOException {
    socket.setSoTimeout((int) within.toMillis());
    long deadline = System.nanoTime() + within.toNanos();
    byte[] sink = new byte[64 * 1024];
    try {
      while (System.nanoTime() < deadline) {
        if (in.read(sink) < 0) {
          return true;
        }
      }
      return false;
    } catch (EOFException | SocketException e) {
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
