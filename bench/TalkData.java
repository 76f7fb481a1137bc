import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * Bench-only dataset loader for the Talk load test. Run while the server is STOPPED, on the same
 * database the server uses (embedded H2 file or PostgreSQL), after the members were created
 * through the admin API. It writes talk rooms, room members and messages with the same columns
 * and values the product writes (TalkStore): UUIDv7 IDs from the message time, per-room seq
 * 1..n without gaps, talk_room.last_seq = n and last_activity_at = the newest message, every
 * sender a member of the room, read pointers at or a little behind the newest message. Message
 * text is stored as the product stores it (plain column; search comes from the Lucene index,
 * rebuilt afterwards with {@code java -jar musubi.jar index-rebuild}). A third of the texts are
 * Japanese business sentences, the rest English, composed from word lists. JDK + JDBC driver:
 *
 * <pre>
 * java -cp DRIVER.jar bench/TalkData.java JDBC_URL USER PASSWORD ROOMS MESSAGES [SEED]
 * </pre>
 *
 * Prints the company ID (one company is expected) and times per step on stderr.
 */
public class TalkData {

  static final int BATCH = 2000;

  public static void main(String[] args) throws Exception {
    if (args.length < 5) {
      System.err.println(
          "usage: java -cp DRIVER.jar TalkData.java JDBC_URL USER PASSWORD ROOMS MESSAGES [SEED]");
      System.exit(2);
    }
    String url = args[0];
    int roomCount = Integer.parseInt(args[3]);
    long messageCount = Long.parseLong(args[4]);
    Random random = new Random(args.length > 5 ? Long.parseLong(args[5]) : 20261206L);
    try (Connection db = DriverManager.getConnection(url, args[1], args[2])) {
      db.setAutoCommit(false);
      long t0 = System.nanoTime();
      UUID tenant = null;
      List<UUID> members = new ArrayList<>();
      try (PreparedStatement ps =
              db.prepareStatement(
                  "SELECT id, tenant_id FROM member WHERE status = 'ACTIVE' ORDER BY login_id");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          UUID t = rs.getObject(2, UUID.class);
          if (tenant != null && !tenant.equals(t)) {
            throw new IllegalStateException("more than one company in this database");
          }
          tenant = t;
          members.add(rs.getObject(1, UUID.class));
        }
      }
      if (tenant == null || members.size() < 3) {
        throw new IllegalStateException("create at least three members first");
      }
      Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      Instant from = now.minus(180, ChronoUnit.DAYS);

      // Rooms: 80 % direct (two members), 20 % group rooms of 3 to 60 members (most small).
      List<UUID[]> roomMembers = new ArrayList<>(roomCount);
      List<UUID> roomIds = new ArrayList<>(roomCount);
      List<String> types = new ArrayList<>(roomCount);
      Set<String> directKeys = new HashSet<>();
      int directs = roomCount * 4 / 5;
      int m = members.size();
      int attempts = 0;
      while (roomIds.size() < directs && attempts++ < directs * 20) {
        UUID a = members.get(roomIds.size() % m);
        UUID b = members.get(random.nextInt(m));
        if (a.equals(b)) {
          continue;
        }
        String key = a.compareTo(b) < 0 ? a + ":" + b : b + ":" + a;
        if (!directKeys.add(key)) {
          continue;
        }
        roomIds.add(v7(from.plusSeconds(random.nextInt(3600)), random));
        types.add("direct");
        roomMembers.add(new UUID[] {a, b});
      }
      while (roomIds.size() < roomCount) {
        int size = Math.min(m, 3 + (int) Math.floor(Math.pow(random.nextDouble(), 2.5) * 58));
        Set<UUID> in = new HashSet<>();
        in.add(members.get(roomIds.size() % m));
        while (in.size() < size) {
          in.add(members.get(random.nextInt(m)));
        }
        roomIds.add(v7(from.plusSeconds(random.nextInt(3600)), random));
        types.add("group");
        roomMembers.add(in.toArray(UUID[]::new));
      }

      // Messages per room: a skewed share (a few busy rooms, many quiet ones), at least one each.
      long[] perRoom = new long[roomIds.size()];
      double[] weight = new double[perRoom.length];
      double total = 0;
      for (int i = 0; i < weight.length; i++) {
        weight[i] = 1.0 / Math.pow(1 + random.nextInt(weight.length), 0.7);
        total += weight[i];
      }
      long assigned = 0;
      for (int i = 0; i < perRoom.length; i++) {
        perRoom[i] = Math.max(1, (long) Math.floor(messageCount * weight[i] / total));
        assigned += perRoom[i];
      }
      for (int i = 0; assigned < messageCount; i = (i + 1) % perRoom.length) {
        perRoom[i]++;
        assigned++;
      }
      for (int i = 0; assigned > messageCount; i = (i + 1) % perRoom.length) {
        if (perRoom[i] > 1) {
          perRoom[i]--;
          assigned--;
        }
      }

      // Rooms and their members.
      long tRooms = System.nanoTime();
      long[] lastMillis = new long[perRoom.length];
      long span = now.toEpochMilli() - from.toEpochMilli() - 3_600_000L;
      try (PreparedStatement room =
              db.prepareStatement(
                  "INSERT INTO talk_room (id, tenant_id, type, name, direct_key, created_by,"
                      + " created_at, last_seq, last_activity_at, department_id, include_sub)"
                      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, FALSE)");
          PreparedStatement member =
              db.prepareStatement(
                  "INSERT INTO talk_member (tenant_id, room_id, member_id, role, joined_at,"
                      + " last_read_seq, muted, pinned, archived)"
                      + " VALUES (?, ?, ?, ?, ?, ?, FALSE, FALSE, FALSE)")) {
        int directIndex = 0;
        int rows = 0;
        for (int i = 0; i < roomIds.size(); i++) {
          UUID id = roomIds.get(i);
          Instant created = Instant.ofEpochMilli(id.getMostSignificantBits() >>> 16);
          // The newest message: within the last hour for busy rooms, up to 30 days ago for others.
          long quiet = perRoom[i] > 200 ? random.nextInt(3_600_000) : random.nextLong(span / 6);
          lastMillis[i] = now.toEpochMilli() - quiet;
          UUID[] in = roomMembers.get(i);
          boolean direct = types.get(i).equals("direct");
          room.setObject(1, id);
          room.setObject(2, tenant);
          room.setString(3, types.get(i));
          room.setString(4, direct ? "" : groupName(random, i));
          if (direct) {
            UUID a = in[0];
            UUID b = in[1];
            room.setString(5, a.compareTo(b) < 0 ? a + ":" + b : b + ":" + a);
            directIndex++;
          } else {
            room.setString(5, null);
          }
          room.setObject(6, in[0]);
          room.setTimestamp(7, Timestamp.from(created));
          room.setLong(8, perRoom[i]);
          room.setTimestamp(9, Timestamp.from(Instant.ofEpochMilli(lastMillis[i])));
          room.addBatch();
          for (int k = 0; k < in.length; k++) {
            long behind = random.nextInt(10) < 7 ? 0 : 1 + random.nextInt(20);
            member.setObject(1, tenant);
            member.setObject(2, id);
            member.setObject(3, in[k]);
            member.setString(4, k == 0 && !direct ? "owner" : "member");
            member.setTimestamp(5, Timestamp.from(created));
            member.setLong(6, Math.max(0, perRoom[i] - behind));
            member.addBatch();
            rows++;
          }
          if (i % 500 == 499) {
            room.executeBatch();
            member.executeBatch();
          }
        }
        room.executeBatch();
        member.executeBatch();
        db.commit();
        System.err.printf(
            "rooms: %d (%d direct, %d group), %d room members in %.1f s%n",
            roomIds.size(), directIndex, roomIds.size() - directIndex, rows,
            (System.nanoTime() - tRooms) / 1e9);
      }

      // Messages: per room, seq 1..n in time order between the room's creation and an hour ago.
      long tMessages = System.nanoTime();
      long written = 0;
      long japanese = 0;
      try (PreparedStatement msg =
          db.prepareStatement(
              "INSERT INTO talk_message (id, tenant_id, room_id, seq, sender_id, body, reply_to,"
                  + " mentions, mentions_all, idempotency_key, created_at, kind, forwarded,"
                  + " sender_name) VALUES (?, ?, ?, ?, ?, ?, NULL, '', FALSE, NULL, ?, 'text',"
                  + " FALSE, NULL)")) {
        int pending = 0;
        for (int i = 0; i < roomIds.size(); i++) {
          UUID roomId = roomIds.get(i);
          UUID[] in = roomMembers.get(i);
          long n = perRoom[i];
          long start = (roomId.getMostSignificantBits() >>> 16) + 1000;
          long end = lastMillis[i];
          long[] times = new long[(int) n];
          for (int k = 0; k < n; k++) {
            times[k] = start + (long) (random.nextDouble() * (end - start));
          }
          Arrays.sort(times);
          times[(int) n - 1] = end;
          for (int k = 0; k < n; k++) {
            boolean ja = written % 3 == 0;
            Instant at = Instant.ofEpochMilli(times[k]);
            msg.setObject(1, v7(at, random));
            msg.setObject(2, tenant);
            msg.setObject(3, roomId);
            msg.setLong(4, k + 1);
            msg.setObject(5, in[random.nextInt(in.length)]);
            msg.setString(6, ja ? Texts.japanese(random) : Texts.english(random));
            msg.setTimestamp(7, Timestamp.from(at));
            msg.addBatch();
            written++;
            if (ja) {
              japanese++;
            }
            if (++pending == BATCH) {
              msg.executeBatch();
              db.commit();
              pending = 0;
            }
            if (written % 100_000 == 0) {
              System.err.printf(
                  "  %d messages, %.1f s%n", written, (System.nanoTime() - tMessages) / 1e9);
            }
          }
        }
        msg.executeBatch();
        db.commit();
      }
      System.err.printf(
          "messages: %d (%d Japanese) in %.1f s (%.0f/s)%n",
          written, japanese, (System.nanoTime() - tMessages) / 1e9,
          written / ((System.nanoTime() - tMessages) / 1e9));
      // A check of the invariants the product relies on.
      try (PreparedStatement ps =
              db.prepareStatement(
                  "SELECT COUNT(*) FROM talk_room r WHERE r.tenant_id = ? AND r.last_seq <>"
                      + " (SELECT COUNT(*) FROM talk_message x WHERE x.room_id = r.id)"
                      + " OR r.last_seq <> (SELECT MAX(seq) FROM talk_message x WHERE x.room_id"
                      + " = r.id)");
          PreparedStatement ps2 =
              db.prepareStatement(
                  "SELECT COUNT(*) FROM talk_message x WHERE x.tenant_id = ? AND NOT EXISTS"
                      + " (SELECT 1 FROM talk_member t WHERE t.room_id = x.room_id AND"
                      + " t.member_id = x.sender_id)")) {
        ps.setObject(1, tenant);
        ps2.setObject(1, tenant);
        long bad;
        long outsiders;
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          bad = rs.getLong(1);
        }
        try (ResultSet rs = ps2.executeQuery()) {
          rs.next();
          outsiders = rs.getLong(1);
        }
        System.err.printf(
            "check: rooms whose seq is not 1..last_seq without gaps: %d, messages from"
                + " non-members: %d%n",
            bad, outsiders);
        if (bad != 0 || outsiders != 0) {
          System.exit(1);
        }
      }
      System.err.printf("loader total %.1f s%n", (System.nanoTime() - t0) / 1e9);
      System.out.println(tenant);
    }
  }

  /** A UUIDv7 for the given time, laid out as the product's Ids.next(). */
  static UUID v7(Instant at, Random random) {
    long msb = (at.toEpochMilli() << 16) | (0x7L << 12) | random.nextInt(1 << 12);
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }

  static String groupName(Random random, int i) {
    String[] a = {"営業", "開発", "経理", "人事", "総務", "品質保証", "マーケティング", "Sales", "Platform",
        "Design", "Support", "Legal"};
    String[] b = {"定例", "プロジェクト", "連絡", "相談", "チーム", "news", "team", "sync", "ops"};
    return a[random.nextInt(a.length)] + " " + b[random.nextInt(b.length)] + " " + (i + 1);
  }

  /** Business sentences composed from word lists; Japanese and English. */
  static final class Texts {
    static final String[] JA_TOPIC = {"来週の定例会議", "見積書", "請求書", "新製品の発表", "四半期の売上報告",
        "顧客への提案資料", "出張の日程", "契約書の確認", "採用面接", "システムの移行", "年末調整の書類", "経費精算",
        "社内研修", "取引先との打ち合わせ", "プロジェクトの進捗", "サーバーの保守", "納品スケジュール", "予算案",
        "議事録", "アンケートの集計", "展示会の準備", "品質検査の結果", "在庫の棚卸し", "セキュリティ研修"};
    static final String[] JA_ACTION = {"確認をお願いします", "共有いたします", "修正しました", "明日までに提出します",
        "ご検討ください", "承認をいただけますか", "再度調整させてください", "資料を添付しました", "先方に連絡済みです",
        "延期になりました", "問題ありません", "至急対応をお願いします", "進めておきます", "お手すきの際にご確認ください"};
    static final String[] JA_WHEN = {"本日中に", "明日の午前中に", "今週金曜日までに", "来週月曜日に", "月末までに",
        "午後三時から", "会議の前に", "次回の打ち合わせで", "", ""};
    static final String[] JA_PEOPLE = {"田中さん", "鈴木部長", "佐藤さん", "高橋課長", "渡辺さん", "伊藤さん",
        "山本さん", "中村さん", "小林さん", "加藤さん"};
    static final String[] JA_TAIL = {"よろしくお願いいたします。", "ありがとうございます。", "お疲れさまです。",
        "以上です。", "取り急ぎご連絡まで。", ""};
    static final String[] EN_TOPIC = {"the quarterly report", "the invoice", "the customer proposal",
        "next week's meeting", "the release plan", "the budget draft", "the contract review",
        "the onboarding checklist", "the server migration", "the travel schedule", "the sales figures",
        "the design mockups", "the support backlog", "the security training", "the shipping dates",
        "the survey results", "the hiring plan", "the trade show booth", "the meeting minutes",
        "the inventory count"};
    static final String[] EN_ACTION = {"Could you review", "I have updated", "Please approve",
        "I just shared", "Can we postpone", "Let's finalize", "I am still working on",
        "Thanks for sending", "We need to revise", "I will send", "Did anyone check",
        "Please take a look at"};
    static final String[] EN_WHEN = {"by Friday", "before the meeting", "today", "tomorrow morning",
        "by the end of the month", "this afternoon", "next Monday", "when you have a moment", "", ""};
    static final String[] EN_TAIL = {"Thanks!", "Let me know if anything is unclear.",
        "The customer is waiting.", "No rush.", "I added comments inline.", "", ""};

    static String japanese(Random r) {
      StringBuilder s = new StringBuilder();
      if (r.nextInt(3) == 0) {
        s.append(pick(r, JA_PEOPLE)).append("、");
      }
      s.append(pick(r, JA_TOPIC)).append("について、").append(pick(r, JA_WHEN))
          .append(pick(r, JA_ACTION)).append("。");
      if (r.nextInt(2) == 0) {
        s.append(pick(r, JA_TOPIC)).append("も").append(pick(r, JA_WHEN))
            .append(pick(r, JA_ACTION)).append("。");
      }
      s.append(pick(r, JA_TAIL));
      return s.toString();
    }

    static String english(Random r) {
      StringBuilder s = new StringBuilder();
      s.append(pick(r, EN_ACTION)).append(' ').append(pick(r, EN_TOPIC));
      String when = pick(r, EN_WHEN);
      if (!when.isEmpty()) {
        s.append(' ').append(when);
      }
      s.append(r.nextInt(2) == 0 ? "?" : ".");
      if (r.nextInt(2) == 0) {
        s.append(' ').append(pick(r, EN_ACTION)).append(' ').append(pick(r, EN_TOPIC)).append('.');
      }
      String tail = pick(r, EN_TAIL);
      if (!tail.isEmpty()) {
        s.append(' ').append(tail);
      }
      return s.toString();
    }

    static String pick(Random r, String[] words) {
      return words[r.nextInt(words.length)];
    }
  }

}
