package io.eventstreamcore.node.server;

/**
 * One live subscription on this node: who holds it, what it follows (a topic, or every topic with a
 * prefix) and how many committed events it has not been sent yet.
 */
public record SubscriptionLag(String client, String topic, boolean prefix, long behind) {}
