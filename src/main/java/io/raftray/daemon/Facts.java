package io.raftray.daemon;

import java.io.IOException;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.NullMarked;

/** What a node reports about itself (init, join): host name, OS, architecture, runtime. */
@NullMarked
public final class Facts {
  private Facts() {}

  public static Map<String, String> collect() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("hostname", hostname());
    f.put("os", System.getProperty("os.name", "") + " " + System.getProperty("os.version", ""));
    f.put("arch", System.getProperty("os.arch", ""));
    f.put("java", Runtime.version().toString());
    f.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
    return f;
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
