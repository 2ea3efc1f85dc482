package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.cli.local.LocalNode;
import io.eventstreamcore.client.ClientSecurity;
import io.eventstreamcore.client.Connection;
import io.eventstreamcore.client.Consumer;
import io.eventstreamcore.client.EscException;
import io.eventstreamcore.client.Producer;
import io.eventstreamcore.protocol.CaTrust;
import io.eventstreamcore.protocol.Credential;
import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.FetchRequest;
import io.eventstreamcore.protocol.FrameType;
import io.eventstreamcore.protocol.Priority;
import io.eventstreamcore.protocol.Record;
import io.eventstreamcore.protocol.SubscribeRequest;
import io.eventstreamcore.security.ClusterMaterial;
import io.eventstreamcore.security.TlsContexts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.util.TimeDuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;

/**
 * A real three-node cluster started secured (TLS everywhere, authentication on), tried as an
 * outsider would: without credentials, with too few rights, over plain TCP and HTTP, and as a Ratis
 * or Hazelcast client of its own. Members and the admin must still do their work, and every
 * acknowledged event must be on every node exactly once at the end.
 */
class SecureClusterIT {
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;

  static LocalCluster cluster;
  static ClusterMaterial material;
  static ClientSecurity admin;
  static HttpClient https;
  static final List<String> acknowledged = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    material = LocalCluster.secure(dir, 3);
    // Longer elections than the default: TLS handshakes make a cold start slow, and a leader
    // change while the group forms can leave a follower stuck on a divergent first entry (a
    // Ratis 3.3.0 bug, issue 20). This test is about who may do what, not about formation.
    cluster =
        LocalCluster.of(
            dir,
            3,
            LocalCluster.freeBasePort(3),
            List.of("esc.raft.election-timeout-min=600ms", "esc.raft.election-timeout-max=1200ms"));
    cluster.start();
    cluster.awaitReady(Duration.ofSeconds(120));
    admin = cluster.nodes().get(0).spec().clientSecurity();
    https =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .sslContext(CaTrust.trusting(material.caCertificate()))
            .build();
  }

  @AfterAll
  static void everyAcknowledgedEventOnEveryNodeOnce() throws Exception {
    try {
      for (LocalNode n : cluster.nodes()) {
        List<String> ids = new ArrayList<>();
        try (Consumer c = new Consumer(List.of(n.spec().clientEndpoint()), "orders/eu", 0, admin)) {
          c.readToEnd(Duration.ofSeconds(2)).forEach(r -> ids.add(r.event().idAsString()));
        }
        assertThat(ids).as(n.spec().id()).containsExactlyElementsOf(acknowledged);
      }
    } finally {
      Nodes.killAll(cluster);
    }
  }

  @Test
  void theAdminProducesAndConsumesOverTlsOnEveryNode() throws Exception {
    produce(admin, "orders/eu", 50);
    for (LocalNode n : cluster.nodes()) {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> read(n, admin, "orders/eu").size() >= acknowledged.size());
    }
  }

  @Test
  void theBinaryProtocolRefusesStrangersAndHoldsUsersToTheirRights() throws Exception {
    String endpoint = cluster.nodes().get(1).spec().clientEndpoint();
    ClientSecurity anonymous = new ClientSecurity(admin.tls(), Optional.empty());
    assertThatThrownBy(() -> Connection.open(endpoint, anonymous).close())
        .hasMessageContaining("AUTHENTICATION_FAILED");
    ClientSecurity wrongSecret =
        new ClientSecurity(admin.tls(), Optional.of(new Credential("admin", "guessed")));
    assertThatThrownBy(() -> Connection.open(endpoint, wrongSecret).close())
        .hasMessageContaining("AUTHENTICATION_FAILED");
    assertThatThrownBy(() -> Connection.open(endpoint).close())
        .as("plain TCP to a TLS port")
        .isInstanceOf(java.io.IOException.class);

    ClientSecurity app = user("app-tcp", "produce:orders/", "consume:orders/");
    await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> connects(endpoint, app));
    assertThat(refusal(() -> produce(app, "billing", 1))).isEqualTo(ErrorCode.NOT_AUTHORIZED);
    produce(app, "orders/eu", 5);
    try (Connection c = Connection.open(endpoint, app)) {
      FetchRequest billing = new FetchRequest("billing", 0, 10, 1 << 20, 0);
      assertThat(
              refusal(() -> c.request(FrameType.FETCH, billing::write).get(10, TimeUnit.SECONDS)))
          .isEqualTo(ErrorCode.NOT_AUTHORIZED);
      SubscribeRequest everything = new SubscribeRequest(true, "", SubscribeRequest.FROM_START, 10);
      assertThat(
              refusal(
                  () ->
                      c.request(FrameType.SUBSCRIBE, everything::write).get(10, TimeUnit.SECONDS)))
          .isEqualTo(ErrorCode.NOT_AUTHORIZED);
      FetchRequest own = new FetchRequest("orders/eu", 0, 10, 1 << 20, 0);
      assertThat(c.request(FrameType.FETCH, own::write).get(10, TimeUnit.SECONDS).type())
          .isEqualTo(FrameType.FETCH_RESULT);
    }
  }

  @Test
  void httpRefusesStrangersAndHoldsUsersToTheirRights() throws Exception {
    String base = cluster.nodes().get(2).spec().httpUrl();
    assertThat(base).startsWith("https://");
    HttpResponse<String> anonymous = get(base + "/api/v1/topics", null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
    assertThat(anonymous.body()).contains("AUTHENTICATION_FAILED");
    assertThat(get(base + "/q/health/ready", null).statusCode()).isEqualTo(200);

    Credential adminCredential = Credential.read(material.adminCredential());
    Credential member = Credential.read(material.memberCredential());
    assertThat(get(base + "/api/v1/topics", adminCredential).statusCode()).isEqualTo(200);
    assertThat(get(base + "/internal/v1/catch-up/snapshot", adminCredential).statusCode())
        .as("the catch-up API is for members only")
        .isEqualTo(403);
    assertThat(get(base + "/internal/v1/catch-up/snapshot", member).statusCode()).isIn(200, 404);

    Credential app = material.addUser("app-http", List.of("produce:orders/"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> get(base + "/api/v1/topics", app).statusCode() == 200);
    assertThat(post(base + "/api/v1/topics/billing/events", app).statusCode()).isEqualTo(403);
    assertThat(post(base + "/api/v1/topics/orders%2Fhttp/events", app).statusCode()).isEqualTo(200);
    assertThat(get(base + "/api/v1/topics/orders%2Fhttp/events", app).statusCode())
        .as("produce does not imply consume")
        .isEqualTo(403);
    assertThat(post(base + "/api/v1/dlq/purge", app).statusCode()).isEqualTo(403);
    assertThat(delete(base + "/api/v1/cluster/members/n3", app).statusCode()).isEqualTo(403);
    assertThat(get(base + "/ui/", app).statusCode()).isEqualTo(403);

    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    assertThatThrownBy(
            () ->
                plain.send(
                    HttpRequest.newBuilder(URI.create(base.replace("https", "http") + "/q/health"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()))
        .as("no plain HTTP on a TLS node")
        .isInstanceOf(java.io.IOException.class);
  }

  /**
   * The dashboard in a real browser, as the admin with HTTP Basic: the page's own requests and its
   * event stream must carry the credentials the browser was given for the page.
   */
  @Test
  void theDashboardShowsTheClusterToTheAdminInARealBrowser() throws Exception {
    Credential adminCredential = Credential.read(material.adminCredential());
    LocalNode serving = cluster.nodes().get(0);
    String page =
        serving.spec().httpUrl().replace("https://", "https://" + adminCredential.text() + "@");
    try (HeadlessChromium chromium = HeadlessChromium.start(dir.resolve("chromium"), true)) {
      chromium.driver.get(page + "/ui/");
      await("three members on the page")
          .atMost(Duration.ofSeconds(30))
          // The page redraws its tables each second: a row found may be gone when it is read.
          .ignoreException(StaleElementReferenceException.class)
          .untilAsserted(
              () ->
                  assertThat(
                          chromium
                              .driver
                              .findElements(By.cssSelector("table.members tbody tr"))
                              .stream()
                              .map(r -> r.getDomAttribute("data-role"))
                              .toList())
                      .hasSize(3)
                      .doesNotContain("UNREACHABLE"));
    }
  }

  @Test
  void outsideRaftClientsCanNeitherAppendNorRemoveTheGroup() throws Exception {
    Path other = dir.resolve("foreign");
    ClusterMaterial foreign = ClusterMaterial.create(other, "foreign", Map.of("n1", "127.0.0.1"));
    Parameters foreignTls = tls(foreign.nodeCertificate("n1"), foreign.nodeKey("n1"));
    Path n3Raft = cluster.node("n3").spec().dataDir().resolve("raft");
    long raftFilesBefore = Files.walk(n3Raft).count();

    for (Parameters outsider : List.of(new Parameters(), foreignTls)) {
      try (RaftClient client = outsideClient(outsider)) {
        assertThatThrownBy(() -> client.io().send(Message.valueOf("foreign entry")))
            .as("append")
            .isInstanceOf(java.io.IOException.class);
        RaftPeerId n3 = RaftPeerId.valueOf("n3");
        assertThatThrownBy(
                () -> client.getGroupManagementApi(n3).remove(group().getGroupId(), true, false))
            .as("groupRemove")
            .isInstanceOf(java.io.IOException.class);
      }
    }
    // The control: the same call shape with a member's own certificate is answered, so the
    // refusals above are TLS refusing strangers, not a wrong group or address.
    try (RaftClient member =
        outsideClient(tls(material.nodeCertificate("n1"), material.nodeKey("n1")))) {
      assertThat(
              member
                  .getGroupManagementApi(RaftPeerId.valueOf("n3"))
                  .info(group().getGroupId())
                  .isSuccess())
          .isTrue();
    }
    assertThat(Files.walk(n3Raft).count()).isGreaterThanOrEqualTo(raftFilesBefore);
    produce(admin, "orders/eu", 5);
  }

  @Test
  void noHazelcastClientConnectsToTheDedupTable() {
    int port = LocalCluster.HAZELCAST_OFFSET + portOf(cluster.node("n1").spec().clientEndpoint());
    for (String name : List.of("eventstreamcore", hazelcastClusterName())) {
      ClientConfig cc = new ClientConfig();
      cc.setClusterName(name);
      cc.getNetworkConfig().addAddress("127.0.0.1:" + port);
      cc.getConnectionStrategyConfig()
          .getConnectionRetryConfig()
          .setClusterConnectTimeoutMillis(4_000);
      assertThatThrownBy(() -> HazelcastClient.newHazelcastClient(cc).shutdown())
          .as("a client naming cluster " + name)
          .isInstanceOf(IllegalStateException.class);
    }
  }

  private static String hazelcastClusterName() {
    try {
      return "eventstreamcore-"
          + Credential.read(material.memberCredential()).secretHash().substring(0, 16);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static RaftGroup group() {
    List<RaftPeer> peers = new ArrayList<>();
    for (LocalNode n : cluster.nodes()) {
      peers.add(
          RaftPeer.newBuilder()
              .setId(n.spec().id())
              .setAddress("127.0.0.1:" + n.spec().raftPort())
              .build());
    }
    RaftGroupId id =
        RaftGroupId.valueOf(
            UUID.nameUUIDFromBytes("eventstreamcore".getBytes(StandardCharsets.UTF_8)));
    return RaftGroup.valueOf(id, peers);
  }

  /** Ratis client parameters presenting {@code cert} and trusting the cluster's CA. */
  private static Parameters tls(Path cert, Path key) throws java.io.IOException {
    GrpcTlsConfig conf =
        new GrpcTlsConfig(
            TlsContexts.keyManagers(cert, key)[0],
            CaTrust.trustManagers(material.caCertificate())[0],
            true);
    Parameters p = new Parameters();
    GrpcConfigKeys.TLS.setConf(p, conf);
    GrpcConfigKeys.Client.setTlsConf(p, conf);
    GrpcConfigKeys.Admin.setTlsConf(p, conf);
    return p;
  }

  private static RaftClient outsideClient(Parameters parameters) {
    RaftProperties p = new RaftProperties();
    RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(3, TimeUnit.SECONDS));
    return RaftClient.newBuilder()
        .setProperties(p)
        .setParameters(parameters)
        .setRaftGroup(group())
        .setClientId(ClientId.randomId())
        .setRetryPolicy(RetryPolicies.noRetry())
        .build();
  }

  private static int portOf(String endpoint) {
    return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
  }

  private static ClientSecurity user(String name, String... rights) throws Exception {
    Credential c = material.addUser(name, List.of(rights));
    return ClientSecurity.of(material.caCertificate(), c);
  }

  private static boolean connects(String endpoint, ClientSecurity security) throws Exception {
    Connection.open(endpoint, security).close();
    return true;
  }

  private static void produce(ClientSecurity security, String topic, int count) throws Exception {
    Producer.Settings s =
        Producer.Settings.defaults(cluster.clientEndpoints()).withSecurity(security);
    List<CompletableFuture<Long>> sent = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    try (Producer p = new Producer(s)) {
      for (int i = 0; i < count; i++) {
        String id = UUID.randomUUID().toString();
        ids.add(id);
        sent.add(
            p.send(Event.of(id, topic, Priority.MEDIUM, "x".getBytes(StandardCharsets.UTF_8))));
      }
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    }
    if (topic.equals("orders/eu")) {
      synchronized (acknowledged) {
        acknowledged.addAll(ids);
      }
    }
  }

  private static List<Record> read(LocalNode n, ClientSecurity security, String topic)
      throws Exception {
    try (Consumer c = new Consumer(List.of(n.spec().clientEndpoint()), topic, 0, security)) {
      return c.readToEnd(Duration.ZERO);
    }
  }

  private interface Call {
    void run() throws Exception;
  }

  private static ErrorCode refusal(Call call) {
    try {
      call.run();
    } catch (Exception e) {
      Throwable t = e;
      while (t != null && !(t instanceof EscException)) {
        t = t.getCause();
      }
      if (t != null) {
        return ((EscException) t).code();
      }
      throw new AssertionError("refused for another reason", e);
    }
    throw new AssertionError("not refused");
  }

  private static HttpResponse<String> get(String url, Credential c) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url)).GET(), c);
  }

  private static HttpResponse<String> post(String url, Credential c) throws Exception {
    return send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"h1\",\"payload\":\"x\"}")),
        c);
  }

  private static HttpResponse<String> delete(String url, Credential c) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(url)).DELETE(), c);
  }

  private static HttpResponse<String> send(HttpRequest.Builder b, Credential c) throws Exception {
    if (c != null) {
      b.header("Authorization", c.basicAuthorization());
    }
    return https.send(
        b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
