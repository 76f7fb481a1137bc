package dev.musubi.privacy;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.AdminAccess;
import dev.musubi.identity.Permission;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.Problems;
import dev.musubi.privacy.internal.PrivacyStore;
import java.time.Clock;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The company's privacy notice: plain text an admin with {@code security.write} edits, shown to
 * every member of the company. Until one is written the body is empty and the client shows a
 * default sentence.
 */
@Service
public class PrivacyNotices {

  /** The longest notice accepted, in characters. */
  public static final int MAX_LENGTH = 50_000;

  private final PrivacyStore store;
  private final AdminAccess access;
  private final AuditTrail audit;
  private final Clock clock;

  PrivacyNotices(PrivacyStore store, AdminAccess access, AuditTrail audit, Clock clock) {
    this.store = store;
    this.access = access;
    this.audit = audit;
    this.clock = clock;
  }

  /** The notice of the caller's company; never null. */
  public PrivacyNotice get(MemberPrincipal member) {
    return store.notice(member.tenantId()).orElse(new PrivacyNotice("", null));
  }

  @Transactional
  public PrivacyNotice update(MemberPrincipal actor, @Nullable String body) {
    access.require(actor, Permission.SECURITY_WRITE);
    if (body == null) {
      throw Problems.invalid("body", "required", "Required.");
    }
    String text = body.replace("\r\n", "\n").strip();
    if (text.length() > MAX_LENGTH) {
      throw Problems.invalid(
          "body", "too_long", "The notice may have at most " + MAX_LENGTH + " characters.");
    }
    if (text.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\t')) {
      throw Problems.invalid("body", "control_characters", "Control characters are not allowed.");
    }
    store.saveNotice(actor.tenantId(), text, actor.memberId(), clock.instant());
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.PRIVACY_NOTICE_CHANGED)
            .actor(actor.memberId(), actor.loginId())
            .target("company", actor.tenantId())
            .with("length", text.length()));
    return get(actor);
  }
}
