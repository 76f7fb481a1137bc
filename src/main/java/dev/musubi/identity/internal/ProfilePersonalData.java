package dev.musubi.identity.internal;

import dev.musubi.platform.Jdbc;
import dev.musubi.platform.blob.BlobNotFoundException;
import dev.musubi.platform.blob.BlobStore;
import dev.musubi.platform.privacy.ExportSink;
import dev.musubi.platform.privacy.HeldScope;
import dev.musubi.platform.privacy.HoldableScope;
import dev.musubi.platform.privacy.PersonalDataEraser;
import dev.musubi.platform.privacy.PersonalDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Identity's part of privacy: the member's profile, departments, roles, sign-in sessions and
 * personal access tokens (names and dates; never a secret or hash) as {@code profile/profile.json},
 * the member's photo as {@code profile/photo.jpg}, and, when the member is purged, the directory
 * profile and sign-in history that the anonymisation in {@link LifecycleStore#anonymise} leaves
 * (office, title, romaji, manager, sessions with their IP addresses, tokens, sign-in failures).
 */
@Component
class ProfilePersonalData implements PersonalDataSource, PersonalDataEraser, HoldableScope {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final JdbcClient jdbc;
  private final BlobStore blobs;

  ProfilePersonalData(JdbcClient jdbc, BlobStore blobs) {
    this.jdbc = jdbc;
    this.blobs = blobs;
  }

  @Override
  public String name() {
    return "profile";
  }

  @Override
  public String scopeType() {
    return "member";
  }

  @Override
  public boolean exists(UUID companyId, UUID id) {
    return jdbc.sql("SELECT COUNT(*) FROM member WHERE tenant_id = ? AND id = ?")
            .params(companyId, id)
            .query(Long.class)
            .single()
        > 0;
  }

  @Override
  public void export(UUID companyId, UUID memberId, ExportSink sink) throws IOException {
    Map<String, Object> out = new LinkedHashMap<>();
    jdbc.sql(
            "SELECT id, login_id, display_name, family_name, given_name, family_name_reading,"
                + " given_name_reading, name_romaji, email, phone, extension, office, job_title,"
                + " status, locale, time_zone, created_at, last_login_at, password_changed_at"
                + " FROM member WHERE tenant_id = ? AND id = ?")
        .params(companyId, memberId)
        .query(
            (rs, n) -> {
              for (String c :
                  List.of(
                      "login_id",
                      "display_name",
                      "family_name",
                      "given_name",
                      "family_name_reading",
                      "given_name_reading",
                      "name_romaji",
                      "email",
                      "phone",
                      "extension",
                      "office",
                      "job_title",
                      "status",
                      "locale",
                      "time_zone")) {
                out.put(c, rs.getString(c));
              }
              out.put("id", memberId.toString());
              out.put("created_at", text(Jdbc.instant(rs, "created_at")));
              out.put("last_login_at", text(Jdbc.instant(rs, "last_login_at")));
              out.put("password_changed_at", text(Jdbc.instant(rs, "password_changed_at")));
              return out;
            })
        .optional();
    out.put(
        "departments",
        jdbc.sql(
                "SELECT d.name, md.position, md.is_primary FROM member_department md"
                    + " JOIN department d ON d.id = md.department_id"
                    + " WHERE md.tenant_id = ? AND md.member_id = ? ORDER BY d.name")
            .params(companyId, memberId)
            .query(
                (rs, n) ->
                    Map.of(
                        "name", rs.getString("name"),
                        "position", rs.getString("position"),
                        "primary", rs.getBoolean("is_primary")))
            .list());
    out.put(
        "roles",
        jdbc.sql("SELECT role FROM member_role WHERE tenant_id = ? AND member_id = ? ORDER BY role")
            .params(companyId, memberId)
            .query(String.class)
            .list());
    out.put(
        "sessions",
        jdbc.sql(
                "SELECT created_at, last_seen_at, ip, user_agent, revoked_at FROM auth_session"
                    + " WHERE tenant_id = ? AND member_id = ? ORDER BY created_at")
            .params(companyId, memberId)
            .query(
                (rs, n) -> {
                  Map<String, Object> s = new LinkedHashMap<>();
                  s.put("created_at", text(Jdbc.instant(rs, "created_at")));
                  s.put("last_seen_at", text(Jdbc.instant(rs, "last_seen_at")));
                  s.put("ip", rs.getString("ip"));
                  s.put("user_agent", rs.getString("user_agent"));
                  s.put("revoked_at", text(Jdbc.instant(rs, "revoked_at")));
                  return s;
                })
            .list());
    out.put(
        "tokens",
        jdbc.sql(
                "SELECT name, scopes, created_at, last_used_at, revoked_at FROM access_token"
                    + " WHERE tenant_id = ? AND member_id = ? ORDER BY created_at")
            .params(companyId, memberId)
            .query(
                (rs, n) -> {
                  Map<String, Object> t = new LinkedHashMap<>();
                  t.put("name", rs.getString("name"));
                  t.put("scopes", rs.getString("scopes"));
                  t.put("created_at", text(Jdbc.instant(rs, "created_at")));
                  t.put("last_used_at", text(Jdbc.instant(rs, "last_used_at")));
                  t.put("revoked_at", text(Jdbc.instant(rs, "revoked_at")));
                  return t;
                })
            .list());
    sink.write(
        "profile/profile.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(out));
    String photo =
        jdbc.sql("SELECT photo_sha256 FROM member WHERE tenant_id = ? AND id = ?")
            .params(companyId, memberId)
            .query((rs, n) -> java.util.Optional.ofNullable(rs.getString(1)))
            .optional()
            .flatMap(o -> o)
            .orElse(null);
    if (photo != null) {
      try (InputStream in = blobs.open(companyId, photo)) {
        sink.write("profile/photo.jpg", in);
      } catch (BlobNotFoundException e) {
        // Collected after a race with its removal: the archive simply has no photo.
      }
    }
  }

  @Override
  public int erase(UUID companyId, UUID memberId, HeldScope held) {
    int n =
        jdbc.sql(
                "UPDATE member SET extension = '', office = '', job_title = '', name_romaji = '',"
                    + " manager_id = NULL WHERE tenant_id = ? AND id = ? AND status = 'DELETED'")
            .params(companyId, memberId)
            .update();
    for (String table : List.of("auth_session", "access_token", "signin_failure")) {
      n +=
          jdbc.sql("DELETE FROM " + table + " WHERE tenant_id = ? AND member_id = ?")
              .params(companyId, memberId)
              .update();
    }
    return n;
  }

  private static String text(@org.jspecify.annotations.Nullable Instant instant) {
    return instant == null ? "" : instant.toString();
  }
}
