package io.sockscope.tls;

import java.time.Instant;

/**
 * The latest three-way comparison of one certificate file: the leaf of each view (null when not
 * known) and which one differs. Public facts only: fingerprints and dates, never key material.
 *
 * @param fileLeaf the file's first certificate (the served leaf, {@link CertificateFile}), or null
 * @param secretLeaf the Secret key's leaf as the namespace prober published it, or null
 * @param servedLeaf the leaf presented on the local port, or null (not compared, or no handshake)
 */
public record FileParity(
    CertificateFileCheck check,
    CertificateFacts fileLeaf,
    SecretFingerprints.Leaf secretLeaf,
    CertificateFacts servedLeaf,
    Differs differs,
    Instant checkedAt) {

  public String file() {
    return check.file().toString();
  }
}
