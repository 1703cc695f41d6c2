package io.raftray.pki;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;

/**
 * One loaded operator certificate: a chain (leaf first) and the leaf's private key, checked to
 * belong together, to be valid now and to name at least one DNS host. Which chain a client gets is
 * decided by {@link #covers}: the leaf's DNS SANs, exact or one-label wildcards ({@code
 * *.example.com} covers {@code a.example.com}, not {@code example.com} or {@code a.b.example.com}).
 *
 * @param id unique per load, so a TLS alias never mixes a key with another load's chain
 */
record PublicCertificate(long id, List<X509Certificate> chain, PrivateKey key, List<String> names) {
  private static final int DNS_NAME = 2;

  PublicCertificate {
    chain = List.copyOf(chain);
    names = List.copyOf(names);
  }

  X509Certificate leaf() {
    return chain.get(0);
  }

  Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }

  /** The serial as lowercase hex, as {@code openssl x509 -serial} shows it (without colons). */
  String serial() {
    return leaf().getSerialNumber().toString(16);
  }

  String keyType() {
    return leaf().getPublicKey().getAlgorithm();
  }

  String alias() {
    return "public-" + id;
  }

  /** Whether the leaf names {@code host} (lowercase, no trailing dot). */
  boolean covers(String host) {
    for (String n : names) {
      if (n.equals(host)) {
        return true;
      }
      if (n.startsWith("*.")) {
        int dot = host.indexOf('.');
        if (dot > 0 && host.substring(dot + 1).equals(n.substring(2))) {
          return true;
        }
      }
    }
    return false;
  }

  /** Reads and checks a pair; the exception names the file and the reason, never key bytes. */
  static PublicCertificate load(long id, Path certFile, Path keyFile, Instant now) {
    List<X509Certificate> chain = PemFiles.readCertificateChain(certFile);
    PrivateKey key = PemFiles.readServerKey(keyFile);
    String what = "certificate file " + certFile;
    for (int i = 0; i < chain.size(); i++) {
      X509Certificate c = chain.get(i);
      String which = i == 0 ? "its certificate" : "chain certificate " + (i + 1);
      try {
        c.checkValidity(Date.from(now));
      } catch (CertificateExpiredException e) {
        throw new PkiException(what + ": " + which + " expired at " + notAfter(c), e);
      } catch (CertificateNotYetValidException e) {
        throw new PkiException(
            what + ": " + which + " is not valid before " + c.getNotBefore().toInstant(), e);
      }
      if (i + 1 < chain.size()) {
        try {
          c.verify(chain.get(i + 1).getPublicKey());
        } catch (GeneralSecurityException e) {
          throw new PkiException(
              what + ": " + which + " is not signed by the next one (is the chain in order?)", e);
        }
      }
    }
    X509Certificate leaf = chain.get(0);
    if (!matches(key, leaf.getPublicKey())) {
      throw new PkiException(
          "key file " + keyFile + " does not match the certificate in " + certFile);
    }
    List<String> names = dnsNames(leaf);
    if (names.isEmpty()) {
      throw new PkiException(what + ": its certificate names no DNS host (subjectAltName)");
    }
    return new PublicCertificate(id, chain, key, names);
  }

  private static Instant notAfter(X509Certificate c) {
    return c.getNotAfter().toInstant();
  }

  private static List<String> dnsNames(X509Certificate leaf) {
    Collection<List<?>> sans;
    try {
      sans = leaf.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      throw new PkiException("cannot read the subjectAltName of the certificate", e);
    }
    List<String> names = new ArrayList<>();
    if (sans != null) {
      for (List<?> san : sans) {
        if (san.size() == 2 && Integer.valueOf(DNS_NAME).equals(san.get(0))) {
          String n = String.valueOf(san.get(1)).toLowerCase(Locale.ROOT);
          names.add(n.endsWith(".") ? n.substring(0, n.length() - 1) : n);
        }
      }
    }
    return names;
  }

  /** A sign-and-verify test: works for RSA and EC alike, without comparing key encodings. */
  private static boolean matches(PrivateKey key, PublicKey pub) {
    if (!key.getAlgorithm().equals(pub.getAlgorithm())) {
      return false;
    }
    String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    byte[] challenge = new byte[32];
    KeyPairs.random().nextBytes(challenge);
    try {
      Signature s = Signature.getInstance(algorithm);
      s.initSign(key, KeyPairs.random());
      s.update(challenge);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(algorithm);
      v.initVerify(pub);
      v.update(challenge);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
