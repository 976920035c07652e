package io.sockscope.tls;

import java.nio.file.Path;

/**
 * One certificate file to compare three ways (docs/sidecar.md, "Certificate files").
 *
 * @param file the file as the sidecar sees it; its path is the {@code file} label
 * @param secret the Secret it comes from, in the pod's namespace
 * @param key the Secret's data key
 * @param served the pod's own TLS port on localhost, or null: the served side is not compared
 */
public record CertificateFileCheck(
    Path file,
    CertificateFile.Format format,
    KeystorePassword password,
    String secret,
    String key,
    ProbeTarget served) {}
