package io.eventstreamcore.node.api;

import io.eventstreamcore.node.security.Authenticator;
import io.eventstreamcore.node.security.Principal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;

/**
 * Authenticates every HTTP request and checks it against its {@link AccessRule} before any
 * endpoint, static page or proxy sees it: one place, so no endpoint can forget.
 */
@ApplicationScoped
public class HttpAccess {
  /** Where a handler finds who is calling. */
  public static final String PRINCIPAL = "esc.principal";

  void install(@Observes Router router, Authenticator authenticator) {
    router.route().order(Integer.MIN_VALUE + 1).handler(rc -> check(rc, authenticator));
  }

  private static void check(RoutingContext rc, Authenticator authenticator) {
    AccessRule rule = AccessRule.of(rc.request().method().name(), rc.request().path());
    if (rule.kind() == AccessRule.Kind.OPEN) {
      rc.next();
      return;
    }
    Optional<Principal> who = authenticator.http(rc.request().getHeader("Authorization"));
    if (who.isEmpty()) {
      rc.response()
          .putHeader("WWW-Authenticate", "Basic realm=\"EventStreamCore\", charset=\"UTF-8\"");
      refuse(rc, 401, "Unauthorized", Authenticator.howToAuthenticate());
      return;
    }
    if (!rule.allows(who.get().rights())) {
      refuse(
          rc,
          403,
          "Forbidden",
          "user '"
              + who.get().name()
              + "' may not "
              + rc.request().method()
              + " "
              + rc.request().path()
              + "; it needs "
              + rule.needed());
      return;
    }
    rc.put(PRINCIPAL, who.get());
    rc.next();
  }

  private static void refuse(RoutingContext rc, int status, String title, String detail) {
    JsonObject problem =
        new JsonObject()
            .put(
                "type",
                "urn:eventstreamcore:problem:" + (status == 401 ? "unauthorized" : "forbidden"))
            .put("title", title)
            .put("status", status)
            .put("detail", detail)
            .put("code", status == 401 ? "AUTHENTICATION_FAILED" : "NOT_AUTHORIZED");
    rc.response()
        .setStatusCode(status)
        .putHeader("Content-Type", Problem.MEDIA_TYPE)
        .end(problem.encode());
  }
}
