package io.eventstreamcore.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A reverse proxy that publishes one node under a path prefix, the way an ingress or a {@code
 * kubectl port-forward} to the client Service does: the browser reaches that node only, and only
 * under {@code /prefix/}. Answers are streamed as they come, so server-sent events pass.
 */
final class PrefixProxy implements AutoCloseable {
  private static final List<String> PASSED_HEADERS =
      List.of("content-type", "location", "cache-control", "retry-after");

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final HttpClient http = HttpClient.newHttpClient();
  private final String prefix;
  private final String target;

  PrefixProxy(String prefix, String target) throws IOException {
    this.prefix = prefix;
    this.target = target;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(prefix + "/", this::forward);
    server.setExecutor(threads);
    server.start();
  }

  /** The address of {@code path} (starting with '/') behind the prefix. */
  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + prefix + path;
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      URI uri = exchange.getRequestURI();
      String rest = uri.getRawPath().substring(prefix.length());
      String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
      byte[] body = exchange.getRequestBody().readAllBytes();
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(target + rest + query))
              .method(
                  exchange.getRequestMethod(),
                  body.length == 0
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      String type = exchange.getRequestHeaders().getFirst("content-type");
      if (type != null) {
        request.header("content-type", type);
      }
      HttpResponse<InputStream> answer;
      try {
        answer = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(502, -1);
        return;
      }
      for (String h : PASSED_HEADERS) {
        answer.headers().allValues(h).forEach(v -> exchange.getResponseHeaders().add(h, v));
      }
      long length = answer.headers().firstValueAsLong("content-length").orElse(0);
      exchange.sendResponseHeaders(answer.statusCode(), length == 0 ? 0 : length);
      try (InputStream in = answer.body();
          OutputStream out = exchange.getResponseBody()) {
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
          out.write(buffer, 0, n);
          out.flush();
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
