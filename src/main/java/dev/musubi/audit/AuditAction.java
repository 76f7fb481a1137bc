package dev.musubi.audit;

/**
 * The catalogue of audited actions. Codes are stable across versions (exports and alerts rely on
 * them) and grouped in ranges per module: 1000s sign-in and credentials, 2000s administration,
 * 3000s talk (messaging), 9000s the audit trail itself. Add new actions; never renumber.
 */
public enum AuditAction {
  LOGIN_SUCCEEDED(1001),
  LOGIN_FAILED(1002),
  LOGIN_LOCKED(1003),
  LOGOUT(1004),
  MFA_SUCCEEDED(1005),
  MFA_FAILED(1006),
  TOTP_ENABLED(1010),
  TOTP_DISABLED(1011),
  RECOVERY_CODES_GENERATED(1012),
  RECOVERY_CODE_USED(1013),
  PASSKEY_REGISTERED(1014),
  PASSKEY_REMOVED(1015),
  PASSKEY_LOGIN_SUCCEEDED(1016),
  PASSWORD_CHANGED(1020),
  PASSWORD_RESET(1021),
  SESSION_CREATED(1030),
  SESSION_REVOKED(1031),
  TOKEN_CREATED(1032),
  TOKEN_REVOKED(1033),
  ACCESS_DENIED_IP(1040),
  COMPANY_CREATED(2001),
  MEMBER_CREATED(2010),
  MEMBER_UPDATED(2011),
  MEMBER_SUSPENDED(2012),
  MEMBER_RESUMED(2013),
  MEMBER_DELETED(2014),
  ROLE_GRANTED(2015),
  ROLE_REVOKED(2016),
  DEPARTMENT_CREATED(2020),
  DEPARTMENT_UPDATED(2021),
  DEPARTMENT_DELETED(2022),
  POLICY_CHANGED(2030),
  ROOM_CREATED(3001),
  ROOM_MEMBERS_ADDED(3002),
  ROOM_MEMBER_REMOVED(3003),
  MESSAGE_RECALLED(3010),
  TALK_SETTINGS_CHANGED(3011),
  MESSAGE_FORWARDED(3012),
  AUDIT_EXPORTED(9001),
  AUDIT_VERIFIED(9002);

  private final int code;

  AuditAction(int code) {
    this.code = code;
  }

  /** The stable numeric code. */
  public int code() {
    return code;
  }
}
