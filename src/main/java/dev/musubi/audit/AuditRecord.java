package dev.musubi.audit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One thing to write into the trail. IP and user agent are taken from the current HTTP request by
 * {@link AuditTrail} when not set. The detail map must never hold a password, code, token or
 * message content.
 *
 * @param tenantId the company the event belongs to
 * @param action what happened
 * @param outcome whether it succeeded
 * @param actorId the member who acted, or null (anonymous, system)
 * @param actorLogin the login ID the actor used or claimed (empty for the system)
 * @param targetType what kind of thing was acted on (member, session, token, company, policy…)
 * @param targetId its ID (empty when none)
 * @param detail small, non-secret facts (reason, changed fields, before/after values)
 */
public record AuditRecord(
    UUID tenantId,
    AuditAction action,
    Outcome outcome,
    @Nullable UUID actorId,
    String actorLogin,
    String targetType,
    String targetId,
    @Nullable String ip,
    @Nullable String userAgent,
    Map<String, String> detail) {

  public enum Outcome {
    SUCCESS,
    FAILURE
  }

  /** Starts a record of a successful action with no actor and no target. */
  public static AuditRecord of(UUID tenantId, AuditAction action) {
    return new AuditRecord(
        tenantId, action, Outcome.SUCCESS, null, "", "", "", null, null, Map.of());
  }

  public AuditRecord actor(@Nullable UUID id, String login) {
    return new AuditRecord(
        tenantId, action, outcome, id, login, targetType, targetId, ip, userAgent, detail);
  }

  public AuditRecord target(String type, Object id) {
    return new AuditRecord(
        tenantId,
        action,
        outcome,
        actorId,
        actorLogin,
        type,
        String.valueOf(id),
        ip,
        userAgent,
        detail);
  }

  public AuditRecord failed() {
    return new AuditRecord(
        tenantId,
        action,
        Outcome.FAILURE,
        actorId,
        actorLogin,
        targetType,
        targetId,
        ip,
        userAgent,
        detail);
  }

  public AuditRecord from(String ip, String userAgent) {
    return new AuditRecord(
        tenantId,
        action,
        outcome,
        actorId,
        actorLogin,
        targetType,
        targetId,
        ip,
        userAgent,
        detail);
  }

  public AuditRecord with(String key, Object value) {
    var d = new LinkedHashMap<>(detail);
    d.put(key, String.valueOf(value));
    return new AuditRecord(
        tenantId, action, outcome, actorId, actorLogin, targetType, targetId, ip, userAgent, d);
  }
}
