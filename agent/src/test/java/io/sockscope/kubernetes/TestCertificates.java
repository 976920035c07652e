package io.sockscope.kubernetes;

import io.sockscope.tls.CertificateFacts;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Self-signed leaf certificates with exact dates, made with BouncyCastle for each test. */
record TestCertificates(X509Certificate certificate, KeyPair keys) {

  static TestCertificates create(String cn, Instant notBefore, Instant notAfter) throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(256);
    KeyPair keys = gen.generateKeyPair();
    var builder = new JcaX509v3CertificateBuilder(new X500Name("CN=" + cn),
        BigInteger.valueOf(notAfter.getEpochSecond()), Date.from(notBefore), Date.from(notAfter),
        new X500Name("CN=" + cn), keys.getPublic());
    builder.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName(GeneralName.dNSName, cn)));
    var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate());
    X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    return new TestCertificates(cert, keys);
  }

  String certificatePem() throws Exception {
    return pem(certificate);
  }

  String privateKeyPem() throws Exception {
    return pem(keys.getPrivate());
  }

  /** The Secret's {@code tls.crt} value (base64 of the PEM). */
  String tlsCrt() throws Exception {
    return Base64.getEncoder().encodeToString(certificatePem().getBytes());
  }

  String tlsKey() throws Exception {
    return Base64.getEncoder().encodeToString(privateKeyPem().getBytes());
  }

  String fingerprint() throws Exception {
    return CertificateFacts.sha256(certificate);
  }

  /** A server context that presents this certificate. */
  SSLContext serverContext() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("leaf", keys.getPrivate(), new char[0], new X509Certificate[] {certificate});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  private static String pem(Object o) throws Exception {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    }
    return out.toString();
  }
}
