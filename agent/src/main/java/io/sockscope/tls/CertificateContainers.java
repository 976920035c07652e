package io.sockscope.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The certificates inside stored content: a PEM bundle (any text around the blocks; private key
 * blocks are skipped, never decoded), one DER certificate, a PKCS#12 or a JKS keystore. Keystores
 * are opened for their certificates only: the certificate entries and the chain of each key entry,
 * which the JDK hands out without the key's password; {@code getKey} is never called, so a
 * private key is never decrypted.
 */
public final class CertificateContainers {
  private static final Pattern CERT_BLOCK = Pattern.compile(
      "-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+)-----END CERTIFICATE-----");
  private static final byte[] JKS_MAGIC = {(byte) 0xfe, (byte) 0xed, (byte) 0xfe, (byte) 0xed};

  /** What a content turned out to be. */
  public enum Format {
    PEM,
    DER,
    PKCS12,
    JKS;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Certificates in file order (keystores: by alias, each chain leaf first). */
  public record Contents(Format format, List<X509Certificate> certificates) {}

  private CertificateContainers() {}

  /** True when {@code content} holds at least one PEM certificate block. */
  public static boolean isPem(byte[] content) {
    return new String(content, StandardCharsets.ISO_8859_1).contains("-----BEGIN CERTIFICATE-----");
  }

  /**
   * Reads {@code content}. {@code passwords} are tried in order for a keystore (null = open a JKS
   * without checking its integrity, which still gives its certificates); the caller clears them.
   *
   * @throws GeneralSecurityException when no format fits or no password opens the keystore (the
   *     message never quotes the content)
   */
  public static Contents read(byte[] content, List<char[]> passwords)
      throws GeneralSecurityException {
    if (isPem(content)) {
      return new Contents(Format.PEM, pem(new String(content, StandardCharsets.ISO_8859_1)));
    }
    if (startsWith(content, JKS_MAGIC)) {
      return new Contents(Format.JKS, keystore("JKS", content, passwords));
    }
    if (content.length > 0 && content[0] == 0x30) { // DER SEQUENCE: a certificate or a PFX
      try {
        var cert = CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(content));
        return new Contents(Format.DER, List.of((X509Certificate) cert));
      } catch (GeneralSecurityException e) {
        return new Contents(Format.PKCS12, keystore("PKCS12", content, passwords));
      }
    }
    throw new GeneralSecurityException("neither PEM, DER, PKCS#12 nor JKS");
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

  private static List<X509Certificate> keystore(String type, byte[] content, List<char[]> passwords)
      throws GeneralSecurityException {
    GeneralSecurityException last = null;
    for (char[] password : passwords) {
      try {
        KeyStore ks = KeyStore.getInstance(type);
        ks.load(new ByteArrayInputStream(content), password);
        return certificatesOf(ks);
      } catch (IOException | GeneralSecurityException e) {
        // A wrong password shows as an IOException (PKCS#12 MAC, JKS integrity): try the next.
        last = new GeneralSecurityException(type + " keystore: " + e.getClass().getSimpleName());
      }
    }
    throw last != null ? last : new GeneralSecurityException(type + " keystore: no password");
  }

  private static List<X509Certificate> certificatesOf(KeyStore ks) throws GeneralSecurityException {
    Map<String, X509Certificate> unique = new LinkedHashMap<>();
    List<String> aliases = Collections.list(ks.aliases());
    Collections.sort(aliases);
    for (String alias : aliases) {
      Certificate[] chain = ks.isKeyEntry(alias)
          ? ks.getCertificateChain(alias)
          : new Certificate[] {ks.getCertificate(alias)};
      if (chain == null) {
        continue; // a secret-key entry: no certificate
      }
      for (Certificate c : chain) {
        if (c instanceof X509Certificate x) {
          unique.putIfAbsent(CertificateFacts.sha256(x), x);
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
