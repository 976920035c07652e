package io.sockscope.http;

import java.nio.charset.StandardCharsets;

/** What a route answers; the servers only copy it onto the wire. */
record Response(int status, String contentType, byte[] body) {
  static final String TEXT = "text/plain; charset=utf-8";

  static Response text(int status, String body) {
    return new Response(status, TEXT, body.getBytes(StandardCharsets.UTF_8));
  }
}
