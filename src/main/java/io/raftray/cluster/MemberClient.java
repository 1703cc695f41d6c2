package io.raftray.cluster;

import io.raftray.model.Node;
import io.raftray.pki.PemFiles;
import io.raftray.pki.PkiException;
import io.raftray.pki.Signatures;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Signed {@code POST}s from this node to another member on {@code /cluster/v1/**} (TLS trusting
 * only the cluster CA, the node request signature of {@link NodeRequestSigner}). Used to ask a CA
 * holder to sign what this node cannot ({@link RenewService#ADMIT_ROUTE}) and, by {@link
 * MemberLookup}, to ask a member for a node's record.
 */
public final class MemberClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http;
  private final ClusterRequestSigner signer;

  public MemberClient(HttpClient http, ClusterRequestSigner signer) {
    this.http = Objects.requireNonNull(http, "http");
    this.signer = Objects.requireNonNull(signer, "signer");
  }

  /** A refused request: the member's status and its one-line reason. */
  public static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;
    private final int status;

    Refused(int status, String reason) {
      super("answered " + status + ": " + reason);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  /** POSTs {@code body} to {@code route} on {@code target}; the answer body on 200. */
  public byte[] post(Node target, String route, byte[] body) throws IOException {
    HttpResponse<byte[]> res = send(target, route, body, TIMEOUT).response();
    if (res.statusCode() != 200) {
      throw new Refused(res.statusCode(), text(res.body()));
    }
    return res.body();
  }

  /** A sent request's signature headers and the member's answer, whatever its status. */
  record Exchange(Map<String, String> signed, HttpResponse<byte[]> response) {}

  /** Signs and POSTs {@code body} to {@code route} on {@code target}; any status is returned. */
  Exchange send(Node target, String route, byte[] body, Duration timeout) throws IOException {
    String base = target.apiBaseUrl();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    Map<String, String> signed = signer.headers("POST", route, target.id(), body);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + route))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    signed.forEach(b::header);
    try {
      return new Exchange(signed, http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** A refusal's body as one short line of text. */
  static String text(byte[] body) {
    String why = body == null ? "" : new String(body, StandardCharsets.UTF_8);
    return why.length() > 200 ? why.substring(0, 200) : why;
  }

  /**
   * Why an answer on {@code route} is not {@code member}'s: it must be signed by the member's key
   * recorded in the asker's state over the asker's request nonce and the body. Empty when it is.
   */
  static Optional<String> verifyAnswer(
      Node member,
      String asker,
      String route,
      String nonce,
      HttpResponse<byte[]> res,
      byte[] body) {
    String by = res.headers().firstValue(ClusterSignature.NODE).orElse(null);
    String timestamp = res.headers().firstValue(ClusterSignature.TIMESTAMP).orElse(null);
    String signature = res.headers().firstValue(ClusterSignature.SIGNATURE).orElse(null);
    if (by == null || timestamp == null || signature == null || nonce == null) {
      return Optional.of("unsigned answer");
    }
    if (!by.equals(member.id())) {
      return Optional.of("answer signed by another node");
    }
    if (member.certificatePem() == null) {
      return Optional.of("no certificate recorded for the member");
    }
    try {
      X509Certificate cert = PemFiles.parseCertificate(member.certificatePem(), "member");
      byte[] canonical = answerCanonical(route, member.id(), asker, timestamp, nonce, body);
      if (!Signatures.verify(
          cert.getPublicKey(), canonical, Base64.getDecoder().decode(signature))) {
        return Optional.of("bad answer signature");
      }
    } catch (PkiException | IllegalArgumentException e) {
      return Optional.of("bad answer signature");
    }
    return Optional.empty();
  }

  /**
   * What an answering member signs: the v2 canonical string with the method {@code ANSWER}, the
   * route, the member as sender, the asker as receiver, the answer's timestamp, the nonce of the
   * asker's request (so an old answer cannot be passed off as this one) and the answer body.
   */
  static byte[] answerCanonical(
      String route,
      String member,
      String asker,
      String timestamp,
      String requestNonce,
      byte[] body) {
    return ClusterSignature.canonical(
        "ANSWER", route, member, asker, timestamp, requestNonce, body);
  }
}
