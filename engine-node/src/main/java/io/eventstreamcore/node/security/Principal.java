package io.eventstreamcore.node.security;

/** Who made a request, and what it may do. */
public record Principal(String name, Rights rights) {
  /** Everyone, while authentication is off. */
  public static final Principal ANONYMOUS = new Principal("anonymous", Rights.EVERYTHING);
}
