package io.eventstreamcore.cli;

import io.eventstreamcore.client.ClientSecurity;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code --http} option, and plain requests for the commands that use a node's JSON API. */
final class HttpGet {
  @Option(
      names = "--http",
      description =
          "Node HTTP base URL (default: http://127.0.0.1:8080, https:// for a secured local"
              + " cluster)")
  String explicitBase;

  @Mixin SecurityOptions access;

  private HttpClient client;
  private ClientSecurity security;

  /** For a command that reads nodes' JSON at addresses it learns, not at {@code --http}. */
  static HttpGet using(SecurityOptions access) {
    HttpGet h = new HttpGet();
    h.access = access;
    return h;
  }

  String base() {
    if (explicitBase != null) {
      return explicitBase;
    }
    return (access.tls() ? "https" : "http") + "://127.0.0.1:8080";
  }

  HttpResponse<String> get(String url) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url)).GET());
  }

  HttpResponse<String> post(String url) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    init();
    security.credential().ifPresent(c -> request.header("Authorization", c.basicAuthorization()));
    return client.send(
        request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private synchronized void init() throws IOException {
    if (client == null) {
      security = access.security();
      HttpClient.Builder b =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              // A follower redirects what only the leader does (307 keeps method and body).
              .followRedirects(HttpClient.Redirect.NORMAL);
      security.tls().ifPresent(b::sslContext);
      client = b.build();
    }
  }

  /** Prints the body of {@code base + path}; exit code 0 on a 2xx answer. */
  int print(String path) throws Exception {
    HttpResponse<String> r = get(base() + path);
    System.out.println(r.body());
    return r.statusCode() / 100 == 2 ? 0 : 1;
  }
}
