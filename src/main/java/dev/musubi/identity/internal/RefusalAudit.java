package dev.musubi.identity.internal;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.platform.security.MemberPrincipal;
import java.util.UUID;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Records an admin's attempt to act outside their scope. Commits on its own, because the request
 * that caused it fails and rolls its own transaction back.
 */
@Component
public class RefusalAudit {

  private final AuditTrail audit;

  RefusalAudit(AuditTrail audit) {
    this.audit = audit;
  }

  @Transactional(propagation = Propagation.REQUIRES_NEW)
  public void outOfScope(MemberPrincipal actor, String targetType, UUID targetId, String action) {
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.ADMIN_SCOPE_REFUSED)
            .actor(actor.memberId(), actor.loginId())
            .target(targetType, targetId)
            .with("action", action)
            .failed());
  }
}
