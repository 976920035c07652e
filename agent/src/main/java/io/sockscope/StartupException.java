package io.sockscope;

/** The agent cannot start (port taken, no readable socket source); one line for the operator. */
public final class StartupException extends RuntimeException {
  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }

  public StartupException(String message) {
    super(message);
  }
}
