package dev.musubi.drive.web;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * WebDAV write locks (RFC 4918 class 2), held in memory: they protect editing sessions of clients
 * such as Finder or Office, which refresh them, and they end with the server (a lock is advisory
 * state, not data). Paths are the comparison keys of a drive path ({@code driveId/a/b}).
 */
@Component
class DavLocks {

  record Lock(
      String token,
      String path,
      boolean exclusive,
      boolean infinite,
      String ownerXml,
      long timeoutSeconds,
      Instant expires) {

    boolean covers(String p) {
      return path.equals(p) || (infinite && p.startsWith(path + "/"));
    }
  }

  static final long DEFAULT_TIMEOUT = 3600;
  static final long MAX_TIMEOUT = 7 * 24 * 3600;

  private final Map<String, Lock> byToken = new ConcurrentHashMap<>();
  private final Clock clock;

  DavLocks(Clock clock) {
    this.clock = clock;
  }

  private void expire() {
    Instant now = clock.instant();
    byToken.values().removeIf(l -> !l.expires().isAfter(now));
  }

  /** Locks that apply to the resource at {@code path} (on it or depth-infinity on an ancestor). */
  synchronized List<Lock> covering(String path) {
    expire();
    List<Lock> out = new ArrayList<>();
    for (Lock l : byToken.values()) {
      if (l.covers(path)) {
        out.add(l);
      }
    }
    return out;
  }

  /** Locks at the path or anywhere below it. */
  synchronized List<Lock> within(String path) {
    expire();
    List<Lock> out = new ArrayList<>();
    for (Lock l : byToken.values()) {
      if (l.path().equals(path) || l.path().startsWith(path + "/")) {
        out.add(l);
      }
    }
    return out;
  }

  synchronized @Nullable Lock find(String token) {
    expire();
    return byToken.get(token);
  }

  /** Creates a lock unless a conflicting one exists (then null). */
  synchronized @Nullable Lock lock(
      String path, boolean exclusive, boolean infinite, String ownerXml, long timeout) {
    expire();
    for (Lock l : byToken.values()) {
      boolean overlaps =
          l.covers(path)
              || (infinite && (l.path().startsWith(path + "/") || l.path().equals(path)));
      if (overlaps && (exclusive || l.exclusive())) {
        return null;
      }
    }
    Lock l =
        new Lock(
            "opaquelocktoken:" + UUID.randomUUID(),
            path,
            exclusive,
            infinite,
            ownerXml,
            timeout,
            clock.instant().plusSeconds(timeout));
    byToken.put(l.token(), l);
    return l;
  }

  synchronized @Nullable Lock refresh(String token, long timeout) {
    Lock l = find(token);
    if (l == null) {
      return null;
    }
    Lock r =
        new Lock(
            l.token(),
            l.path(),
            l.exclusive(),
            l.infinite(),
            l.ownerXml(),
            timeout,
            clock.instant().plusSeconds(timeout));
    byToken.put(token, r);
    return r;
  }

  synchronized boolean unlock(String token) {
    return byToken.remove(token) != null;
  }

  /** Drops every lock at or below a path (after DELETE or MOVE of the resource). */
  synchronized void removeWithin(String path) {
    Collection<Lock> gone = within(path);
    gone.forEach(l -> byToken.remove(l.token()));
  }
}
