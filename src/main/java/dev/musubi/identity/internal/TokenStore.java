package dev.musubi.identity.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.platform.Jdbc;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Personal access tokens; only their SHA-256 is stored. */
@Repository
public class TokenStore {

  public record TokenRow(
      UUID id,
      UUID tenantId,
      UUID memberId,
      String name,
      List<String> scopes,
      Instant createdAt,
      @Nullable Instant expiresAt,
      @Nullable Instant lastUsedAt,
      @Nullable Instant revokedAt) {}

  private static final RowMapper<TokenRow> ROW =
      (rs, n) ->
          new TokenRow(
              rs.getObject("id", UUID.class),
              rs.getObject("tenant_id", UUID.class),
              rs.getObject("member_id", UUID.class),
              rs.getString("name"),
              Arrays.stream(rs.getString("scopes").split(" ")).filter(s -> !s.isEmpty()).toList(),
              Jdbc.requiredInstant(rs, "created_at"),
              Jdbc.instant(rs, "expires_at"),
              Jdbc.instant(rs, "last_used_at"),
              Jdbc.instant(rs, "revoked_at"));

  private final JdbcClient jdbc;

  TokenStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  public void insert(TokenRow t, String secret) {
    jdbc.sql(
            "INSERT INTO access_token (id, token_hash, tenant_id, member_id, name, scopes,"
                + " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            t.id(),
            Secrets.sha256(secret),
            t.tenantId(),
            t.memberId(),
            t.name(),
            String.join(" ", t.scopes()),
            ts(t.createdAt()),
            ts(t.expiresAt()))
        .update();
  }

  public Optional<TokenRow> findBySecret(String secret) {
    return jdbc.sql("SELECT * FROM access_token WHERE token_hash = ?")
        .param(Secrets.sha256(secret))
        .query(ROW)
        .optional();
  }

  public Optional<TokenRow> find(UUID id) {
    return jdbc.sql("SELECT * FROM access_token WHERE id = ?").param(id).query(ROW).optional();
  }

  public List<TokenRow> list(UUID tenantId, UUID memberId) {
    return jdbc.sql(
            "SELECT * FROM access_token WHERE tenant_id = ? AND member_id = ?"
                + " AND revoked_at IS NULL ORDER BY created_at DESC")
        .params(tenantId, memberId)
        .query(ROW)
        .list();
  }

  public void used(UUID id, Instant now) {
    jdbc.sql("UPDATE access_token SET last_used_at = ? WHERE id = ?").params(ts(now), id).update();
  }

  public boolean revoke(UUID tenantId, UUID memberId, UUID id, Instant now) {
    return jdbc.sql(
                "UPDATE access_token SET revoked_at = ? WHERE tenant_id = ? AND member_id = ?"
                    + " AND id = ? AND revoked_at IS NULL")
            .params(ts(now), tenantId, memberId, id)
            .update()
        == 1;
  }

  public int revokeAll(UUID tenantId, UUID memberId, Instant now) {
    return jdbc.sql(
            "UPDATE access_token SET revoked_at = ? WHERE tenant_id = ? AND member_id = ?"
                + " AND revoked_at IS NULL")
        .params(ts(now), tenantId, memberId)
        .update();
  }
}
