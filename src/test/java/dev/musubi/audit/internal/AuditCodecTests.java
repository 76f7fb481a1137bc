package dev.musubi.audit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class AuditCodecTests {

  private static final ChainFields BASE =
      new ChainFields(
          UUID.fromString("01890000-0000-7000-8000-000000000001"),
          UUID.fromString("01890000-0000-7000-8000-0000000000aa"),
          7,
          Instant.parse("2026-04-01T09:00:00.123456Z"),
          "LOGIN_FAILED",
          1002,
          "FAILURE",
          UUID.fromString("01890000-0000-7000-8000-0000000000bb"),
          "taro@example.jp",
          "member",
          "01890000-0000-7000-8000-0000000000bb",
          "192.0.2.1",
          "Mozilla/5.0",
          "{\"reason\":\"bad password\"}",
          AuditCodec.GENESIS);

  @Test
  void theHashIsLowercaseHexSha256AndStableAcrossVersions() {
    String hash = AuditCodec.hash(BASE);

    assertThat(hash).hasSize(64).matches("[0-9a-f]{64}");
    assertThat(AuditCodec.hash(BASE)).isEqualTo(hash);
    // Pinned: a change of the canonical encoding would silently break every stored chain.
    assertThat(hash).isEqualTo(PINNED);
  }

  @Test
  void changingAnyStoredFieldChangesTheHash() {
    Map<String, UnaryOperator<ChainFields>> edits = new LinkedHashMap<>();
    edits.put("id", f -> copy(f, 0, UUID.randomUUID()));
    edits.put("tenant", f -> copy(f, 1, UUID.randomUUID()));
    edits.put("seq", f -> copy(f, 2, 8L));
    edits.put("time", f -> copy(f, 3, f.occurredAt().plusNanos(1000)));
    edits.put("action", f -> copy(f, 4, "LOGIN_SUCCEEDED"));
    edits.put("code", f -> copy(f, 5, 1001));
    edits.put("outcome", f -> copy(f, 6, "SUCCESS"));
    edits.put("actorId", f -> copy(f, 7, null));
    edits.put("login", f -> copy(f, 8, "jiro@example.jp"));
    edits.put("targetType", f -> copy(f, 9, "session"));
    edits.put("targetId", f -> copy(f, 10, "x"));
    edits.put("ip", f -> copy(f, 11, "192.0.2.2"));
    edits.put("ua", f -> copy(f, 12, "curl"));
    edits.put("detail", f -> copy(f, 13, "{\"reason\":\"locked\"}"));
    edits.put("prev", f -> copy(f, 14, "1".repeat(64)));

    var hashes = new HashSet<String>();
    hashes.add(AuditCodec.hash(BASE));
    edits.forEach(
        (name, edit) ->
            assertThat(hashes.add(AuditCodec.hash(edit.apply(BASE)))).as(name).isTrue());
  }

  @Test
  void movingTextAcrossAFieldBoundaryChangesTheHash() {
    ChainFields a = copy(copy(BASE, 8, "ab"), 9, "c");
    ChainFields b = copy(copy(BASE, 8, "a"), 9, "bc");

    assertThat(AuditCodec.hash(a)).isNotEqualTo(AuditCodec.hash(b));
  }

  @Test
  void storedTimeIsTruncatedToMicroseconds() {
    Instant t = Instant.parse("2026-04-01T09:00:00.123456789Z");

    assertThat(AuditCodec.storable(t)).isEqualTo(Instant.parse("2026-04-01T09:00:00.123456Z"));
    assertThat(AuditCodec.epochMicros(AuditCodec.storable(t))).isEqualTo(1775034000123456L);
    assertThat(AuditCodec.epochMicros(Instant.parse("1969-12-31T23:59:59.999999Z"))).isEqualTo(-1);
  }

  @Test
  void detailIsJsonWithSortedKeys() {
    var detail = new LinkedHashMap<String, String>();
    detail.put("zeta", "1");
    detail.put("alpha", "say \"hi\"");

    assertThat(AuditCodec.detailJson(detail))
        .isEqualTo("{\"alpha\":\"say \\\"hi\\\"\",\"zeta\":\"1\"}");
    assertThat(AuditCodec.parseDetail(AuditCodec.detailJson(detail))).isEqualTo(detail);
  }

  @Test
  void longDetailIsCutToTheColumnSizeAndSaysSo() {
    var detail = new LinkedHashMap<String, String>();
    for (int i = 0; i < 300; i++) {
      detail.put("key" + i, "値".repeat(2000));
    }

    String json = AuditCodec.detailJson(detail);

    assertThat(json.length()).isLessThanOrEqualTo(AuditCodec.MAX_DETAIL);
    assertThat(AuditCodec.parseDetail(json)).containsKey("_truncated");
    assertThat(AuditCodec.detailJson(Map.of("a", "x".repeat(5000))))
        .hasSizeLessThanOrEqualTo(AuditCodec.MAX_DETAIL)
        .contains("\"_truncated\":\"values\"");
  }

  @Test
  void cuttingNeverSplitsASurrogatePair() {
    String emoji = "a😀";

    assertThat(AuditCodec.cut(emoji, 2)).isEqualTo("a");
    assertThat(AuditCodec.cut(emoji, 3)).isEqualTo(emoji);
  }

  @Test
  void unreadableStoredDetailIsReturnedRaw() {
    assertThat(AuditCodec.parseDetail("not json")).containsEntry("_raw", "not json");
  }

  // Computed independently (Python: struct.pack(">i", len) + UTF-8 bytes per field, SHA-256).
  private static final String PINNED =
      "d373c16eecf23a5a3bb34f32d13b398d1310b0e6c57330dcb6ee7237a90235f0";

  private static ChainFields copy(ChainFields f, int index, Object value) {
    Object[] v = {
      f.id(),
      f.tenantId(),
      f.seq(),
      f.occurredAt(),
      f.action(),
      f.actionCode(),
      f.outcome(),
      f.actorId(),
      f.actorLogin(),
      f.targetType(),
      f.targetId(),
      f.ip(),
      f.userAgent(),
      f.detailJson(),
      f.prevHash()
    };
    v[index] = value;
    return new ChainFields(
        (UUID) v[0],
        (UUID) v[1],
        (Long) v[2],
        (Instant) v[3],
        (String) v[4],
        (Integer) v[5],
        (String) v[6],
        (UUID) v[7],
        (String) v[8],
        (String) v[9],
        (String) v[10],
        (String) v[11],
        (String) v[12],
        (String) v[13],
        (String) v[14]);
  }
}
