package io.eventstreamcore.node.dashboard;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code /ui} without its slash would load the page with every relative address one level too high;
 * send the browser to {@code ui/}. Relative, so it holds behind a proxy's path prefix too.
 */
@ApplicationScoped
public class UiRoute {
  void route(@Observes Router router) {
    router
        .get("/ui")
        .handler(
            rc -> {
              if (rc.request().path().equals("/ui")) {
                rc.response().setStatusCode(302).putHeader("Location", "ui/").end();
              } else {
                rc.next();
              }
            });
  }
}
