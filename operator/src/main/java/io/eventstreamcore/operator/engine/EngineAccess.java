package io.eventstreamcore.operator.engine;

import io.eventstreamcore.protocol.Credential;
import javax.net.ssl.SSLContext;

/** How the operator reaches a secured cluster's admin API: trusting its CA, as its admin. */
public record EngineAccess(SSLContext tls, Credential admin) {}
