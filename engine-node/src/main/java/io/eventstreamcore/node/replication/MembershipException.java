package io.eventstreamcore.node.replication;

/** A membership change that was refused, and whether the cause is an unknown member. */
public final class MembershipException extends RuntimeException {
  private final boolean unknownMember;

  private MembershipException(String message, boolean unknownMember) {
    super(message);
    this.unknownMember = unknownMember;
  }

  static MembershipException refused(String message) {
    return new MembershipException(message, false);
  }

  static MembershipException unknown(String id) {
    return new MembershipException("'" + id + "' is not a member of the group", true);
  }

  public boolean unknownMember() {
    return unknownMember;
  }
}
