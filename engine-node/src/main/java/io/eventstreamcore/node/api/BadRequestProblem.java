package io.eventstreamcore.node.api;

/** Input the HTTP API refuses before it reaches the codec; answered as a 400 problem. */
public class BadRequestProblem extends RuntimeException {
  public BadRequestProblem(String message) {
    super(message);
  }
}
