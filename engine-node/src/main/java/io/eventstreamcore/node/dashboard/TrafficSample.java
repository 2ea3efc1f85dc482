package io.eventstreamcore.node.dashboard;

import java.util.Map;

/**
 * One second of this node's traffic, as rates per second. Latencies are this node's produce-to-ack
 * percentiles in milliseconds for requests acknowledged in that second, absent when there were
 * none.
 */
public record TrafficSample(
    long at,
    double in,
    double out,
    Map<String, Double> inByTopic,
    Map<String, Double> outByTopic,
    Map<String, Double> inByPriority,
    double shed,
    double deadLettered,
    double dedupHits,
    double dedupMisses,
    long acks,
    Double ackP50Ms,
    Double ackP99Ms,
    Double ackP999Ms) {}
