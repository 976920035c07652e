package io.sockscope.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Certificates stored in a file, as facts only: a PEM bundle (a CA bundle, {@code tls.crt}, a
 * combined cert+key file), a PKCS#12 or a JKS keystore. Every certificate keeps its own dates, so a
 * bundle of three CAs says when each expires. Private keys are never read: PEM key blocks are
 * skipped, and keystore key entries contribute only their certificate chains ({@code
 * getCertificateChain} needs no key password).
 *
 * <p>The entry point for file sources (the sidecar's mounted certificate files, Secrets and
 * ConfigMaps whose bytes are written to a file or read from memory with {@link #read(byte[],
 * Format, KeystorePassword)}): {@code CertificateFile.read(path, Format.of(path), password)}.
 */
public final class CertificateFile {

  /** A keystore or bundle bigger than this is not a certificate file (protects memory). */
  static final int MAX_BYTES = 16 * 1024 * 1024;

  /** How the file is encoded. */
  public enum Format {
    PEM,
    PKCS12,
    JKS;

    /**
     * By extension: {@code .p12}, {@code .pfx} are PKCS#12, {@code .jks} JKS, anything else PEM.
     */
    public static Format of(Path file) {
      String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
      return name.endsWith(".p12") || name.endsWith(".pfx")
          ? PKCS12
          : name.endsWith(".jks") ? JKS : PEM;
    }

    /** A configuration spelling: {@code pem}, {@code pkcs12} (or {@code p12}), {@code jks}. */
    public static Format parse(String s) {
      return switch (s.strip().toLowerCase(Locale.ROOT)) {
        case "pem" -> PEM;
        case "pkcs12", "p12", "pfx" -> PKCS12;
        case "jks" -> JKS;
        default -> throw new IllegalArgumentException("'" + s + "' is none of pem, pkcs12, jks");
      };
    }
  }

  /**
   * One stored certificate.
   *
   * @param name the keystore alias (with {@code #N} for the Nth certificate of a chain after the
   *     first), or {@code #N} for the Nth certificate of a PEM bundle, counted from 0
   */
  public record Entry(String name, CertificateFacts facts) {}

  private CertificateFile() {}

  /** The certificates of {@code file}, in file order (keystores: by alias), each once. */
  public static List<CertificateFacts> read(Path file, Format format, KeystorePassword password)
      throws IOException, GeneralSecurityException {
    return entries(file, format, password).stream().map(Entry::facts).toList();
  }

  /**
   * As {@link #read(Path, Format, KeystorePassword)}, from bytes (a Secret's or ConfigMap's value).
   */
  public static List<CertificateFacts> read(
      byte[] content, Format format, KeystorePassword password)
      throws IOException, GeneralSecurityException {
    return entries(content, format, password).stream().map(Entry::facts).toList();
  }

  /** The certificates of {@code file} with their names (aliases, positions). */
  public static List<Entry> entries(Path file, Format format, KeystorePassword password)
      throws IOException, GeneralSecurityException {
    if (Files.size(file) > MAX_BYTES) {
      throw new IOException(file + ": larger than " + MAX_BYTES + " bytes, not a certificate file");
    }
    try {
      return entries(Files.readAllBytes(file), format, password);
    } catch (IOException | GeneralSecurityException e) {
      // name the file; the JDK's messages never carry the password
      throw new IOException(
          file + " (" + format.name().toLowerCase(Locale.ROOT) + "): " + e.getMessage(), e);
    }
  }

  public static List<Entry> entries(byte[] content, Format format, KeystorePassword password)
      throws IOException, GeneralSecurityException {
    return switch (format) {
      case PEM -> pem(content);
      case PKCS12, JKS -> keystore(content, format, password);
    };
  }

  private static List<Entry> pem(byte[] content) throws GeneralSecurityException {
    // one parser of CERTIFICATE blocks: the one Secrets and ConfigMaps are read with
    List<X509Certificate> certs = CertificateContainers.pem(new String(content, StandardCharsets.US_ASCII));
    if (certs.isEmpty()) {
      throw new GeneralSecurityException("no PEM CERTIFICATE block");
    }
    Map<String, Entry> unique = new LinkedHashMap<>();
    for (int i = 0; i < certs.size(); i++) {
      CertificateFacts f = CertificateFacts.of(certs.get(i));
      unique.putIfAbsent(f.fingerprintSha256(), new Entry("#" + i, f));
    }
    return List.copyOf(unique.values());
  }

  private static List<Entry> keystore(byte[] content, Format format, KeystorePassword password)
      throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance(format == Format.JKS ? "JKS" : "PKCS12");
    char[] secret = password.chars();
    try (InputStream in = new ByteArrayInputStream(content)) {
      ks.load(in, secret);
    } finally {
      if (secret != null) {
        Arrays.fill(secret, '\0');
      }
    }
    List<String> aliases = Collections.list(ks.aliases());
    Collections.sort(aliases);
    Map<String, Entry> unique = new LinkedHashMap<>();
    for (String alias : aliases) {
      Certificate[] chain =
          ks.isKeyEntry(alias)
              ? ks.getCertificateChain(alias)
              : new Certificate[] {ks.getCertificate(alias)};
      if (chain == null) {
        continue; // a secret-key entry: no certificate
      }
      for (int i = 0; i < chain.length; i++) {
        if (chain[i] instanceof X509Certificate x) {
          CertificateFacts f = CertificateFacts.of(x);
          unique.putIfAbsent(f.fingerprintSha256(), new Entry(i == 0 ? alias : alias + "#" + i, f));
        }
      }
    }
    return List.copyOf(unique.values());
  }
}
