package io.eventstreamcore.operator.children;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.operator.Clusters;
import io.eventstreamcore.operator.crd.EventCluster;
import io.eventstreamcore.operator.crd.EventClusterSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChildrenTest {
  private final EventCluster ec = Clusters.named("orders", "prod");

  @Test
  void theEngineConfigNamesEveryPeerByItsStableDnsNameAndFindsDedupMembersByDns() {
    String props = EngineConfig.desired(ec, 3).getData().get(EngineConfig.PROPERTIES);
    assertThat(props)
        .contains(
            "esc.raft.peers=orders-0=orders-0.orders-peers.prod.svc:9870,"
                + "orders-1=orders-1.orders-peers.prod.svc:9870,"
                + "orders-2=orders-2.orders-peers.prod.svc:9870\n")
        .contains("esc.dedup.kubernetes-service-dns=orders-peers.prod.svc.cluster.local\n")
        .contains("esc.pipeline.topic-policy-file=/etc/eventstreamcore/topic-policies\n");
  }

  @Test
  void topicPrioritiesBecomeThePolicyFileTheEnginesReload() {
    ec.getSpec().topicPriorities.put("payments", "CRITICAL");
    ec.getSpec().topicPriorities.put("metrics.*", "BATCH dead-letter");
    assertThat(EngineConfig.desired(ec, 3).getData().get(EngineConfig.TOPIC_POLICIES))
        .isEqualTo("payments = CRITICAL\nmetrics.* = BATCH dead-letter\n");
  }

  @Test
  void theStatefulSetRunsNonRootEnginesWithMeaningfulProbesAndTheirOwnVolumes() {
    StatefulSet sts = EngineStatefulSet.desired(ec, "abc");
    assertThat(sts.getSpec().getReplicas()).isEqualTo(3);
    assertThat(sts.getSpec().getServiceName()).isEqualTo("orders-peers");
    assertThat(sts.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
    assertThat(sts.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry(Names.CONFIG_HASH, "abc");
    Container engine = sts.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(engine.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    assertThat(engine.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
    assertThat(engine.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/started");
    assertThat(engine.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("ESC_NODE_ID");
              assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
            });
    assertThat(engine.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(engine.getResources().getLimits().get("memory").toString())
        .as("a limit, so the image's -XX:MaxRAMPercentage sizes the heap from it, not the host")
        .isEqualTo("640Mi");
    assertThat(engine.getVolumeMounts())
        .extracting(m -> m.getMountPath())
        .as("writable scratch space under a read-only root")
        .contains("/tmp");
    assertThat(engine.getEnv())
        .as("the image has no shell to expand JAVA_OPTS; the JVM reads this itself")
        .anySatisfy(e -> assertThat(e.getName()).isEqualTo("JAVA_TOOL_OPTIONS"));
    assertThat(sts.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot())
        .isTrue();
    assertThat(
            sts.getSpec()
                .getVolumeClaimTemplates()
                .get(0)
                .getSpec()
                .getResources()
                .getRequests()
                .get("storage")
                .toString())
        .isEqualTo("10Gi");
  }

  @Test
  void thePeerServicePublishesPodsBeforeTheyAreReadySoTheyCanFormAQuorum() {
    Service peers = PeerService.desired(ec);
    assertThat(peers.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(peers.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(peers.getSpec().getPorts())
        .extracting(p -> p.getName() + ":" + p.getPort())
        .contains("raft:9870", "dedup:9970");
  }

  @Test
  void theDisruptionBudgetNeverAllowsLosingTheQuorum() {
    ec.getSpec().replicas = 5;
    ec.getSpec().disruptionBudget.maxUnavailable = 4;
    assertThat(
            EngineDisruptionBudget.desired(ec)
                .orElseThrow()
                .getSpec()
                .getMaxUnavailable()
                .getIntVal())
        .isEqualTo(2);
    ec.getSpec().replicas = 1;
    assertThat(EngineDisruptionBudget.desired(ec)).isEmpty();
  }

  @Test
  void enginePodsMeetPodSecurityRestrictedAndSpreadOverNodesByDefault() {
    PodSpec pod = EngineStatefulSet.desired(ec, "abc").getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    Container engine = pod.getContainers().get(0);
    assertThat(engine.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(engine.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(engine.getReadinessProbe().getTimeoutSeconds()).isGreaterThanOrEqualTo(5);
    assertThat(
            pod.getAffinity()
                .getPodAntiAffinity()
                .getPreferredDuringSchedulingIgnoredDuringExecution()
                .get(0)
                .getPodAffinityTerm()
                .getTopologyKey())
        .isEqualTo("kubernetes.io/hostname");

    ec.getSpec().podTemplate.topologySpreadConstraints =
        List.of(new TopologySpreadConstraintBuilder().withTopologyKey("zone").build());
    assertThat(EngineStatefulSet.desired(ec, "abc").getSpec().getTemplate().getSpec().getAffinity())
        .as("the user's own spreading replaces the default")
        .isNull();
  }

  @Test
  void theEngineRunsAsTheImagesUserUnlessThePlatformAssignsOne() {
    PodSecurityContext own =
        EngineStatefulSet.desired(ec, "abc").getSpec().getTemplate().getSpec().getSecurityContext();
    assertThat(own.getRunAsUser()).isEqualTo(185L);
    assertThat(own.getFsGroup()).isEqualTo(185L);

    ec.getSpec().podTemplate.platformAssignsUser = true;
    PodSecurityContext assigned =
        EngineStatefulSet.desired(ec, "abc").getSpec().getTemplate().getSpec().getSecurityContext();
    assertThat(assigned.getRunAsUser()).isNull();
    assertThat(assigned.getFsGroup()).isNull();
    assertThat(assigned.getRunAsNonRoot()).isTrue();
    assertThat(assigned.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
  }

  @Test
  void raftAndDedupPortsAreOpenOnlyToTheClustersOwnPods() {
    NetworkPolicy policy = EngineNetworkPolicy.desired(ec);
    assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isEqualTo(Names.selector(ec));
    assertThat(policy.getSpec().getIngress()).hasSize(2);
    NetworkPolicyIngressRule clients = policy.getSpec().getIngress().get(0);
    assertThat(clients.getFrom()).as("clients from anywhere").isNullOrEmpty();
    assertThat(clients.getPorts())
        .extracting(p -> p.getPort().getIntVal())
        .containsExactly(7070, 8080);
    NetworkPolicyIngressRule peers = policy.getSpec().getIngress().get(1);
    assertThat(peers.getPorts())
        .extracting(p -> p.getPort().getIntVal())
        .containsExactly(9870, 9970);
    assertThat(peers.getFrom())
        .singleElement()
        .satisfies(
            f -> assertThat(f.getPodSelector().getMatchLabels()).isEqualTo(Names.selector(ec)));
  }

  @Test
  void pullSettingsPriorityExtraEnvAndTheClusterDomainReachThePods() {
    ec.getSpec().podTemplate.imagePullPolicy = EventClusterSpec.PullPolicy.IfNotPresent;
    ec.getSpec().podTemplate.imagePullSecrets = List.of(new LocalObjectReference("registry"));
    ec.getSpec().podTemplate.priorityClassName = "critical-data";
    ec.getSpec().podTemplate.env =
        List.of(new EnvVar("TZ", "UTC", null), new EnvVar("ESC_NODE_ID", "hijacked", null));
    ec.getSpec().clusterDomain = "corp.example";
    PodSpec pod = EngineStatefulSet.desired(ec, "abc").getSpec().getTemplate().getSpec();
    assertThat(pod.getImagePullSecrets())
        .extracting(LocalObjectReference::getName)
        .containsExactly("registry");
    assertThat(pod.getPriorityClassName()).isEqualTo("critical-data");
    Container engine = pod.getContainers().get(0);
    assertThat(engine.getImagePullPolicy()).isEqualTo("IfNotPresent");
    assertThat(engine.getEnv()).extracting(EnvVar::getName).contains("TZ");
    EnvVar lastNodeId =
        engine.getEnv().stream()
            .filter(e -> e.getName().equals("ESC_NODE_ID"))
            .reduce((a, b) -> b)
            .orElseThrow();
    assertThat(lastNodeId.getValueFrom())
        .as("the engine's own variables come last and win")
        .isNotNull();
    assertThat(EngineConfig.desired(ec, 3).getData().get(EngineConfig.PROPERTIES))
        .contains(".svc.corp.example");
  }
}
