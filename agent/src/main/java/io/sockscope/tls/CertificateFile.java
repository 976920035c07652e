package io.sockscope.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one loader of stored certificates, as facts only: a PEM bundle (a CA bundle, {@code tls.crt},
 * a combined cert+key file; any text around the blocks), one DER certificate, a PKCS#12 or a JKS
 * keystore. It reads the sidecar's mounted files and the values of Secrets and ConfigMaps alike, so
 * the file and the Secret it comes from are read the same way and compare (three-way parity,
 * docs/sidecar.md). Every certificate keeps its own dates, so a bundle of three CAs says when each
 * expires.
 *
 * <p>Private keys are never read: PEM key blocks are skipped, never decoded, and keystores are
 * opened for their certificates only (the chain of each key entry and the certificate entries,
 * which the JDK hands out without a key password; {@code getKey} is never called).
 *
 * <p>Order, the same for every source: PEM and DER in file order; keystores key entries first (by
 * alias, each chain leaf first), then certificate entries (by alias). So the first certificate is
 * the leaf a server presents, in a PEM {@code tls.crt} as in cert-manager's keystores (whose trusted
 * {@code ca} alias sorts before its key entry {@code certificate}). Duplicates are kept once.
 */
public final class CertificateFile {

  /** A keystore or bundle bigger than this is not a certificate file (protects memory). */
  static final int MAX_BYTES = 16 * 1024 * 1024;

  private static final Pattern CERT_BLOCK = Pattern.compile(
      "-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+)-----END CERTIFICATE-----");
  private static final byte[] JKS_MAGIC = {(byte) 0xfe, (byte) 0xed, (byte) 0xfe, (byte) 0xed};

  /** How the content is encoded. */
  public enum Format {
    PEM,
    DER,
    PKCS12,
    JKS;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

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
  public record Entry(String name, X509Certificate certificate, CertificateFacts facts) {
    Entry(String name, X509Certificate certificate) {
      this(name, certificate, CertificateFacts.of(certificate));
    }
  }

  /** What a content turned out to be, and its certificates in the order above. */
  public record Contents(Format format, List<Entry> entries) {
    public Contents {
      entries = List.copyOf(entries);
    }

    public List<X509Certificate> certificates() {
      return entries.stream().map(Entry::certificate).toList();
    }
  }

  private CertificateFile() {}

  /** The certificates of {@code file}, in the order above, each once. */
  public static List<CertificateFacts> read(Path file, Format format, KeystorePassword password)
      throws IOException, GeneralSecurityException {
    return entries(file, format, password).stream().map(Entry::facts).toList();
  }

  /** The certificates of {@code file} with their names (aliases, positions). */
  public static List<Entry> entries(Path file, Format format, KeystorePassword password)
      throws IOException, GeneralSecurityException {
    if (Files.size(file) > MAX_BYTES) {
      throw new IOException(file + ": larger than " + MAX_BYTES + " bytes, not a certificate file");
    }
    byte[] content = Files.readAllBytes(file);
    char[] secret = password.chars();
    List<char[]> passwords = new ArrayList<>();
    passwords.add(secret);
    try {
      return read(content, format, passwords).entries();
    } catch (GeneralSecurityException e) {
      // name the file; our messages and the JDK's never carry the password
      throw new IOException(file + " (" + format.label() + "): " + e.getMessage(), e);
    } finally {
      if (secret != null) {
        Arrays.fill(secret, '\0');
      }
    }
  }

  /** True when {@code content} holds at least one PEM certificate block. */
  public static boolean isPem(byte[] content) {
    return new String(content, StandardCharsets.ISO_8859_1).contains("-----BEGIN CERTIFICATE-----");
  }

  /**
   * Reads {@code content} as {@code format}, or finds the format when it is null (PEM blocks, the
   * JKS magic, else a DER certificate, else PKCS#12). {@code passwords} are tried in order for a
   * keystore (null = open it without checking its integrity, which still gives a JKS's
   * certificates); the caller clears them.
   *
   * @throws GeneralSecurityException when the format does not fit, no password opens the keystore
   *     or there is no certificate (the message never quotes the content)
   */
  public static Contents read(byte[] content, Format format, List<char[]> passwords)
      throws GeneralSecurityException {
    Format f = format != null ? format : detect(content);
    List<Entry> entries = switch (f) {
      case PEM -> pemEntries(content);
      case DER -> List.of(new Entry("#0", der(content)));
      case PKCS12 -> keystore("PKCS12", content, passwords);
      case JKS -> keystore("JKS", content, passwords);
    };
    return new Contents(f, entries);
  }

  private static Format detect(byte[] content) throws GeneralSecurityException {
    if (isPem(content)) {
      return Format.PEM;
    }
    if (startsWith(content, JKS_MAGIC)) {
      return Format.JKS;
    }
    if (content.length > 0 && content[0] == 0x30) { // DER SEQUENCE: a certificate or a PFX
      try {
        der(content);
        return Format.DER;
      } catch (GeneralSecurityException e) {
        return Format.PKCS12;
      }
    }
    throw new GeneralSecurityException("neither PEM, DER, PKCS#12 nor JKS");
  }

  private static X509Certificate der(byte[] content) throws GeneralSecurityException {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(content));
  }

  /** Every CERTIFICATE block, in order. */
  public static List<X509Certificate> pem(String text) throws GeneralSecurityException {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    List<X509Certificate> out = new ArrayList<>();
    var m = CERT_BLOCK.matcher(text);
    while (m.find()) {
      byte[] der;
      try {
        der = Base64.getMimeDecoder().decode(m.group(1));
      } catch (IllegalArgumentException e) {
        throw new GeneralSecurityException("certificate block " + out.size() + " is not base64");
      }
      out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
    }
    return List.copyOf(out);
  }

  /** The certificates as PEM text: what is kept of a Secret or ConfigMap key. */
  public static String toPem(List<X509Certificate> certificates) throws GeneralSecurityException {
    StringBuilder out = new StringBuilder();
    Base64.Encoder b64 = Base64.getMimeEncoder(64, new byte[] {'\n'});
    for (X509Certificate c : certificates) {
      out.append("-----BEGIN CERTIFICATE-----\n").append(b64.encodeToString(c.getEncoded()))
          .append("\n-----END CERTIFICATE-----\n");
    }
    return out.toString();
  }

  private static List<Entry> pemEntries(byte[] content) throws GeneralSecurityException {
    List<X509Certificate> certs = pem(new String(content, StandardCharsets.ISO_8859_1));
    if (certs.isEmpty()) {
      throw new GeneralSecurityException("no PEM CERTIFICATE block");
    }
    Map<String, Entry> unique = new LinkedHashMap<>();
    for (int i = 0; i < certs.size(); i++) {
      Entry e = new Entry("#" + i, certs.get(i));
      unique.putIfAbsent(e.facts().fingerprintSha256(), e);
    }
    return List.copyOf(unique.values());
  }

  private static List<Entry> keystore(String type, byte[] content, List<char[]> passwords)
      throws GeneralSecurityException {
    GeneralSecurityException last = null;
    for (char[] password : passwords) {
      KeyStore ks;
      try {
        ks = KeyStore.getInstance(type);
        ks.load(new ByteArrayInputStream(content), password);
      } catch (IOException | GeneralSecurityException e) {
        // A wrong password shows as an IOException (PKCS#12 MAC, JKS integrity): try the next.
        // Only the class name: a parser's message may quote bytes of the content.
        last = new GeneralSecurityException(type + " keystore: " + e.getClass().getSimpleName());
        continue;
      }
      return entriesOf(ks);
    }
    throw last != null ? last : new GeneralSecurityException(type + " keystore: no password");
  }

  private static List<Entry> entriesOf(KeyStore ks) throws GeneralSecurityException {
    List<String> aliases = Collections.list(ks.aliases());
    Collections.sort(aliases);
    Map<String, Entry> unique = new LinkedHashMap<>();
    for (boolean keyEntries : new boolean[] {true, false}) {
      for (String alias : aliases) {
        if (ks.isKeyEntry(alias) != keyEntries) {
          continue;
        }
        Certificate[] chain = keyEntries
            ? ks.getCertificateChain(alias)
            : new Certificate[] {ks.getCertificate(alias)};
        if (chain == null) {
          continue; // a secret-key entry: no certificate
        }
        for (int i = 0; i < chain.length; i++) {
          if (chain[i] instanceof X509Certificate x) {
            Entry e = new Entry(i == 0 ? alias : alias + "#" + i, x);
            unique.putIfAbsent(e.facts().fingerprintSha256(), e);
          }
        }
      }
    }
    if (unique.isEmpty()) {
      throw new GeneralSecurityException("keystore holds no certificate");
    }
    return List.copyOf(unique.values());
  }

  private static boolean startsWith(byte[] content, byte[] prefix) {
    if (content.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (content[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
