package io.eventstreamcore.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The {@code --http} option, and plain requests for the commands that use a node's JSON API. */
final class HttpGet {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          // A follower redirects what only the leader does (307 keeps method and body).
          .followRedirects(HttpClient.Redirect.NORMAL)
          .build();

  @Option(
      names = "--http",
      defaultValue = "http://127.0.0.1:8080",
      description = "Node HTTP base URL (default: ${DEFAULT-VALUE})")
  String base;

  static HttpResponse<String> get(String url) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String url) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Prints the body of {@code base + path}; exit code 0 on a 2xx answer. */
  int print(String path) throws Exception {
    HttpResponse<String> r = get(base + path);
    System.out.println(r.body());
    return r.statusCode() / 100 == 2 ? 0 : 1;
  }
}
