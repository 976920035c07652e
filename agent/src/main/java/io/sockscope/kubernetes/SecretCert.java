package io.sockscope.kubernetes;

import java.time.Instant;

/**
 * The leaf certificate stored in a TLS Secret's {@code tls.crt}: only public facts, never the key.
 *
 * @param fingerprintSha256 lower-case hex SHA-256 of the DER encoding, no colons
 */
public record SecretCert(
    String namespace, String secret, Instant notBefore, Instant notAfter,
    String fingerprintSha256, String subject) {}
