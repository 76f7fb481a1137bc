package dev.musubi.identity.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.identity.SecurityPolicy;
import dev.musubi.platform.Jdbc;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Account lockout as Keycloak's brute-force detection does it: after {@code threshold} failures
 * within the window the login ID is locked for {@code duration}, doubling with each further lock
 * (capped at a day). Keyed on the normalised login ID, whether or not it exists, so the behaviour
 * reveals nothing. A success resets the counters.
 */
@Component
class LoginThrottle {

  static final Duration MAX_LOCK = Duration.ofHours(24);

  private final JdbcClient jdbc;
  private final Clock clock;
  private final org.springframework.context.ApplicationEventPublisher events;

  LoginThrottle(
      JdbcClient jdbc, Clock clock, org.springframework.context.ApplicationEventPublisher events) {
    this.jdbc = jdbc;
    this.clock = clock;
    this.events = events;
  }

  private record State(
      int failures, Instant windowStart, int lockLevel, @Nullable Instant lockedUntil) {}

  /** Whether the key is locked now. */
  boolean isLocked(String key) {
    Instant now = clock.instant();
    return load(key, false)
        .map(s -> s.lockedUntil() != null && s.lockedUntil().isAfter(now))
        .orElse(false);
  }

  /** Counts a failure; returns true when this failure locked the key. */
  @Transactional(propagation = Propagation.REQUIRES_NEW)
  boolean recordFailure(String key, SecurityPolicy policy) {
    Instant now = clock.instant();
    // ON CONFLICT, not a caught duplicate key: PostgreSQL aborts the transaction on the latter.
    jdbc.sql(
            "INSERT INTO login_throttle (login_key, failures, window_start, lock_level)"
                + " VALUES (?, 0, ?, 0) ON CONFLICT DO NOTHING")
        .params(key, ts(now))
        .update();
    State s = load(key, true).orElseThrow();
    int failures = s.failures();
    Instant windowStart = s.windowStart();
    if (windowStart.plus(Duration.ofMinutes(policy.lockoutWindowMinutes())).isBefore(now)) {
      failures = 0;
      windowStart = now;
    }
    failures++;
    int lockLevel = s.lockLevel();
    Instant lockedUntil = s.lockedUntil();
    boolean locked = false;
    if (failures >= policy.lockoutThreshold()) {
      Duration wait = Duration.ofSeconds(policy.lockoutDurationSeconds());
      for (int i = 0; i < lockLevel && wait.compareTo(MAX_LOCK) < 0; i++) {
        wait = wait.multipliedBy(2);
      }
      if (wait.compareTo(MAX_LOCK) > 0) {
        wait = MAX_LOCK;
      }
      lockedUntil = now.plus(wait);
      lockLevel++;
      failures = 0;
      windowStart = now;
      locked = true;
    }
    jdbc.sql(
            "UPDATE login_throttle SET failures = ?, window_start = ?, lock_level = ?,"
                + " locked_until = ? WHERE login_key = ?")
        .params(failures, ts(windowStart), lockLevel, ts(lockedUntil), key)
        .update();
    jdbc.sql("SELECT id, tenant_id, login_id FROM member WHERE login_key = ? AND status = 'ACTIVE'")
        .param(key)
        .query(
            (rs, n) ->
                new dev.musubi.identity.SignInFailed(
                    rs.getObject(2, UUID.class), rs.getObject(1, UUID.class), rs.getString(3)))
        .optional()
        .ifPresent(events::publishEvent);
    return locked;
  }

  @Transactional(propagation = Propagation.REQUIRES_NEW)
  void reset(String key) {
    jdbc.sql("DELETE FROM login_throttle WHERE login_key = ?").param(key).update();
  }

  private Optional<State> load(String key, boolean forUpdate) {
    return jdbc.sql(
            "SELECT failures, window_start, lock_level, locked_until FROM login_throttle"
                + " WHERE login_key = ?"
                + (forUpdate ? " FOR UPDATE" : ""))
        .param(key)
        .query(
            (rs, n) ->
                new State(
                    rs.getInt(1),
                    Jdbc.requiredInstant(rs, "window_start"),
                    rs.getInt(3),
                    Jdbc.instant(rs, "locked_until")))
        .optional();
  }
}
