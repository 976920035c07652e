package io.sockscope.kubernetes;

import java.time.Instant;

/**
 * One certificate stored in a Secret or a ConfigMap: public facts only.
 *
 * @param key the data key that holds it ({@code tls.crt}, {@code ca.crt}, {@code keystore.p12})
 * @param index its position in that key's bundle or keystore (0 = first)
 * @param fingerprintSha256 lower-case hex SHA-256 of the DER encoding
 */
public record StoredCert(
    String namespace, StoredKind kind, String name, String key, int index, Instant notBefore,
    Instant notAfter, String fingerprintSha256, String subject, String issuer, String serial) {}
