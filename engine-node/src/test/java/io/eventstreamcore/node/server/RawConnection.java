package io.eventstreamcore.node.server;

import io.eventstreamcore.protocol.Frame;
import io.eventstreamcore.protocol.FrameCodec;
import io.eventstreamcore.protocol.FrameType;
import io.eventstreamcore.protocol.Hello;
import io.eventstreamcore.protocol.WireWriter;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/** A bare protocol connection for tests: writes any bytes, reads whole frames. */
final class RawConnection implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;

  RawConnection(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    socket.setTcpNoDelay(true);
    out = socket.getOutputStream();
    in = new DataInputStream(socket.getInputStream());
  }

  static RawConnection greeted(int port) throws IOException {
    RawConnection c = new RawConnection(port);
    c.send(FrameType.HELLO, 1, Hello.anonymous("test")::write);
    Frame f = c.read();
    if (f.type() != FrameType.HELLO_OK) {
      throw new IOException("handshake failed: " + f);
    }
    return c;
  }

  void readTimeout(java.time.Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
  }

  void send(FrameType type, int requestId, Consumer<WireWriter> body) throws IOException {
    sendRaw(FrameCodec.encode(type, requestId, body));
  }

  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  Frame read() throws IOException {
    int length = in.readInt();
    byte[] rest = new byte[length];
    in.readFully(rest);
    return FrameCodec.decode(ByteBuffer.wrap(rest));
  }

  /** True when the node closed the connection (EOF) within the socket timeout. */
  boolean closedByPeer() throws IOException {
    try {
      while (true) {
        read();
      }
    } catch (EOFException | java.net.SocketException e) {
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
