package io.eventstreamcore.e2e;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.PortForward;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.Channels;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * One loopback port per pod that forwards each accepted connection through the API server to that
 * pod's port, as {@code kubectl port-forward} does, but opened per connection: a pod that is
 * deleted and comes back under the same name is reachable again on the same local port.
 */
final class PodRelay implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(PodRelay.class.getName());

  private final KubernetesClient client;
  private final String namespace;
  private final int podPort;
  private final Map<String, ServerSocket> listeners = new ConcurrentHashMap<>();

  PodRelay(KubernetesClient client, String namespace, int podPort) {
    this.client = client;
    this.namespace = namespace;
    this.podPort = podPort;
  }

  /** {@code 127.0.0.1:port} leading to {@code pod}. */
  String endpoint(String pod) {
    ServerSocket server = listeners.computeIfAbsent(pod, this::listen);
    return "127.0.0.1:" + server.getLocalPort();
  }

  private ServerSocket listen(String pod) {
    try {
      ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread accept = new Thread(() -> accept(server, pod), "relay-" + pod);
      accept.setDaemon(true);
      accept.start();
      return server;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void accept(ServerSocket server, String pod) {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        Thread relay = new Thread(() -> relay(socket, pod), "relay-" + pod + "-conn");
        relay.setDaemon(true);
        relay.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void relay(Socket socket, String pod) {
    try (socket;
        PortForward forward =
            client
                .pods()
                .inNamespace(namespace)
                .withName(pod)
                .portForward(
                    podPort,
                    Channels.newChannel(socket.getInputStream()),
                    Channels.newChannel(socket.getOutputStream()))) {
      while (forward.isAlive() && !socket.isClosed()) {
        Thread.sleep(100);
      }
    } catch (Exception e) {
      LOG.fine(() -> "relay to " + pod + " ended: " + e);
    }
  }

  @Override
  public void close() throws IOException {
    for (ServerSocket s : listeners.values()) {
      s.close();
    }
  }
}
