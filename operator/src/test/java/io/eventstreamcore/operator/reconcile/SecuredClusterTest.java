package io.eventstreamcore.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.operator.Clusters;
import io.eventstreamcore.operator.children.EngineConfig;
import io.eventstreamcore.operator.children.EngineSecrets;
import io.eventstreamcore.operator.children.Names;
import io.eventstreamcore.operator.crd.EventCluster;
import io.eventstreamcore.operator.engine.ClusterView;
import io.eventstreamcore.operator.engine.EngineAccess;
import io.eventstreamcore.operator.engine.EngineAdmin;
import io.eventstreamcore.protocol.CaTrust;
import io.eventstreamcore.protocol.Credential;
import io.eventstreamcore.security.Pem;
import io.eventstreamcore.security.UserEntry;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A cluster with the default {@code security.enabled: true}: the Secrets the operator makes, what
 * the engines mount, how the operator calls them, and certificate renewal.
 */
@EnableKubernetesMockClient(crud = true)
class SecuredClusterTest {
  static KubernetesClient client;

  private final List<EngineAccess> accessUsed = new ArrayList<>();
  private final List<String> urlsAsked = new ArrayList<>();
  private final EngineAdmin admin =
      new EngineAdmin() {
        @Override
        public EngineAdmin with(EngineAccess access) {
          accessUsed.add(access);
          return this;
        }

        @Override
        public Optional<ClusterView> cluster(String httpUrl) {
          urlsAsked.add(httpUrl);
          return Optional.empty();
        }

        @Override
        public boolean transferLeadership(String leaderHttpUrl, String toNodeId) {
          return false;
        }

        @Override
        public boolean addLearner(String leaderHttpUrl, String peer) {
          return false;
        }

        @Override
        public boolean promote(String leaderHttpUrl, String nodeId) {
          return false;
        }

        @Override
        public boolean remove(String leaderHttpUrl, String nodeId) {
          return false;
        }
      };
  private final MutableClock clock = new MutableClock(Instant.now());
  private ClusterReconciliation reconciliation;
  private EventCluster ec;

  @BeforeEach
  void setUp() {
    Clusters.installCrd(client);
    reconciliation = new ClusterReconciliation(client, admin, clock);
    ec = client.resource(Clusters.named("secure-" + System.nanoTime(), "prod")).create();
  }

  @Test
  void aNewClusterGetsItsCaCertificateAndCredentialsAndUsesThem() throws Exception {
    reconciliation.reconcile(ec);

    X509Certificate ca = CaTrust.certificates(value(EngineSecrets.caName(ec), "ca.crt")).get(0);
    X509Certificate engines =
        CaTrust.certificates(value(EngineSecrets.tlsName(ec), "tls.crt")).get(0);
    engines.verify(ca.getPublicKey());
    assertThat(engines.getSubjectAlternativeNames().stream().map(n -> (String) n.get(1)))
        .contains("*." + name() + "-peers.prod.svc", name() + ".prod.svc");
    assertThat(Pem.privateKey(value(EngineSecrets.tlsName(ec), "tls.key"))).isNotNull();
    assertThat(secret(EngineSecrets.tlsName(ec)).getData()).doesNotContainKey("ca.key");

    Credential adminCredential = Credential.parse(value(EngineSecrets.adminName(ec), "credential"));
    String users = value(EngineSecrets.authName(ec), "users");
    assertThat(users)
        .contains(adminCredential.secretHash())
        .doesNotContain(adminCredential.secret());
    Credential member = Credential.parse(value(EngineSecrets.authName(ec), "member.credential"));
    assertThat(users).contains(UserEntry.of(member, List.of("member")).line());

    assertThat(accessUsed).last().satisfies(a -> assertThat(a.admin()).isEqualTo(adminCredential));
    assertThat(urlsAsked).allSatisfy(u -> assertThat(u).startsWith("https://"));

    Container engine = sts().getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(engine.getVolumeMounts().stream().map(VolumeMount::getMountPath))
        .contains(EngineSecrets.TLS_MOUNT, EngineSecrets.AUTH_MOUNT);
    assertThat(engine.getReadinessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
    assertThat(properties())
        .contains("esc.tls.cert-file=" + EngineSecrets.TLS_MOUNT + "/tls.crt")
        .contains("esc.auth.users-file=" + EngineSecrets.AUTH_MOUNT + "/users");
    assertThat(clientService().getSpec().getPorts().stream().map(ServicePort::getName))
        .as("the admin API is not on the client Service unless asked")
        .containsExactly("client");
  }

  @Test
  void secretsStayAsTheyAreAndUsersAddedByHandAreKept() throws Exception {
    reconciliation.reconcile(ec);
    Secret auth = secret(EngineSecrets.authName(ec));
    String withApp =
        value(EngineSecrets.authName(ec), "users") + "app " + "a".repeat(64) + " produce:orders/\n";
    auth.setData(null);
    auth.setStringData(
        java.util.Map.of(
            "users",
            withApp,
            "member.credential",
            value(EngineSecrets.authName(ec), "member.credential")));
    client.resource(auth).update();
    String tlsVersion = secret(EngineSecrets.tlsName(ec)).getMetadata().getResourceVersion();
    String rollHash = rollHash();

    reconciliation.reconcile(client.resource(ec).get());

    assertThat(value(EngineSecrets.authName(ec), "users")).isEqualTo(withApp);
    assertThat(secret(EngineSecrets.tlsName(ec)).getMetadata().getResourceVersion())
        .isEqualTo(tlsVersion);
    assertThat(rollHash()).isEqualTo(rollHash);
  }

  @Test
  void theEngineCertificateIsRenewedWithAThirdOfItsLifeLeftAndThePodsRoll() throws Exception {
    reconciliation.reconcile(ec);
    String serial = serial();
    String rollHash = rollHash();
    String admin = value(EngineSecrets.adminName(ec), "credential");

    clock.advance(EngineSecrets.CERT_VALIDITY.dividedBy(2));
    reconciliation.reconcile(client.resource(ec).get());
    assertThat(serial()).as("half its life left").isEqualTo(serial);

    clock.advance(EngineSecrets.CERT_VALIDITY.dividedBy(5));
    reconciliation.reconcile(client.resource(ec).get());
    assertThat(serial()).isNotEqualTo(serial);
    assertThat(rollHash()).as("a new certificate rolls the engines").isNotEqualTo(rollHash);
    assertThat(value(EngineSecrets.adminName(ec), "credential")).isEqualTo(admin);
    assertThat(
            CaTrust.certificates(value(EngineSecrets.tlsName(ec), "tls.crt")).get(0).getNotAfter())
        .isAfter(java.util.Date.from(clock.instant().plus(Duration.ofDays(80))));
  }

  @Test
  void withSecurityOffThereAreNoSecretsAndPlainHttp() {
    ec.getSpec().security.enabled = false;
    ec = client.resource(ec).update();

    reconciliation.reconcile(ec);

    assertThat(client.secrets().inNamespace("prod").withName(EngineSecrets.tlsName(ec)).get())
        .isNull();
    assertThat(urlsAsked).allSatisfy(u -> assertThat(u).startsWith("http://"));
    assertThat(properties()).doesNotContain("esc.tls.");
  }

  private String name() {
    return ec.getMetadata().getName();
  }

  private StatefulSet sts() {
    return client.apps().statefulSets().inNamespace("prod").withName(name()).get();
  }

  private Service clientService() {
    return client.services().inNamespace("prod").withName(name()).get();
  }

  private String properties() {
    return client
        .configMaps()
        .inNamespace("prod")
        .withName(name())
        .get()
        .getData()
        .get(EngineConfig.PROPERTIES);
  }

  private String rollHash() {
    return sts().getSpec().getTemplate().getMetadata().getAnnotations().get(Names.CONFIG_HASH);
  }

  private String serial() throws Exception {
    return CaTrust.certificates(value(EngineSecrets.tlsName(ec), "tls.crt"))
        .get(0)
        .getSerialNumber()
        .toString(16);
  }

  private Secret secret(String name) {
    return client.secrets().inNamespace("prod").withName(name).get();
  }

  private String value(String secret, String key) {
    Secret s = secret(secret);
    if (s.getData() != null && s.getData().containsKey(key)) {
      return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.UTF_8);
    }
    return s.getStringData().get(key);
  }
}
