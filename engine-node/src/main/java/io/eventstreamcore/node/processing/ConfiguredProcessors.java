package io.eventstreamcore.node.processing;

import io.eventstreamcore.node.config.NodeConfig;
import io.eventstreamcore.node.storage.EventStore;
import io.eventstreamcore.protocol.Event;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/** The in-engine processors this node's settings turn on, each running under a host of its own. */
public final class ConfiguredProcessors implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ConfiguredProcessors.class);

  /** Before the node has started any: no processors, no aggregates. */
  public static final ConfiguredProcessors NONE = new ConfiguredProcessors(List.of(), null);

  private final List<ProcessorHost> hosts;
  private final WindowedAggregates aggregates;

  private ConfiguredProcessors(List<ProcessorHost> hosts, WindowedAggregates aggregates) {
    this.hosts = hosts;
    this.aggregates = aggregates;
  }

  /**
   * Starts the aggregates (when topics are configured for them) and the alert rules (when any are
   * configured); each host resumes its processor while this node leads.
   *
   * @param alerts produces an alert event into the engine's internal topic
   */
  public static ConfiguredProcessors start(
      NodeConfig.Processors pc,
      EventStore store,
      NodeServices services,
      Consumer<Event> alerts,
      MeterRegistry meters) {
    List<EventProcessor> enabled = new ArrayList<>();
    WindowedAggregates aggregates =
        pc.aggregates()
            .topics()
            .map(
                topics ->
                    new WindowedAggregates(
                        new TopicPatterns(topics),
                        pc.aggregates().window().toMillis(),
                        pc.aggregates().retain(),
                        meters,
                        System::currentTimeMillis))
            .orElse(null);
    if (aggregates != null) {
      enabled.add(aggregates);
    }
    pc.alerts()
        .rules()
        .ifPresent(
            rules ->
                enabled.add(
                    new AlertRules(
                        rules.stream().map(AlertRule::parse).toList(),
                        pc.alerts().window().toMillis(),
                        store::endOffset,
                        alerts,
                        meters,
                        System::currentTimeMillis)));
    ProcessorHost.Settings settings =
        new ProcessorHost.Settings(pc.maxAttempts(), pc.firstBackoff(), pc.checkpointInterval());
    List<ProcessorHost> hosts = new ArrayList<>();
    for (EventProcessor p : enabled) {
      ProcessorHost host =
          new ProcessorHost(p, store, services, settings, new ProcessorMetrics(meters, p.name()));
      ProcessorMetrics.registerLag(meters, p.name(), host, ProcessorHost::lag);
      hosts.add(host);
      host.start();
    }
    return new ConfiguredProcessors(List.copyOf(hosts), aggregates);
  }

  public List<ProcessorHost> hosts() {
    return hosts;
  }

  /** The aggregates processor, or null when no topics are configured for it. */
  public WindowedAggregates aggregates() {
    return aggregates;
  }

  /** Whether the aggregates processor runs here now: on the leader, once resumed. */
  public boolean aggregatesRunning() {
    return aggregates != null
        && hosts.stream().filter(h -> h.processor() == aggregates).anyMatch(ProcessorHost::active);
  }

  @Override
  public void close() {
    for (ProcessorHost host : hosts) {
      try {
        host.close();
      } catch (RuntimeException e) {
        LOG.warn("closing processor " + host.processor().name() + " failed", e);
      }
    }
  }
}
