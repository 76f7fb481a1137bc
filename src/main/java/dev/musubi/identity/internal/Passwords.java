package dev.musubi.identity.internal;

import dev.musubi.identity.SecurityPolicy;
import dev.musubi.identity.internal.credentials.PasswordHasher;
import dev.musubi.identity.internal.credentials.PasswordPolicy;
import dev.musubi.identity.internal.credentials.PasswordRules;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Component;

/** Checks new passwords against the company's policy and stores their Argon2id hashes. */
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

  public String hash(String password) {
    return hasher.hash(password);
  }

  public boolean matches(String raw, String hash) {
    return hasher.matches(raw, hash);
  }

  /** Validates, checks history and stores a new password for an existing member. */
  public void change(MemberRow member, String field, String password, SecurityPolicy policy) {
    List<FieldError> errors = violations(field, password, policy, member.loginId(), names(member));
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    for (String old : members.passwordHistory(member.id(), Math.max(policy.passwordHistory(), 0))) {
      if (hasher.matches(password, old)) {
        throw Problems.invalid(field, "reused", "This password was used recently.");
      }
    }
    members.setPassword(member.tenantId(), member.id(), hasher.hash(password), clock.instant());
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
