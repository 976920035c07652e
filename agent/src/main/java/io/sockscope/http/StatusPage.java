package io.sockscope.http;

/** Renders {@code /}: server-side HTML, no external assets. */
@FunctionalInterface
public interface StatusPage {
  String render();
}
