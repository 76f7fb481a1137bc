package dev.musubi.mail.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * Open connections in all and per key (a client address, or a member); a connection beyond either
 * limit is refused.
 */
public final class ConnectionLimits {

  private final int total;
  private final int perAddress;
  private final Map<String, Integer> open = new HashMap<>();
  private int openTotal;

  public ConnectionLimits(int total, int perAddress) {
    this.total = total;
    this.perAddress = perAddress;
  }

  public synchronized boolean tryAcquire(String key) {
    int fromAddress = open.getOrDefault(key, 0);
    if (openTotal >= total || fromAddress >= perAddress) {
      return false;
    }
    openTotal++;
    open.put(key, fromAddress + 1);
    return true;
  }

  public synchronized void release(String key) {
    openTotal--;
    open.computeIfPresent(key, (k, count) -> count <= 1 ? null : count - 1);
  }
}
