package io.raftray.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Real V2Ray client processes (SOCKS in, one proxy out) and a payload server to fetch through them:
 * {@link #fetches} is one fresh-connection GET that must return the whole payload, {@link
 * #awaitFetches} polls it until it works (or stops working) within a deadline. Closes every client
 * and the payload server.
 */
public final class ProxyClients implements AutoCloseable {
  private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);

  private final Path dir;
  private final PayloadServer payload;
  private final List<V2RayProcess> clients = new ArrayList<>();

  private ProxyClients(Path dir, PayloadServer payload) {
    this.dir = dir;
    this.payload = payload;
  }

  /** Client directories go under {@code dir}; the payload is {@code payloadBytes} long. */
  public static ProxyClients start(Path dir, int payloadBytes) throws IOException {
    return new ProxyClients(Files.createDirectories(dir), PayloadServer.start(payloadBytes));
  }

  /** Starts a client whose SOCKS port goes out through {@code outbound}. */
  public synchronized V2RayProcess client(String name, V2RayOutbound outbound) throws IOException {
    Path d = Files.createDirectories(dir.resolve(name + "-" + clients.size()));
    V2RayProcess p = V2RayProcess.startClient(d, outbound);
    clients.add(p);
    return p;
  }

  /** One GET of the payload through {@code client}: true when the whole payload came back. */
  public boolean fetches(V2RayProcess client) {
    try {
      return Arrays.equals(
          SocksFetch.get(client.socksPort(), payload.uri(), FETCH_TIMEOUT), payload.payload());
    } catch (IOException e) {
      return false;
    }
  }

  /** Waits until a fetch through {@code client} succeeds ({@code works}) or fails. */
  public void awaitFetches(V2RayProcess client, boolean works, Duration within) {
    await("fetch through client on SOCKS port " + client.socksPort() + " works=" + works)
        .atMost(within)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> fetches(client) == works);
  }

  @Override
  public synchronized void close() {
    clients.forEach(V2RayProcess::close);
    payload.close();
  }
}
