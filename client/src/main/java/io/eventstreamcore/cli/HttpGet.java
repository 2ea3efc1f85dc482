package io.eventstreamcore.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP GET for the commands that read a node's JSON API. */
final class HttpGet {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpGet() {}

  static HttpResponse<String> get(String url) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static int print(String url) throws Exception {
    HttpResponse<String> r = get(url);
    System.out.println(r.body());
    return r.statusCode() / 100 == 2 ? 0 : 1;
  }
}
