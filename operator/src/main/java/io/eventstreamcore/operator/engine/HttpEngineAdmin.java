package io.eventstreamcore.operator.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Reads the admin API over HTTP with short timeouts: a silent engine must not stall reconciling.
 */
public final class HttpEngineAdmin implements EngineAdmin {
  private static final Logger LOG = Logger.getLogger(HttpEngineAdmin.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final Optional<EngineAccess> access;
  private final Map<EngineAccess, HttpEngineAdmin> secured;

  /** For clusters without security; {@link #with} gives one for each secured cluster. */
  public HttpEngineAdmin() {
    this(Optional.empty(), new ConcurrentHashMap<>());
  }

  private HttpEngineAdmin(
      Optional<EngineAccess> access, Map<EngineAccess, HttpEngineAdmin> secured) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    access.ifPresent(a -> b.sslContext(a.tls()));
    this.http = b.build();
    this.access = access;
    this.secured = secured;
  }

  /** One client per cluster's access, kept while that access is the cluster's. */
  @Override
  public EngineAdmin with(EngineAccess a) {
    return secured.computeIfAbsent(a, x -> new HttpEngineAdmin(Optional.of(x), secured));
  }

  @Override
  public boolean transferLeadership(String leaderHttpUrl, String toNodeId) {
    return call(
        post(
            leaderHttpUrl + "/api/v1/cluster/leadership",
            JSON.createObjectNode().put("to", toNodeId).toString()),
        "leadership transfer to " + toNodeId);
  }

  @Override
  public boolean addLearner(String leaderHttpUrl, String peer) {
    return call(
        post(
            leaderHttpUrl + "/api/v1/cluster/members",
            JSON.createObjectNode().put("peer", peer).toString()),
        "adding learner " + peer);
  }

  @Override
  public boolean promote(String leaderHttpUrl, String nodeId) {
    return call(
        post(leaderHttpUrl + "/api/v1/cluster/members/" + nodeId + "/promote", "{}"),
        "promoting " + nodeId);
  }

  @Override
  public boolean remove(String leaderHttpUrl, String nodeId) {
    return call(
        HttpRequest.newBuilder(URI.create(leaderHttpUrl + "/api/v1/cluster/members/" + nodeId))
            .timeout(Duration.ofSeconds(15))
            .DELETE()
            .build(),
        "removing " + nodeId);
  }

  private static HttpRequest post(String url, String json) {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(15))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .build();
  }

  /** Sends a membership request to the leader; true on 200. */
  private boolean call(HttpRequest request, String what) {
    try {
      HttpResponse<String> r = http.send(authorized(request), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        LOG.infof("%s refused: %d %s", what, r.statusCode(), r.body());
      }
      return r.statusCode() == 200;
    } catch (IOException e) {
      LOG.infof("%s failed: %s", what, e);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private HttpRequest authorized(HttpRequest request) {
    return access
        .map(
            a ->
                HttpRequest.newBuilder(request, (name, value) -> true)
                    .header("Authorization", a.admin().basicAuthorization())
                    .build())
        .orElse(request);
  }

  @Override
  public Optional<ClusterView> cluster(String httpUrl) {
    try {
      HttpResponse<String> r =
          http.send(
              authorized(
                  HttpRequest.newBuilder(URI.create(httpUrl + "/api/v1/cluster"))
                      .timeout(Duration.ofSeconds(3))
                      .build()),
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
