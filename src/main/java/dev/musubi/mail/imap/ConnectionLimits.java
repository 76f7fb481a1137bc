package dev.musubi.mail.imap;

import java.util.HashMap;
import java.util.Map;

/** Open connections in all and per client key; a connection beyond either limit is refused. */
final class ConnectionLimits {

  private final int total;
  private final int perKey;
  private final Map<String, Integer> open = new HashMap<>();
  private int openTotal;

  ConnectionLimits(int total, int perKey) {
    this.total = total;
    this.perKey = perKey;
  }

  synchronized boolean tryAcquire(String key) {
    int fromKey = open.getOrDefault(key, 0);
    if (openTotal >= total || fromKey >= perKey) {
      return false;
    }
    openTotal++;
    open.put(key, fromKey + 1);
    return true;
  }

  synchronized void release(String key) {
    openTotal--;
    open.computeIfPresent(key, (k, count) -> count <= 1 ? null : count - 1);
  }
}
