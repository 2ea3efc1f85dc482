package io.eventstreamcore.operator.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Reads the admin API over HTTP with short timeouts: a silent engine must not stall reconciling.
 */
public final class HttpEngineAdmin implements EngineAdmin {
  private static final Logger LOG = Logger.getLogger(HttpEngineAdmin.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Override
  public boolean transferLeadership(String leaderHttpUrl, String toNodeId) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(leaderHttpUrl + "/api/v1/cluster/leadership"))
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          JSON.createObjectNode().put("to", toNodeId).toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200;
    } catch (IOException e) {
      LOG.infof("leadership transfer to %s via %s failed: %s", toNodeId, leaderHttpUrl, e);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public Optional<ClusterView> cluster(String httpUrl) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(httpUrl + "/api/v1/cluster"))
                  .timeout(Duration.ofSeconds(3))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return Optional.empty();
      }
      return Optional.of(JSON.readValue(r.body(), ClusterView.class));
    } catch (IOException e) {
      LOG.debugf("engine at %s did not answer: %s", httpUrl, e.toString());
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
