package io.sockscope.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a keystore's password comes from, never the password itself: it is read at each use (a
 * rotated password file is picked up), handed to the JDK's {@code KeyStore.load} and dropped. The
 * value never reaches a log line, a label, an exception message or {@link #toString()}.
 *
 * @param file a file holding the password (one trailing newline is not part of it), or null
 * @param env an environment variable holding it, or null
 */
public record KeystorePassword(Path file, String env) {
  public KeystorePassword {
    if (file != null && env != null) {
      throw new IllegalArgumentException(
          "a keystore password comes from a file or a variable, not both");
    }
  }

  /** No password: PEM, or a keystore read without its integrity check (certificates only). */
  public static KeystorePassword none() {
    return new KeystorePassword(null, null);
  }

  public static KeystorePassword fromFile(Path file) {
    return new KeystorePassword(Objects.requireNonNull(file, "file"), null);
  }

  public static KeystorePassword fromEnv(String variable) {
    return new KeystorePassword(null, Objects.requireNonNull(variable, "variable"));
  }

  /** The password now, or null for {@link #none()}; the caller clears the array after use. */
  char[] chars() throws IOException {
    if (file != null) {
      String s = Files.readString(file, StandardCharsets.UTF_8);
      // `echo secret > file` and Kubernetes Secrets made with a trailing newline are common
      return (s.endsWith("\r\n")
              ? s.substring(0, s.length() - 2)
              : s.endsWith("\n") ? s.substring(0, s.length() - 1) : s)
          .toCharArray();
    }
    if (env != null) {
      String v = System.getenv(env);
      if (v == null) {
        throw new IOException("keystore password variable " + env + " is not set");
      }
      return v.toCharArray();
    }
    return null;
  }

  @Override
  public String toString() {
    return file != null
        ? "password from file " + file
        : env != null ? "password from $" + env : "no password";
  }
}
