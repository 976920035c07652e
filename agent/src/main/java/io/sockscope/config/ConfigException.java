package io.sockscope.config;

/** An invalid configuration; the message is one line that names the key. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
