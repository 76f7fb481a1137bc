package dev.musubi.messaging.internal;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.identity.Directory;
import dev.musubi.identity.DirectoryMember;
import dev.musubi.platform.Jdbc;
import dev.musubi.platform.notify.MemberNotices;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The e-mail digest of unread mentions: a member who is offline (no open realtime socket) and has
 * been mentioned ({@code @name} or {@code @all}) in a message they have not read for a while gets
 * one notice listing where and by whom, never the message text (that stays in Talk). Each mention
 * is mailed at most once: the member's last digest time moves past it.
 */
@Component
public class MentionDigest {

  private static final Logger log = LoggerFactory.getLogger(MentionDigest.class);
  private static final Duration HORIZON = Duration.ofDays(7);
  private static final int MAX_LISTED = 20;
  private static final ZoneId ZONE = ZoneId.of("Asia/Tokyo");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MM/dd HH:mm");

  private record Mention(
      UUID tenantId,
      UUID memberId,
      UUID roomId,
      String roomType,
      String roomName,
      UUID senderId,
      Instant createdAt) {}

  private final JdbcClient jdbc;
  private final MemberStreams streams;
  private final MemberNotices notices;
  private final Directory directory;
  private final TransactionTemplate tx;
  private final Clock clock;
  private final Duration after;

  MentionDigest(
      JdbcClient jdbc,
      MemberStreams streams,
      MemberNotices notices,
      Directory directory,
      TransactionTemplate tx,
      Clock clock,
      @Value("${musubi.talk.digest-after:PT1H}") Duration after) {
    this.jdbc = jdbc;
    this.streams = streams;
    this.notices = notices;
    this.directory = directory;
    this.tx = tx;
    this.clock = clock;
    this.after = after;
  }

  /** Sends the digests that are due; returns how many members got one. Every 15 minutes. */
  @Scheduled(
      fixedDelayString = "${musubi.talk.digest-interval:PT15M}",
      initialDelayString = "${musubi.talk.digest-interval:PT15M}")
  public int sendDue() {
    Instant now = clock.instant();
    List<Mention> unread =
        jdbc.sql(
                "SELECT tm.tenant_id, tm.member_id, r.id AS room_id, r.type, r.name, m.sender_id,"
                    + " m.created_at FROM talk_message m"
                    + " JOIN talk_member tm ON tm.room_id = m.room_id AND tm.tenant_id = m.tenant_id"
                    + " JOIN talk_room r ON r.id = m.room_id"
                    + " LEFT JOIN talk_digest d ON d.member_id = tm.member_id"
                    + " WHERE m.created_at < ? AND m.created_at >= ? AND m.recalled_at IS NULL"
                    + " AND m.sender_id <> tm.member_id AND m.seq > tm.last_read_seq"
                    + " AND (m.mentions_all = TRUE"
                    + " OR m.mentions LIKE CONCAT('%', CAST(tm.member_id AS VARCHAR(36)), '%'))"
                    + " AND (d.last_digest_at IS NULL OR m.created_at > d.last_digest_at)"
                    + " AND (d.enabled IS NULL OR d.enabled = TRUE)"
                    + " ORDER BY m.created_at")
            .params(ts(now.minus(after)), ts(now.minus(HORIZON)))
            .query(
                (rs, n) ->
                    new Mention(
                        rs.getObject("tenant_id", UUID.class),
                        rs.getObject("member_id", UUID.class),
                        rs.getObject("room_id", UUID.class),
                        rs.getString("type"),
                        rs.getString("name"),
                        rs.getObject("sender_id", UUID.class),
                        Jdbc.requiredInstant(rs, "created_at")))
            .list();
    Map<UUID, List<Mention>> byMember = new LinkedHashMap<>();
    for (Mention m : unread) {
      byMember.computeIfAbsent(m.memberId(), k -> new ArrayList<>()).add(m);
    }
    Map<UUID, Map<UUID, DirectoryMember>> people = new LinkedHashMap<>();
    int sent = 0;
    for (List<Mention> mentions : byMember.values()) {
      Mention first = mentions.get(0);
      if (streams.online(first.memberId())) {
        continue; // they see the badge in the app; the digest waits until they are away
      }
      Map<UUID, DirectoryMember> names =
          people.computeIfAbsent(
              first.tenantId(),
              t ->
                  directory.everyone(t).stream()
                      .collect(Collectors.toMap(DirectoryMember::id, Function.identity())));
      if (!names.containsKey(first.memberId())) {
        continue; // suspended or deleted meanwhile
      }
      try {
        tx.executeWithoutResult(
            s -> {
              notices.deliver(
                  first.tenantId(),
                  first.memberId(),
                  subject(mentions.size()),
                  text(mentions, names));
              remember(first.tenantId(), first.memberId(), now);
            });
        sent++;
      } catch (RuntimeException e) {
        log.warn("Mention digest for {} not sent: {}", first.memberId(), e.toString());
      }
    }
    return sent;
  }

  /** Whether this member gets the digest (on unless they turned it off). */
  public boolean enabled(UUID memberId) {
    return jdbc.sql("SELECT enabled FROM talk_digest WHERE member_id = ?")
        .param(memberId)
        .query(Boolean.class)
        .optional()
        .orElse(true);
  }

  /**
   * Turns the member's digest on or off. Mentions from while it was off are never mailed later:
   * turning it on starts from now.
   */
  public void setEnabled(UUID tenantId, UUID memberId, boolean enabled) {
    tx.executeWithoutResult(
        s -> {
          Instant now = clock.instant();
          int n =
              jdbc.sql(
                      "UPDATE talk_digest SET enabled = ?, last_digest_at = ?"
                          + " WHERE member_id = ? AND tenant_id = ?")
                  .params(enabled, ts(now), memberId, tenantId)
                  .update();
          if (n == 0) {
            jdbc.sql(
                    "INSERT INTO talk_digest (member_id, tenant_id, last_digest_at, enabled)"
                        + " VALUES (?, ?, ?, ?)")
                .params(memberId, tenantId, ts(now), enabled)
                .update();
          }
        });
  }

  private void remember(UUID tenantId, UUID memberId, Instant now) {
    int n =
        jdbc.sql("UPDATE talk_digest SET last_digest_at = ? WHERE member_id = ?")
            .params(ts(now), memberId)
            .update();
    if (n == 0) {
      jdbc.sql("INSERT INTO talk_digest (member_id, tenant_id, last_digest_at) VALUES (?, ?, ?)")
          .params(memberId, tenantId, ts(now))
          .update();
    }
  }

  static String subject(int count) {
    return "[Musubi] 未読のメンション "
        + count
        + " 件 / "
        + count
        + " unread mention"
        + (count == 1 ? "" : "s");
  }

  private static String text(List<Mention> mentions, Map<UUID, DirectoryMember> names) {
    StringBuilder b = new StringBuilder();
    b.append("トークで返事を待っているメンションがあります。\n")
        .append("You were mentioned in Talk while you were away.\n\n");
    for (Mention m : mentions.subList(0, Math.min(MAX_LISTED, mentions.size()))) {
      DirectoryMember sender = names.get(m.senderId());
      String who = sender == null ? "-" : sender.displayName();
      String room = "direct".equals(m.roomType()) ? "個人トーク / Direct" : m.roomName();
      b.append("- ")
          .append(TIME.format(m.createdAt().atZone(ZONE)))
          .append("  「")
          .append(room)
          .append("」  ")
          .append(who)
          .append("\n    /#/talk/")
          .append(m.roomId())
          .append("\n");
    }
    if (mentions.size() > MAX_LISTED) {
      b.append("… ").append(mentions.size() - MAX_LISTED).append(" more\n");
    }
    b.append("\nメッセージの本文はトークでだけ読めます。 / The messages themselves are only in Talk.\n");
    return b.toString();
  }
}
