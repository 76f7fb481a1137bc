package dev.musubi.audit.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The canonical form of an audit entry: how its detail is stored and how its hash is computed. The
 * hash is hex SHA-256 over a length-prefixed encoding of every stored field, so no two different
 * entries encode alike (no separator can be forged inside a value). Changing this encoding breaks
 * every existing chain: add a new version label instead.
 */
public final class AuditCodec {

  /** The previous hash of the first entry of a chain. */
  public static final String GENESIS = "0".repeat(64);

  /** The most characters the detail column holds. */
  public static final int MAX_DETAIL = 4000;

  private static final String VERSION = "musubi-audit-v1";
  private static final int MAX_KEY = 64;
  private static final int[] VALUE_LIMITS = {1000, 250, 60, 16};
  private static final String TRUNCATED_KEY = "_truncated";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {};

  private AuditCodec() {}

  /** The instant as both databases store it: truncated to microseconds. */
  public static Instant storable(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MICROS);
  }

  /** Microseconds since the epoch; the instant must already be {@link #storable}. */
  public static long epochMicros(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
  }

  /** Hex SHA-256 of the canonical encoding of the fields; never null. */
  public static String hash(ChainFields f) {
    var out = new ByteArrayOutputStream(512);
    field(out, VERSION);
    field(out, f.id().toString());
    field(out, f.tenantId().toString());
    field(out, Long.toString(f.seq()));
    field(out, Long.toString(epochMicros(f.occurredAt())));
    field(out, f.action());
    field(out, Integer.toString(f.actionCode()));
    field(out, f.outcome());
    field(out, f.actorId() == null ? null : f.actorId().toString());
    field(out, f.actorLogin());
    field(out, f.targetType());
    field(out, f.targetId());
    field(out, f.ip());
    field(out, f.userAgent());
    field(out, f.detailJson());
    field(out, f.prevHash());
    return HexFormat.of().formatHex(sha256(out.toByteArray()));
  }

  /** A field as a 4-byte big-endian length (-1 for null) followed by its UTF-8 bytes. */
  private static void field(ByteArrayOutputStream out, @Nullable String value) {
    byte[] bytes = value == null ? new byte[0] : value.getBytes(StandardCharsets.UTF_8);
    int length = value == null ? -1 : bytes.length;
    out.write(length >>> 24);
    out.write(length >>> 16);
    out.write(length >>> 8);
    out.write(length);
    out.writeBytes(bytes);
  }

  private static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /**
   * The detail as canonical JSON (keys sorted) of at most {@link #MAX_DETAIL} characters. Long
   * values are cut (never inside a surrogate pair) and, if that is not enough, the last keys are
   * dropped; either way the key {@code _truncated} says so.
   */
  public static String detailJson(Map<String, String> detail) {
    var sorted = new TreeMap<String, String>();
    detail.forEach((k, v) -> sorted.put(cut(k, MAX_KEY), v == null ? "" : v));
    String json = JSON.writeValueAsString(sorted);
    if (json.length() <= MAX_DETAIL) {
      return json;
    }
    for (int limit : VALUE_LIMITS) {
      var shortened = new TreeMap<String, String>();
      sorted.forEach((k, v) -> shortened.put(k, cut(v, limit)));
      shortened.put(TRUNCATED_KEY, "values");
      json = JSON.writeValueAsString(shortened);
      if (json.length() <= MAX_DETAIL) {
        return json;
      }
    }
    var kept = new TreeMap<String, String>();
    kept.put(TRUNCATED_KEY, "keys");
    List<String> keys = new ArrayList<>(sorted.keySet());
    for (String key : keys) {
      kept.put(key, cut(sorted.get(key), VALUE_LIMITS[VALUE_LIMITS.length - 1]));
      if (JSON.writeValueAsString(kept).length() > MAX_DETAIL) {
        kept.remove(key);
        break;
      }
    }
    return JSON.writeValueAsString(kept);
  }

  /** Reads stored detail back; text that is not a JSON object comes back under {@code _raw}. */
  public static Map<String, String> parseDetail(String json) {
    try {
      Map<String, String> map = JSON.readValue(json, MAP);
      return map == null ? Map.of() : new LinkedHashMap<>(map);
    } catch (RuntimeException e) {
      return Map.of("_raw", json);
    }
  }

  /** The text cut to at most {@code max} UTF-16 units, never splitting a surrogate pair. */
  public static String cut(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = max;
    if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end);
  }
}
