package dev.musubi.identity.internal;

import dev.musubi.identity.SecurityPolicy;
import dev.musubi.identity.internal.credentials.PasswordHasher;
import dev.musubi.identity.internal.credentials.PasswordPolicy;
import dev.musubi.identity.internal.credentials.PasswordRules;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Checks new passwords against the company's policy and stores their Argon2id hashes. Hashing and
 * checking a password happen before the transaction that stores it: Argon2 on a held connection
 * starved the pool in a burst of password changes.
 */
@Component
public class Passwords {

  private final PasswordRules rules;
  private final PasswordHasher hasher;
  private final MemberStore members;
  private final Clock clock;

  Passwords(PasswordRules rules, PasswordHasher hasher, MemberStore members, Clock clock) {
    this.rules = rules;
    this.hasher = hasher;
    this.members = members;
    this.clock = clock;
  }

  static PasswordPolicy toRules(SecurityPolicy p) {
    return new PasswordPolicy(
        p.passwordMinLength(), 256, p.passwordHistory(), p.passwordMaxAgeDays());
  }

  /** Field errors for {@code password} under the policy; empty when it is acceptable. */
  public List<FieldError> violations(
      String field, String password, SecurityPolicy policy, String loginId, List<String> names) {
    return rules.check(password, toRules(policy), loginId, names).stream()
        .map(v -> new FieldError(field, v.code(), v.message()))
        .toList();
  }

  /**
   * The Argon2id hash of {@code password}. Where the caller can, it hashes before its transaction
   * ({@link #hashBeforeTransaction}): a hash takes tens of milliseconds of a core and, in a burst,
   * waits its turn for one, and a connection held meanwhile is one the pool cannot lend.
   */
  public String hash(String password) {
    return hasher.hash(password);
  }

  /** {@link #hash}, asserting that no transaction (so no pool connection) is held meanwhile. */
  public String hashBeforeTransaction(String password) {
    assert !TransactionSynchronizationManager.isActualTransactionActive()
        : "Argon2 while a transaction holds a connection";
    return hasher.hash(password);
  }

  /**
   * Whether {@code raw} matches {@code hash}; as costly as hashing, so best outside transactions.
   */
  public boolean matches(String raw, String hash) {
    return hasher.matches(raw, hash);
  }

  /** A new password that passed the policy and history checks, hashed, ready to {@link #store}. */
  public record NewPassword(UUID tenantId, UUID memberId, String hash) {}

  /**
   * Validates a new password for an existing member, checks it against their history and hashes it,
   * all before the transaction that stores it (see {@link #hash}).
   */
  public NewPassword prepare(
      MemberRow member, String field, String password, SecurityPolicy policy) {
    List<FieldError> errors = violations(field, password, policy, member.loginId(), names(member));
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    for (String old : members.passwordHistory(member.id(), Math.max(policy.passwordHistory(), 0))) {
      if (hasher.matches(password, old)) {
        throw Problems.invalid(field, "reused", "This password was used recently.");
      }
    }
    return new NewPassword(member.tenantId(), member.id(), hashBeforeTransaction(password));
  }

  /** Stores a prepared password (and keeps the old one in the history). */
  public void store(NewPassword p) {
    members.setPassword(p.tenantId(), p.memberId(), p.hash(), clock.instant());
  }

  /**
   * Whether the member's password is older than the company allows. Off by default: NIST SP 800-63B
   * and OWASP ASVS advise against forced rotation.
   */
  static boolean expired(MemberRow m, SecurityPolicy policy, java.time.Instant now) {
    return policy.passwordMaxAgeDays() > 0
        && m.passwordChangedAt() != null
        && m.passwordChangedAt()
            .plus(java.time.Duration.ofDays(policy.passwordMaxAgeDays()))
            .isBefore(now);
  }

  static List<String> names(MemberRow m) {
    return List.of(
        m.displayName(),
        m.familyName(),
        m.givenName(),
        m.familyNameReading(),
        m.givenNameReading());
  }
}
