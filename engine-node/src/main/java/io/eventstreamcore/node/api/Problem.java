package io.eventstreamcore.node.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.eventstreamcore.protocol.ErrorCode;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** An RFC 7807 problem document; {@code code} is the protocol's error code name. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    String type, String title, int status, String detail, String code, List<?> results) {
  public static final String MEDIA_TYPE = "application/problem+json";

  static Response response(int status, String title, String detail, String code, List<?> results) {
    // A protocol error names its code; the REST layer's own refusals name their status.
    String kind =
        code != null
            ? code
            : Optional.ofNullable(Response.Status.fromStatusCode(status))
                .map(Response.Status::name)
                .orElse("HTTP_" + status);
    String type = "urn:eventstreamcore:problem:" + kind.toLowerCase(Locale.ROOT).replace('_', '-');
    return Response.status(status)
        .type(MEDIA_TYPE)
        .entity(new Problem(type, title, status, detail, code, results))
        .build();
  }

  static int statusOf(ErrorCode code) {
    return switch (code) {
      case OFFSET_OUT_OF_RANGE -> 416;
      case EVENT_TOO_LARGE -> 413;
      case TIMEOUT -> 504;
      case OVERLOADED -> 429;
      case NOT_LEADER, UNAVAILABLE -> 503;
      case STORAGE_FULL -> 507;
      case INTERNAL -> 500;
      default -> 400;
    };
  }
}
