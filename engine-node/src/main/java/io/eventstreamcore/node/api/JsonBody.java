package io.eventstreamcore.node.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;

/**
 * A request body read strictly: as UTF-8 bytes, so invalid UTF-8 is refused rather than stored as
 * U+FFFD, and with nothing allowed after the JSON value.
 */
final class JsonBody {
  private JsonBody() {}

  /**
   * @throws BadRequestProblem when the body is empty or not one valid JSON value
   */
  static JsonNode read(ObjectMapper json, byte[] body) {
    if (body == null || body.length == 0) {
      throw new BadRequestProblem("the body is empty");
    }
    ObjectReader reader = json.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    try {
      JsonNode node = reader.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw new BadRequestProblem("the body is empty");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new BadRequestProblem("the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadRequestProblem("the body could not be read: " + e.getMessage());
    }
  }

  /** The body as a JSON object. */
  static JsonNode object(ObjectMapper json, byte[] body) {
    JsonNode node = read(json, body);
    if (!node.isObject()) {
      throw new BadRequestProblem("the body must be a JSON object");
    }
    return node;
  }

  /** A string field that must be there and not blank. */
  static String text(JsonNode object, String name) {
    JsonNode value = object.get(name);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new BadRequestProblem("the body needs a string field '" + name + "'");
    }
    return value.asText();
  }
}
