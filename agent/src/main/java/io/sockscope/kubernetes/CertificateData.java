package io.sockscope.kubernetes;

import io.sockscope.tls.CertificateFile;
import io.sockscope.util.RateLimitedLog;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reduces the data of a Secret or ConfigMap to the certificates it stores, as PEM text per key,
 * before anything keeps the object: private keys (PEM key blocks, keystore key entries), passwords
 * and every other value are dropped. Keystores are read here because their password, another key
 * of the same object, is dropped with the rest.
 */
final class CertificateData {
  private static final RateLimitedLog log =
      RateLimitedLog.perMinute(System.getLogger(CertificateData.class.getName()));
  /** Binary values read as keystores or DER certificates by their key's suffix. */
  private static final List<String> BINARY_SUFFIXES =
      List.of(".p12", ".pfx", ".jks", ".der", ".cer", ".crt");
  /** trust-manager's default truststore password; keytool's customary one. */
  private static final String CONVENTIONAL_PASSWORD = "changeit";

  private CertificateData() {}

  /**
   * Key → PEM certificates for each entry that holds certificates, sorted by key.
   *
   * @param what "secret ns/name" or "configmap ns/name", for the log line (never the content)
   * @param password the keystore password found in the object, or null; cleared by the caller
   */
  static Map<String, String> certificatesOnly(
      String what, Map<String, byte[]> entries, char[] password) {
    Map<String, String> out = new TreeMap<>();
    List<char[]> passwords = new ArrayList<>();
    if (password != null) {
      passwords.add(password);
    }
    passwords.add(null); // JKS: certificates without the integrity check
    passwords.add(new char[0]);
    passwords.add(CONVENTIONAL_PASSWORD.toCharArray());
    entries.forEach((key, value) -> {
      if (value == null || isKeyName(key)
          || !(CertificateFile.isPem(value) || binaryCandidate(key))) {
        return;
      }
      try {
        var contents = CertificateFile.read(value, null, passwords);
        if (!contents.certificates().isEmpty()) {
          out.put(key, CertificateFile.toPem(contents.certificates()));
        }
      } catch (GeneralSecurityException | RuntimeException e) {
        // Only the exception's class and our own message: never the value.
        log.log(Level.WARNING, what + "/" + key, "kubernetes: " + what + ": key " + key
            + " holds no readable certificate (" + safeMessage(e) + "); no series for it");
      }
    });
    Arrays.fill(passwords.getLast(), '\0');
    return out;
  }

  /** {@code tls.key}, {@code server.key}: never kept, whatever they hold (a swapped pair too). */
  private static boolean isKeyName(String key) {
    return key.toLowerCase(Locale.ROOT).endsWith(".key");
  }

  private static boolean binaryCandidate(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return BINARY_SUFFIXES.stream().anyMatch(k::endsWith);
  }

  private static String safeMessage(Exception e) {
    // CertificateFile's messages name formats only; JDK parser messages may quote bytes.
    return e instanceof GeneralSecurityException g && g.getClass() == GeneralSecurityException.class
        ? g.getMessage() : e.getClass().getSimpleName();
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
