package io.eventstreamcore.operator.children;

import io.eventstreamcore.operator.crd.EventCluster;
import io.eventstreamcore.operator.crd.EventClusterSpec;
import io.eventstreamcore.operator.crd.EventClusterSpec.PodTemplate;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The engine pods. Stable names give the static Raft peer list; pods start in parallel (a Raft
 * group needs a quorum up before any member is ready); the engines run as a non-root user with a
 * read-only root file system and their data on a volume.
 */
public final class EngineStatefulSet {
  /** The uid the engine image runs as (image.uid in the build), unless the platform assigns one. */
  static final long IMAGE_USER = 185L;

  public static final String DATA_VOLUME = "data";
  static final String CONFIG_VOLUME = "config";
  // The root file system is read-only; the JVM and Vert.x still need a scratch directory.
  static final String TMP_VOLUME = "tmp";
  static final String TLS_VOLUME = "tls";
  static final String AUTH_VOLUME = "auth";

  private EngineStatefulSet() {}

  public static StatefulSet desired(EventCluster ec, String configHash) {
    EventClusterSpec s = ec.getSpec();
    Map<String, String> podLabels = new LinkedHashMap<>(s.podTemplate.labels);
    podLabels.putAll(Names.selector(ec));
    Map<String, String> podAnnotations = new LinkedHashMap<>(s.podTemplate.annotations);
    podAnnotations.put(Names.CONFIG_HASH, configHash);
    return new StatefulSetBuilder()
        .withMetadata(Names.metadata(ec, Names.cluster(ec)))
        .withNewSpec()
        .withReplicas(s.replicas)
        .withServiceName(Names.peers(ec))
        .withPodManagementPolicy("Parallel")
        // The operator restarts pods itself, in an order and at a pace Raft can take.
        .withNewUpdateStrategy()
        .withType("OnDelete")
        .endUpdateStrategy()
        .withNewPersistentVolumeClaimRetentionPolicy()
        .withWhenDeleted(s.storage.onDelete.name())
        .withWhenScaled(s.storage.onScaleDown.name())
        .endPersistentVolumeClaimRetentionPolicy()
        .withNewSelector()
        .withMatchLabels(Names.selector(ec))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels)
        .withAnnotations(podAnnotations)
        .endMetadata()
        .withNewSpec()
        .withServiceAccountName(Names.cluster(ec))
        .withImagePullSecrets(s.podTemplate.imagePullSecrets)
        .withPriorityClassName(s.podTemplate.priorityClassName)
        .withAutomountServiceAccountToken(false)
        .withNewSecurityContext()
        .withRunAsNonRoot(true)
        .withRunAsUser(s.podTemplate.platformAssignsUser ? null : IMAGE_USER)
        .withFsGroup(s.podTemplate.platformAssignsUser ? null : IMAGE_USER)
        // Pod Security "restricted" requires it; the container drops every capability below.
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withTerminationGracePeriodSeconds(30L)
        .withContainers(engine(ec))
        .addNewVolume()
        .withName(CONFIG_VOLUME)
        .withNewConfigMap()
        .withName(Names.cluster(ec))
        .endConfigMap()
        .endVolume()
        .addNewVolume()
        .withName(TMP_VOLUME)
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .addAllToVolumes(secretVolumes(ec))
        .withNodeSelector(s.podTemplate.nodeSelector)
        .withTolerations(s.podTemplate.tolerations)
        .withAffinity(affinity(ec))
        .withTopologySpreadConstraints(s.podTemplate.topologySpreadConstraints)
        .endSpec()
        .endTemplate()
        .withVolumeClaimTemplates(volume(ec))
        .endSpec()
        .build();
  }

  private static Container engine(EventCluster ec) {
    EventClusterSpec s = ec.getSpec();
    int http = s.listeners.httpPort;
    return new ContainerBuilder()
        .withName("engine")
        .withImage(s.image)
        .withImagePullPolicy(
            s.podTemplate.imagePullPolicy == null ? null : s.podTemplate.imagePullPolicy.name())
        // The user's variables first: ours, below, win where the names are the same.
        .addAllToEnv(s.podTemplate.env)
        .addNewEnv()
        .withName("ESC_NODE_ID")
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath("metadata.name")
        .endFieldRef()
        .endValueFrom()
        .endEnv()
        .addNewEnv()
        .withName("ESC_NODE_DATA_DIR")
        .withValue(EngineConfig.DATA_DIR)
        .endEnv()
        .addNewEnv()
        .withName("QUARKUS_CONFIG_LOCATIONS")
        .withValue(EngineConfig.MOUNT + "/" + EngineConfig.PROPERTIES)
        .endEnv()
        .addNewEnv()
        .withName("JAVA_TOOL_OPTIONS")
        .withValue(s.jvmOptions)
        .endEnv()
        .addNewPort()
        .withName("client")
        .withContainerPort(s.listeners.clientPort)
        .endPort()
        .addNewPort()
        .withName("http")
        .withContainerPort(http)
        .endPort()
        .addNewPort()
        .withName("raft")
        .withContainerPort(s.listeners.raftPort)
        .endPort()
        .addNewPort()
        .withName("dedup")
        .withContainerPort(s.listeners.raftPort + PeerService.DEDUP_PORT_OFFSET)
        .endPort()
        .withResources(s.resources)
        .withStartupProbe(probe("/q/health/started", ec, 60))
        .withLivenessProbe(probe("/q/health/live", ec, 3))
        .withReadinessProbe(probe("/q/health/ready", ec, 3))
        .withVolumeMounts(secretMounts(ec))
        .addNewVolumeMount()
        .withName(DATA_VOLUME)
        .withMountPath(EngineConfig.DATA_DIR)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName(CONFIG_VOLUME)
        .withMountPath(EngineConfig.MOUNT)
        .withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName(TMP_VOLUME)
        .withMountPath("/tmp")
        .endVolumeMount()
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .addToDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .build();
  }

  /**
   * The user's affinity if given; otherwise engines prefer different nodes, so losing one node
   * costs one member, not the quorum. Preferred rather than required: a small cluster with fewer
   * nodes than members still schedules.
   */
  private static Affinity affinity(EventCluster ec) {
    PodTemplate t = ec.getSpec().podTemplate;
    if (t.affinity != null || !t.topologySpreadConstraints.isEmpty()) {
      return t.affinity;
    }
    return new AffinityBuilder()
        .withNewPodAntiAffinity()
        .addNewPreferredDuringSchedulingIgnoredDuringExecution()
        .withWeight(100)
        .withNewPodAffinityTerm()
        .withTopologyKey("kubernetes.io/hostname")
        .withNewLabelSelector()
        .withMatchLabels(Names.selector(ec))
        .endLabelSelector()
        .endPodAffinityTerm()
        .endPreferredDuringSchedulingIgnoredDuringExecution()
        .endPodAntiAffinity()
        .build();
  }

  /** The certificate and the users file, when the cluster runs secured; read-only. */
  private static List<VolumeMount> secretMounts(EventCluster ec) {
    if (!ec.getSpec().security.enabled) {
      return List.of();
    }
    return List.of(
        new VolumeMountBuilder()
            .withName(TLS_VOLUME)
            .withMountPath(EngineSecrets.TLS_MOUNT)
            .withReadOnly(true)
            .build(),
        new VolumeMountBuilder()
            .withName(AUTH_VOLUME)
            .withMountPath(EngineSecrets.AUTH_MOUNT)
            .withReadOnly(true)
            .build());
  }

  private static List<Volume> secretVolumes(EventCluster ec) {
    if (!ec.getSpec().security.enabled) {
      return List.of();
    }
    return List.of(
        new VolumeBuilder()
            .withName(TLS_VOLUME)
            .withNewSecret()
            .withSecretName(EngineSecrets.tlsName(ec))
            .withDefaultMode(0440)
            .endSecret()
            .build(),
        new VolumeBuilder()
            .withName(AUTH_VOLUME)
            .withNewSecret()
            .withSecretName(EngineSecrets.authName(ec))
            .withDefaultMode(0440)
            .endSecret()
            .build());
  }

  private static Probe probe(String path, EventCluster ec, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withNewPort(ec.getSpec().listeners.httpPort)
        .withScheme(Names.httpScheme(ec).toUpperCase(java.util.Locale.ROOT))
        .endHttpGet()
        .withPeriodSeconds(5)
        // The default of 1 s is missed by a JVM in a long GC pause or on a busy node.
        .withTimeoutSeconds(5)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  private static PersistentVolumeClaim volume(EventCluster ec) {
    EventClusterSpec.Storage st = ec.getSpec().storage;
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(DATA_VOLUME)
        .withLabels(Names.selector(ec))
        .endMetadata()
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withStorageClassName(st.storageClass)
        .withNewResources()
        .addToRequests("storage", new Quantity(st.size))
        .endResources()
        .endSpec()
        .build();
  }
}
