package io.eventstreamcore.node;

import jakarta.ws.rs.BadRequestException;

/**
 * A whole-number query parameter, read here rather than by the REST layer: a value it cannot
 * convert would otherwise be answered 404 with an empty body, as if the path did not exist.
 */
public final class QueryNumber {
  private QueryNumber() {}

  /**
   * @param raw the parameter as sent, or null when absent
   * @return {@code absent} when the parameter is not given
   * @throws BadRequestException when it is not a whole number within {@code min..max}
   */
  public static long of(String name, String raw, long absent, long min, long max) {
    if (raw == null) {
      return absent;
    }
    try {
      long value = Long.parseLong(raw.strip());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below, with the range
    }
    throw new BadRequestException(
        name + " must be a whole number within " + min + ".." + max + ", got '" + raw + "'");
  }
}
