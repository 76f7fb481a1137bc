package dev.musubi.identity;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.internal.CompanyStore;
import dev.musubi.identity.internal.LifecycleStore;
import dev.musubi.identity.internal.LifecycleStore.DeletedRow;
import dev.musubi.identity.internal.LifecycleStore.ResetLinkRow;
import dev.musubi.identity.internal.MemberRow;
import dev.musubi.identity.internal.MemberStore;
import dev.musubi.identity.internal.Passkeys;
import dev.musubi.identity.internal.Passwords;
import dev.musubi.identity.internal.Revocations;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.security.Role;
import dev.musubi.platform.web.Problems;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The rest of a member's lifecycle: deletion with a grace period (restorable until it ends, then
 * purged), one-time password reset links an admin hands over, and an admin's reset of two-step
 * verification. Every step is audited; scoped admins reach only members in their scope.
 */
@Service
public class MemberLifecycle {

  /** A reset link for the admin to pass on; the token is shown only here. */
  public record ResetLink(String token, String path, Instant expiresAt) {}

  /** A deleted member that can still be restored. */
  public record DeletedMember(
      UUID id, String loginId, String displayName, Instant deletedAt, Instant purgeAfter) {}

  private final LifecycleStore store;
  private final MemberStore members;
  private final CompanyStore companies;
  private final AdminAccess access;
  private final Passwords passwords;
  private final Passkeys passkeys;
  private final Revocations revocations;
  private final MemberPhotos photos;
  private final AuditTrail audit;
  private final ApplicationEventPublisher events;
  private final Ids ids;
  private final Clock clock;
  private final Duration grace;
  private final Duration linkLifetime;
  private final TransactionTemplate tx;

  MemberLifecycle(
      LifecycleStore store,
      MemberStore members,
      CompanyStore companies,
      AdminAccess access,
      Passwords passwords,
      Passkeys passkeys,
      Revocations revocations,
      MemberPhotos photos,
      AuditTrail audit,
      ApplicationEventPublisher events,
      Ids ids,
      Clock clock,
      @Value("${musubi.admin.deletion-grace:P30D}") Duration grace,
      @Value("${musubi.admin.reset-link-lifetime:PT24H}") Duration linkLifetime,
      TransactionTemplate tx) {
    this.tx = tx;
    this.store = store;
    this.members = members;
    this.companies = companies;
    this.access = access;
    this.passwords = passwords;
    this.passkeys = passkeys;
    this.revocations = revocations;
    this.photos = photos;
    this.audit = audit;
    this.events = events;
    this.ids = ids;
    this.clock = clock;
    this.grace = grace;
    this.linkLifetime = linkLifetime;
  }

  // Deletion ----------------------------------------------------------------------------------

  /**
   * Deletes a member: sign-in ends at once, they vanish from lists, their photo goes (a restored
   * member comes back without it), and {@link MemberDeleted} announces the date after which they
   * are purged. Called by {@link Members#delete}.
   */
  void delete(MemberPrincipal actor, MemberRow m) {
    Instant now = clock.instant();
    Instant purgeAfter = now.plus(grace);
    store.markDeleted(actor.tenantId(), m.id(), now, purgeAfter);
    store.endLinks(actor.tenantId(), m.id(), now);
    revocations.endAll(actor.tenantId(), m.id(), null, true, "deleted");
    photos.forget(actor.tenantId(), m.id());
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.MEMBER_DELETED)
            .actor(actor.memberId(), actor.loginId())
            .target("member", m.id())
            .with("loginId", m.loginId())
            .with("purgeAfter", purgeAfter.toString()));
    events.publishEvent(new MemberSuspended(actor.tenantId(), m.id()));
    events.publishEvent(new MemberDeleted(actor.tenantId(), m.id(), purgeAfter));
  }

  /** Deleted members whose grace period still runs. */
  public List<DeletedMember> deleted(MemberPrincipal actor) {
    access.require(actor, Permission.MEMBERS_READ);
    var scope = access.scope(actor);
    return store.restorable(actor.tenantId(), clock.instant()).stream()
        .filter(
            d -> {
              if (scope == null) {
                return true;
              }
              var deps = new java.util.HashSet<>(members.departmentIdsOf(actor.tenantId(), d.id()));
              deps.retainAll(scope);
              return !deps.isEmpty();
            })
        .map(MemberLifecycle::view)
        .toList();
  }

  /** Restores a deleted member within the grace period; they come back suspended. */
  @Transactional
  public DeletedMember restore(MemberPrincipal actor, UUID id) {
    access.require(actor, Permission.MEMBERS_WRITE);
    DeletedRow d = store.deleted(actor.tenantId(), id).orElseThrow(Problems::notFound);
    if (access.scope(actor) != null) {
      access.checkMember(actor, id, "restore");
    }
    if (!store.restore(actor.tenantId(), id, clock.instant())) {
      throw Problems.conflict(
          "grace-period-over", "The grace period has ended; the member can no longer be restored.");
    }
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.MEMBER_RESTORED)
            .actor(actor.memberId(), actor.loginId())
            .target("member", id)
            .with("loginId", d.loginId()));
    return view(d);
  }

  /**
   * Hands over what a deleted member held (personal drive, calendars, ownership of group rooms; see
   * {@link MemberHandedOver}) to an active colleague while the grace period runs, for when nobody
   * was chosen at deletion. 404 for no such deleted member, 409 once the period is over, 422 when
   * the colleague is not an active member of the company.
   */
  @Transactional
  public void handOver(MemberPrincipal actor, UUID id, @Nullable UUID handTo) {
    access.require(actor, Permission.MEMBERS_WRITE);
    DeletedRow d = store.deleted(actor.tenantId(), id).orElseThrow(Problems::notFound);
    if (access.scope(actor) != null) {
      access.checkMember(actor, id, "hand_over");
    }
    if (!d.purgeAfter().isAfter(clock.instant())) {
      throw Problems.conflict(
          "grace-period-over", "The grace period has ended; nothing is left to hand over.");
    }
    MemberRow heir =
        (handTo == null
                ? java.util.Optional.<MemberRow>empty()
                : members.find(actor.tenantId(), handTo))
            .filter(h -> h.status() == MemberStatus.ACTIVE)
            .orElseThrow(
                () ->
                    Problems.invalid(
                        "handTo", "invalid", "Choose an active member of the company."));
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.MEMBER_HANDED_OVER)
            .actor(actor.memberId(), actor.loginId())
            .target("member", id)
            .with("from", d.loginId())
            .with("to", heir.loginId()));
    events.publishEvent(new MemberHandedOver(actor.tenantId(), id, d.displayName(), heir.id()));
  }

  /** Purges every member whose grace period has ended; returns how many. */
  @Transactional
  public int purgeDue() {
    int n = 0;
    Instant now = clock.instant();
    for (DeletedRow d : store.due(now, 500)) {
      passkeys.removeAll(d.loginId());
      access.clearGrants(d.tenantId(), d.id());
      store.anonymise(d.tenantId(), d.id(), now);
      audit.record(
          AuditRecord.of(d.tenantId(), AuditAction.MEMBER_PURGED)
              .actor(null, "system")
              .target("member", d.id()));
      events.publishEvent(new MemberPurged(d.tenantId(), d.id()));
      n++;
    }
    return n;
  }

  // Password reset links ----------------------------------------------------------------------

  /** Creates a one-time reset link for the member; earlier unused links end. */
  @Transactional
  public ResetLink createResetLink(MemberPrincipal actor, UUID id) {
    access.require(actor, Permission.MEMBERS_WRITE);
    MemberRow m = load(actor, id, "password_reset_link");
    String token = LifecycleStore.newToken();
    Instant now = clock.instant();
    Instant expires = now.plus(linkLifetime);
    store.insertResetLink(ids.next(), actor.tenantId(), id, token, actor.memberId(), now, expires);
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.PASSWORD_RESET_LINK_CREATED)
            .actor(actor.memberId(), actor.loginId())
            .target("member", id)
            .with("loginId", m.loginId())
            .with("expiresAt", expires.toString()));
    return new ResetLink(token, "/#/reset?token=" + token, expires);
  }

  /**
   * Sets a new password with a reset link. The link works once; an invalid password (422) leaves it
   * usable. Every session and token of the member ends. The password is checked and hashed before
   * the transaction, which holds a connection only to use the link and store the hash.
   */
  public void resetPassword(String token, @Nullable String password) {
    if (token.isBlank() || token.length() > 100) {
      throw invalidLink();
    }
    ResetLinkRow link = store.findUsableLink(token, clock.instant()).orElseThrow(this::invalidLink);
    MemberRow m = members.find(link.tenantId(), link.memberId()).orElseThrow(this::invalidLink);
    if (password == null) {
      throw Problems.invalid("password", "required", "Required.");
    }
    Passwords.NewPassword prepared =
        passwords.prepare(m, "password", password, companies.policy(m.tenantId()));
    tx.executeWithoutResult(
        s -> {
          // The link is used in the transaction that stores the password: of two resets with one
          // link, one stores its password and the other changes nothing.
          if (!store.useLink(link.id(), clock.instant())) {
            throw invalidLink();
          }
          passwords.store(prepared);
          revocations.endAll(m.tenantId(), m.id(), null, true, "password_reset");
          audit.record(
              AuditRecord.of(m.tenantId(), AuditAction.PASSWORD_RESET)
                  .actor(m.id(), m.loginId())
                  .target("member", m.id())
                  .with("via", "reset_link"));
        });
  }

  private RuntimeException invalidLink() {
    return Problems.conflict(
        "reset-link-invalid",
        "This link is not valid: it was used, replaced or has expired. Ask your admin for a new one.");
  }

  // Two-step verification ---------------------------------------------------------------------

  /** Clears the member's TOTP and recovery codes and ends their sessions. */
  @Transactional
  public void resetTwoStep(MemberPrincipal actor, UUID id) {
    access.requireAny(actor, Permission.MEMBERS_WRITE, Permission.SECURITY_WRITE);
    MemberRow m = load(actor, id, "mfa_reset");
    if (actor.memberId().equals(id)) {
      throw Problems.conflict("self", "Use your account page to change your own two-step setup.");
    }
    store.clearTwoStep(actor.tenantId(), id);
    revocations.endAll(actor.tenantId(), id, null, false, "mfa_reset");
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.MFA_RESET_BY_ADMIN)
            .actor(actor.memberId(), actor.loginId())
            .target("member", id)
            .with("loginId", m.loginId()));
  }

  private MemberRow load(MemberPrincipal actor, UUID id, String action) {
    MemberRow m = members.find(actor.tenantId(), id).orElseThrow(Problems::notFound);
    access.checkMember(actor, id, action);
    if (!actor.has(Role.SUPER_ADMIN) && members.roles(id).contains(Role.SUPER_ADMIN)) {
      throw Problems.forbidden("Only a super admin can change a super admin.");
    }
    return m;
  }

  private static DeletedMember view(DeletedRow d) {
    return new DeletedMember(d.id(), d.loginId(), d.displayName(), d.deletedAt(), d.purgeAfter());
  }
}
