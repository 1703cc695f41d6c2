package io.raftray.pki;

import java.math.BigInteger;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.util.IPAddress;

/** Serials and node certificate extensions, shared by the issuing paths of {@link ClusterCa}. */
final class Certificates {
  static final int MAX_HOST_NAMES = 64;

  private static final Pattern DNS_NAME =
      Pattern.compile(
          "(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");

  private Certificates() {}

  /** A positive random 128-bit serial (RFC 5280 allows up to 20 octets). */
  static BigInteger randomSerial() {
    BigInteger serial;
    do {
      serial = new BigInteger(128, KeyPairs.random());
    } while (serial.signum() == 0);
    return serial;
  }

  static void addNodeExtensions(
      X509v3CertificateBuilder builder,
      PublicKey nodeKey,
      X509Certificate caCertificate,
      NodeUri uri,
      Collection<String> hostNames)
      throws CertIOException, NoSuchAlgorithmException, CertificateEncodingException {
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri.toString()));
    names.addAll(hostNames(hostNames));
    JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
    builder
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
        .addExtension(
            Extension.extendedKeyUsage,
            false,
            new ExtendedKeyUsage(
                new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
        .addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(names.toArray(GeneralName[]::new)))
        .addExtension(
            Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(nodeKey))
        .addExtension(
            Extension.authorityKeyIdentifier,
            false,
            utils.createAuthorityKeyIdentifier(caCertificate));
  }

  /**
   * IP SANs for IP literals (IPv6 optionally in brackets), DNS SANs for host names; duplicates
   * dropped. IP literals are recognised textually, so nothing here resolves a name.
   */
  static List<GeneralName> hostNames(Collection<String> hostNames) {
    if (hostNames == null) {
      return List.of();
    }
    if (hostNames.size() > MAX_HOST_NAMES) {
      throw new PkiException("too many host names (max " + MAX_HOST_NAMES + ")");
    }
    Set<String> seen = new LinkedHashSet<>();
    List<GeneralName> names = new ArrayList<>();
    for (String raw : hostNames) {
      if (raw == null || raw.isBlank()) {
        throw new PkiException("host name must not be blank");
      }
      String host = raw.strip().toLowerCase(Locale.ROOT);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      if (!seen.add(host)) {
        continue;
      }
      if (IPAddress.isValid(host)) {
        names.add(new GeneralName(GeneralName.iPAddress, host));
      } else {
        String dns = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (!DNS_NAME.matcher(dns).matches()) {
          throw new PkiException("invalid host name for a certificate: '" + raw + "'");
        }
        names.add(new GeneralName(GeneralName.dNSName, dns));
      }
    }
    return names;
  }
}
