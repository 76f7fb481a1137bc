package dev.musubi.identity.internal;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.SessionsEnded;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/** Ends a member's sessions and tokens at once (suspension, password change, deletion). */
@Component
public class Revocations {

  private final SessionStore sessions;
  private final TokenStore tokens;
  private final AuditTrail audit;
  private final ApplicationEventPublisher events;
  private final Clock clock;

  Revocations(
      SessionStore sessions,
      TokenStore tokens,
      AuditTrail audit,
      ApplicationEventPublisher events,
      Clock clock) {
    this.sessions = sessions;
    this.tokens = tokens;
    this.audit = audit;
    this.events = events;
    this.clock = clock;
  }

  /**
   * Revokes every session (except {@code keepSession}) and, when {@code includingTokens}, every
   * token of the member; audits and publishes {@link SessionsEnded}.
   */
  public void endAll(
      UUID tenantId,
      UUID memberId,
      @Nullable UUID keepSession,
      boolean includingTokens,
      String reason) {
    List<UUID> ended = sessions.revokeAll(tenantId, memberId, keepSession, clock.instant());
    int tokenCount = includingTokens ? tokens.revokeAll(tenantId, memberId, clock.instant()) : 0;
    if (!ended.isEmpty()) {
      audit.record(
          AuditRecord.of(tenantId, AuditAction.SESSION_REVOKED)
              .target("member", memberId)
              .with("count", ended.size())
              .with("reason", reason));
      events.publishEvent(new SessionsEnded(tenantId, memberId, ended));
    }
    if (tokenCount > 0) {
      audit.record(
          AuditRecord.of(tenantId, AuditAction.TOKEN_REVOKED)
              .target("member", memberId)
              .with("count", tokenCount)
              .with("reason", reason));
    }
  }
}
