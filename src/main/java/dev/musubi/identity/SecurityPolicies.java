package dev.musubi.identity;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.internal.CompanyStore;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Reads and changes a company's security policy; every change is audited with before/after. */
@Service
public class SecurityPolicies {

  private static final Set<String> MFA = Set.of("none", "admins", "all");

  private final CompanyStore store;
  private final AuditTrail audit;
  private final Clock clock;
  private final AdminAccess access;
  private final dev.musubi.identity.internal.Reauthentication reauth;
  private final dev.musubi.platform.web.RequestInfo requestInfo;
  private final dev.musubi.identity.internal.MemberStore members;
  private final dev.musubi.identity.internal.Passkeys passkeys;

  SecurityPolicies(
      dev.musubi.identity.internal.MemberStore members,
      dev.musubi.identity.internal.Passkeys passkeys,
      CompanyStore store,
      AuditTrail audit,
      Clock clock,
      AdminAccess access,
      dev.musubi.identity.internal.Reauthentication reauth,
      dev.musubi.platform.web.RequestInfo requestInfo) {
    this.members = members;
    this.passkeys = passkeys;
    this.access = access;
    this.reauth = reauth;
    this.requestInfo = requestInfo;
    this.store = store;
    this.audit = audit;
    this.clock = clock;
  }

  public SecurityPolicy of(UUID tenantId) {
    return store.policy(tenantId);
  }

  public SecurityPolicy get(MemberPrincipal actor) {
    require(actor);
    return store.policy(actor.tenantId());
  }

  @Transactional
  public SecurityPolicy update(MemberPrincipal actor, SecurityPolicy p) {
    access.require(actor, Permission.SECURITY_WRITE);
    reauth.requireRecent(actor);
    List<FieldError> e = new ArrayList<>();
    range(e, "passwordMinLength", p.passwordMinLength(), 8, 128);
    range(e, "passwordHistory", p.passwordHistory(), 0, 24);
    range(e, "passwordMaxAgeDays", p.passwordMaxAgeDays(), 0, 3650);
    range(e, "lockoutThreshold", p.lockoutThreshold(), 3, 100);
    range(e, "lockoutWindowMinutes", p.lockoutWindowMinutes(), 1, 1440);
    range(e, "lockoutDurationSeconds", p.lockoutDurationSeconds(), 10, 86400);
    range(e, "sessionIdleMinutes", p.sessionIdleMinutes(), 5, 1440);
    range(e, "sessionAbsoluteMinutes", p.sessionAbsoluteMinutes(), 15, 43200);
    if (p.mfaRequirement() == null || !MFA.contains(p.mfaRequirement())) {
      e.add(new FieldError("mfaRequirement", "invalid", "Must be none, admins or all."));
    }
    List<String> methods = mfaMethods(e, p, store.policy(actor.tenantId()));
    if (p.ipAllowlist() == null || p.ipAllowlist().size() > 200) {
      e.add(new FieldError("ipAllowlist", "too_many", "At most 200 entries."));
    } else {
      for (String entry : p.ipAllowlist()) {
        if (entry == null || !dev.musubi.identity.internal.IpRules.isValid(entry)) {
          e.add(new FieldError("ipAllowlist", "invalid", "Not an address or CIDR block."));
          break;
        }
      }
    }
    if (e.isEmpty() && !p.ipAllowlist().isEmpty()) {
      String ip = currentIp();
      if (ip != null && !dev.musubi.identity.internal.IpRules.allows(p.ipAllowlist(), ip)) {
        e.add(
            new FieldError(
                "ipAllowlist",
                "excludes_you",
                "This allowlist does not include your current address "
                    + ip
                    + "; you would lock yourself out. Add it first."));
      }
    }
    if (e.isEmpty()) {
      List<String> own = enrolled(actor);
      if (!own.isEmpty() && own.stream().noneMatch(methods::contains)) {
        e.add(
            new FieldError(
                "mfaMethods",
                "excludes_you",
                "You sign in with "
                    + own
                    + " only; you would lock yourself out. Set up an allowed method first."));
      }
    }
    if (!e.isEmpty()) {
      throw Problems.invalid(e);
    }
    SecurityPolicy next =
        new SecurityPolicy(
            p.passwordMinLength(),
            p.passwordHistory(),
            p.passwordMaxAgeDays(),
            p.lockoutThreshold(),
            p.lockoutWindowMinutes(),
            p.lockoutDurationSeconds(),
            p.mfaRequirement(),
            p.sessionIdleMinutes(),
            p.sessionAbsoluteMinutes(),
            p.ipAllowlist(),
            methods);
    SecurityPolicy before = store.policy(actor.tenantId());
    store.updatePolicy(actor.tenantId(), next, clock.instant());
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.POLICY_CHANGED)
            .actor(actor.memberId(), actor.loginId())
            .target("policy", "security")
            .with("before", before.toString())
            .with("after", next.toString())
            .with("changed", changes(before, next)));
    return store.policy(actor.tenantId());
  }

  /**
   * The allowed second factors in Musubi's order; a policy without the field keeps the current
   * ones. A requirement that leaves no method to set up is refused.
   */
  private static List<String> mfaMethods(
      List<FieldError> e, SecurityPolicy p, SecurityPolicy current) {
    List<String> given = p.mfaMethods() == null ? current.mfaMethods() : p.mfaMethods();
    for (String m : given) {
      if (m == null || !SecurityPolicy.MFA_METHODS.contains(m)) {
        e.add(
            new FieldError(
                "mfaMethods",
                "invalid",
                "Allowed methods are " + SecurityPolicy.MFA_METHODS + "."));
        return List.of();
      }
    }
    List<String> methods = SecurityPolicy.MFA_METHODS.stream().filter(given::contains).toList();
    if (methods.isEmpty() && !"none".equals(p.mfaRequirement())) {
      e.add(
          new FieldError(
              "mfaMethods",
              "none_allowed",
              "Two-step verification is required: allow at least one method."));
    }
    return methods;
  }

  /** The second factors the actor has set up. */
  private List<String> enrolled(MemberPrincipal actor) {
    List<String> out = new ArrayList<>();
    members
        .find(actor.tenantId(), actor.memberId())
        .ifPresent(
            m -> {
              if (m.totpEnabled()) {
                out.add(SecurityPolicy.TOTP);
              }
              if (passkeys.count(m.loginId()) > 0) {
                out.add(SecurityPolicy.PASSKEY);
              }
            });
    return out;
  }

  private @org.jspecify.annotations.Nullable String currentIp() {
    if (org.springframework.web.context.request.RequestContextHolder.getRequestAttributes()
        instanceof org.springframework.web.context.request.ServletRequestAttributes a) {
      return requestInfo.clientIp(a.getRequest());
    }
    return null;
  }

  /** "field: before -> after" for every field that changed. */
  static String changes(SecurityPolicy before, SecurityPolicy after) {
    List<String> out = new ArrayList<>();
    for (var c : SecurityPolicy.class.getRecordComponents()) {
      try {
        Object b = c.getAccessor().invoke(before);
        Object a = c.getAccessor().invoke(after);
        if (!java.util.Objects.equals(b, a)) {
          out.add(c.getName() + ": " + b + " -> " + a);
        }
      } catch (ReflectiveOperationException ex) {
        throw new IllegalStateException(ex);
      }
    }
    return String.join("; ", out);
  }

  private void require(MemberPrincipal actor) {
    access.require(actor, Permission.SECURITY_READ);
  }

  private static void range(List<FieldError> e, String field, int v, int min, int max) {
    if (v < min || v > max) {
      e.add(FieldError.range(field, min, max));
    }
  }
}
