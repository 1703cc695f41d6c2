package io.raftray.pki;

/**
 * A PKI operation failed: bad or missing key material, unsafe file permissions, an invalid CSR or
 * certificate. Messages name the file or field involved but never contain key material.
 */
public final class PkiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PkiException(String message) {
    super(message);
  }

  public PkiException(String message, Throwable cause) {
    super(message, cause);
  }
}
