package io.sockscope.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/** Why a list or watch failed: the {@code reason} label of sockscope_kubernetes_errors_total. */
public enum ErrorReason {
  UNAUTHORIZED,
  FORBIDDEN,
  NOT_FOUND,
  GONE,
  THROTTLED,
  SERVER_ERROR,
  UNREACHABLE,
  TIMEOUT,
  OTHER;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The first HTTP status or I/O failure found along the cause chain. */
  static ErrorReason of(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof KubernetesClientException k && k.getCode() > 0) {
        return ofStatus(k.getCode());
      }
      if (t instanceof ConnectException || t instanceof UnknownHostException) {
        return UNREACHABLE;
      }
      if (t instanceof TimeoutException || t instanceof java.net.SocketTimeoutException) {
        return TIMEOUT;
      }
    }
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof IOException) {
        return UNREACHABLE;
      }
    }
    return OTHER;
  }

  static ErrorReason ofStatus(int code) {
    return switch (code) {
      case 401 -> UNAUTHORIZED;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 410 -> GONE;
      case 429 -> THROTTLED;
      default -> code >= 500 ? SERVER_ERROR : OTHER;
    };
  }
}
