package dev.musubi.mail.smtp;

import java.util.HashMap;
import java.util.Map;

/** Open connections in all and per client IP; a connection beyond either limit is refused. */
final class ConnectionLimits {

  private final int total;
  private final int perAddress;
  private final Map<String, Integer> open = new HashMap<>();
  private int openTotal;

  ConnectionLimits(int total, int perAddress) {
    this.total = total;
    this.perAddress = perAddress;
  }

  synchronized boolean tryAcquire(String clientIp) {
    int fromAddress = open.getOrDefault(clientIp, 0);
    if (openTotal >= total || fromAddress >= perAddress) {
      return false;
    }
    openTotal++;
    open.put(clientIp, fromAddress + 1);
    return true;
  }

  synchronized void release(String clientIp) {
    openTotal--;
    open.computeIfPresent(clientIp, (ip, count) -> count <= 1 ? null : count - 1);
  }
}
