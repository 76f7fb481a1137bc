package dev.musubi.calendar;

import static dev.musubi.calendar.CalendarApi.create;
import static dev.musubi.calendar.CalendarApi.defaultCalendar;
import static dev.musubi.calendar.CalendarApi.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.musubi.mail.internal.OutboundSender;
import dev.musubi.mail.smtp.PartnerDnsConfiguration;
import dev.musubi.mail.smtp.SmtpServer;
import dev.musubi.testing.ApiClient;
import dev.musubi.testing.Fixtures;
import dev.musubi.testing.Fixtures.TestCompany;
import dev.musubi.testing.Fixtures.TestMember;
import dev.musubi.testing.MusubiIntegrationTest;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.subethamail.smtp.helper.SimpleMessageListener;
import org.subethamail.smtp.server.SMTPServer;
import tools.jackson.databind.JsonNode;

/**
 * Invitations by e-mail (iMIP): outside attendees receive REQUEST and CANCEL mails through the real
 * outbound queue at a real SMTP smarthost on a loopback port, and their REPLYs, delivered by
 * Debian's swaks to the real SMTP server, update their answer as the calendar API shows it.
 */
@MusubiIntegrationTest
@Import(PartnerDnsConfiguration.class)
class ImipIntegrationTests {

  record Received(String to, byte[] data) {}

  static final List<Received> received = new CopyOnWriteArrayList<>();
  static SMTPServer smarthost;

  @LocalServerPort int port;
  @Autowired OutboundSender sender;
  @Autowired SmtpServer smtp;
  @Autowired JdbcClient jdbc;

  Fixtures fixtures;
  TestCompany company;
  TestMember aoki;
  TestMember baba;

  @BeforeAll
  static void startSmarthost() {
    smarthost =
        SMTPServer.port(0)
            .bindAddress(InetAddress.getLoopbackAddress())
            .simpleMessageListener(
                new SimpleMessageListener() {
                  @Override
                  public boolean accept(String from, String recipient) {
                    return true;
                  }

                  @Override
                  public void deliver(String from, String recipient, InputStream data)
                      throws java.io.IOException {
                    received.add(new Received(recipient, data.readAllBytes()));
                  }
                })
            .build();
    smarthost.start();
  }

  @AfterAll
  static void stopSmarthost() {
    System.clearProperty("musubi.mail.smarthost");
    smarthost.stop();
  }

  @BeforeEach
  void setUp() {
    System.setProperty("musubi.mail.smarthost", "127.0.0.1:" + smarthost.getPortAllocated());
    fixtures = new Fixtures(port);
    company = fixtures.company();
    aoki = fixtures.member(company, "aoki");
    baba = fixtures.member(company, "baba");
  }

  private List<MimeMessage> mailsTo(String address, int atLeast) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              sender.runOnce();
              return received.stream().filter(r -> r.to().equals(address)).count() >= atLeast;
            });
    List<MimeMessage> out = new ArrayList<>();
    for (Received r : received) {
      if (r.to().equals(address)) {
        out.add(parse(r.data()));
      }
    }
    return out;
  }

  private static MimeMessage parse(byte[] data) {
    try {
      return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(data));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The text/calendar body part (not the attachment) and the invite.ics attachment. */
  private static String[] calendarParts(MimeMessage m) throws Exception {
    assertThat(m.isMimeType("multipart/mixed")).isTrue();
    Multipart mixed = (Multipart) m.getContent();
    BodyPart alternative = mixed.getBodyPart(0);
    assertThat(alternative.isMimeType("multipart/alternative")).isTrue();
    Multipart alt = (Multipart) alternative.getContent();
    assertThat(alt.getBodyPart(0).isMimeType("text/plain")).isTrue();
    BodyPart cal = alt.getBodyPart(1);
    assertThat(cal.isMimeType("text/calendar")).isTrue();
    BodyPart file = mixed.getBodyPart(1);
    assertThat(file.getFileName()).isEqualTo("invite.ics");
    assertThat(file.getDisposition()).isEqualTo(Part.ATTACHMENT);
    return new String[] {
      (String) alt.getBodyPart(0).getContent(),
      new String(cal.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
      cal.getContentType(),
      new String(file.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
    };
  }

  private static String unfold(String ics) {
    return ics.replace("\r\n ", "");
  }

  @Test
  void outsideAttendeesGetRequestsUpdatesAndCancellationsFromTheOrganiser() throws Exception {
    String partner = "partner-" + System.nanoTime() + "@partner.example";
    String other = "other-" + System.nanoTime() + "@partner.example";
    String cal = defaultCalendar(aoki.client());
    JsonNode e =
        create(
            aoki.client(),
            cal,
            event(
                "四半期レビュー",
                "2026-04-10T14:00",
                "2026-04-10T15:00",
                "timeZone",
                "Asia/Tokyo",
                "location",
                "本社 第一会議室",
                "rrule",
                "FREQ=WEEKLY;COUNT=4",
                "attendees",
                List.of(
                    Map.of("memberId", baba.id().toString()),
                    Map.of("email", partner, "name", "取引先 太郎"))));
    String id = e.get("id").asString();
    String uid = e.get("uid").asString();
    String from = "aoki@" + company.domain();

    MimeMessage invite = mailsTo(partner, 1).getFirst();
    assertThat(invite.getFrom()[0].toString()).contains(from);
    assertThat(invite.getSubject()).contains("招待: 四半期レビュー").contains("Invitation");
    String[] parts = calendarParts(invite);
    assertThat(parts[0])
        .contains("四半期レビュー")
        .contains("2026年4月10日")
        .contains("14:00–15:00 (Asia/Tokyo)")
        .contains("本社 第一会議室")
        .contains("Title: 四半期レビュー")
        .contains("Organiser:");
    assertThat(parts[2]).contains("method=REQUEST").contains("UTF-8");
    String ics = unfold(parts[1]);
    assertThat(ics)
        .contains("METHOD:REQUEST")
        .contains("UID:" + uid)
        .contains("SEQUENCE:0")
        .contains("DTSTAMP:")
        .contains("RRULE:FREQ=WEEKLY;COUNT=4")
        .contains("DTSTART;TZID=Asia/Tokyo:20260410T140000")
        .contains("BEGIN:VTIMEZONE")
        .contains("ORGANIZER;CN=")
        .contains(":mailto:" + from)
        .contains("RSVP=TRUE:mailto:" + partner);
    assertThat(unfold(parts[3])).isEqualTo(ics);
    // Members are invited inside Musubi, not by mail; the organiser's Sent keeps no copy.
    assertThat(received.stream().filter(r -> r.to().contains("baba@"))).isEmpty();

    // A significant change: the next SEQUENCE, same UID.
    ApiClient.Response moved =
        aoki.client()
            .patch(
                "/api/v1/events/" + id + "?scope=all",
                Map.of("start", "2026-04-10T16:00", "end", "2026-04-10T17:00"));
    assertThat(moved.status()).as(moved.body()).isEqualTo(200);
    MimeMessage update = mailsTo(partner, 2).get(1);
    assertThat(update.getSubject()).contains("更新");
    String updated = unfold(calendarParts(update)[1]);
    assertThat(updated)
        .contains("UID:" + uid)
        .contains("SEQUENCE:1")
        .contains("DTSTART;TZID=Asia/Tokyo:20260410T160000");

    // One occurrence moved: the series goes out again with the override (RECURRENCE-ID).
    ApiClient.Response one =
        aoki.client()
            .patch(
                "/api/v1/events/" + id + "?scope=this&occurrence=2026-04-17T07:00:00Z",
                Map.of("start", "2026-04-17T18:00", "end", "2026-04-17T19:00"));
    assertThat(one.status()).as(one.body()).isEqualTo(200);
    String withOverride = unfold(calendarParts(mailsTo(partner, 3).get(2))[1]);
    assertThat(withOverride)
        .contains("SEQUENCE:2")
        .contains("RECURRENCE-ID;TZID=Asia/Tokyo:20260417T160000")
        .contains("DTSTART;TZID=Asia/Tokyo:20260417T180000");

    // Replacing the outside attendee: CANCEL to the one removed, REQUEST to the new one.
    ApiClient.Response swap =
        aoki.client()
            .patch(
                "/api/v1/events/" + id + "?scope=all",
                Map.of(
                    "attendees",
                    List.of(
                        Map.of("memberId", baba.id().toString()),
                        Map.of("email", other, "name", "別の人"))));
    assertThat(swap.status()).as(swap.body()).isEqualTo(200);
    MimeMessage cancel = mailsTo(partner, 4).get(3);
    assertThat(cancel.getSubject()).contains("中止");
    String[] cancelParts = calendarParts(cancel);
    assertThat(cancelParts[2]).contains("method=CANCEL");
    assertThat(unfold(cancelParts[1]))
        .contains("METHOD:CANCEL")
        .contains("UID:" + uid)
        .contains("STATUS:CANCELLED")
        .contains("mailto:" + partner);
    String toOther = unfold(calendarParts(mailsTo(other, 1).getFirst())[1]);
    assertThat(toOther).contains("METHOD:REQUEST").contains("mailto:" + other);
    assertThat(toOther).doesNotContain(partner);

    // Deleting the event cancels it for the remaining outside attendee.
    assertThat(aoki.client().delete("/api/v1/events/" + id + "?scope=all").status()).isEqualTo(204);
    String gone = unfold(calendarParts(mailsTo(other, 2).get(1))[1]);
    assertThat(gone).contains("METHOD:CANCEL").contains("UID:" + uid);

    // No copies in the organiser's Sent folder.
    assertThat(folderTotal(aoki.client(), "sent")).isZero();
  }

  @Test
  void anInvitationByMailListsTheAttachedFileNames() throws Exception {
    String partner = "files-" + System.nanoTime() + "@partner.example";
    dev.musubi.drive.DriveClient drive = new dev.musubi.drive.DriveClient(port, aoki.client());
    String file =
        drive
            .uploaded(drive.root(), "会社案内.txt", "案内".getBytes(StandardCharsets.UTF_8))
            .get("id")
            .asString();
    String id =
        create(
                aoki.client(),
                defaultCalendar(aoki.client()),
                event(
                    "会社説明会",
                    "2026-04-20T10:00",
                    "2026-04-20T11:00",
                    "timeZone",
                    "Asia/Tokyo",
                    "attendees",
                    List.of(Map.of("email", partner)),
                    "attachments",
                    List.of(Map.of("fileId", file))))
            .get("id")
            .asString();
    String text = calendarParts(mailsTo(partner, 1).getFirst())[0];
    assertThat(text).contains("添付ファイル: 会社案内.txt").contains("Attachments: 会社案内.txt");

    // Only the files change: the attendee gets the update (next SEQUENCE) with the new list.
    String agenda =
        drive
            .uploaded(drive.root(), "当日の流れ.txt", "流れ".getBytes(StandardCharsets.UTF_8))
            .get("id")
            .asString();
    ApiClient.Response attached =
        aoki.client()
            .patch(
                "/api/v1/events/" + id + "?scope=all",
                Map.of("attachments", List.of(Map.of("fileId", file), Map.of("fileId", agenda))));
    assertThat(attached.status()).as(attached.body()).isEqualTo(200);
    MimeMessage update = mailsTo(partner, 2).get(1);
    assertThat(update.getSubject()).contains("更新");
    String[] parts = calendarParts(update);
    assertThat(parts[0]).contains("当日の流れ.txt").contains("会社案内.txt");
    assertThat(unfold(parts[1])).contains("SEQUENCE:1").contains("METHOD:REQUEST");
  }

  @Test
  void aReplyByMailUpdatesTheAnswerAndForgedRepliesChangeNothing() throws Exception {
    String partner = "taro-" + System.nanoTime() + "@partner.example";
    String cal = defaultCalendar(aoki.client());
    JsonNode e =
        create(
            aoki.client(),
            cal,
            event(
                "契約打ち合わせ",
                "2026-05-12T10:00",
                "2026-05-12T11:00",
                "attendees",
                List.of(Map.of("email", partner, "name", "取引先 太郎"))));
    String id = e.get("id").asString();
    String uid = e.get("uid").asString();
    mailsTo(partner, 1);
    String aokiAddress = "aoki@" + company.domain();
    String babaAddress = "baba@" + company.domain();

    // Forged: an address that was not invited; an unknown UID; sent to someone else than the
    // organiser; sent by someone else than the attendee it answers for.
    reply("stranger@partner.example", aokiAddress, uid, 0, "stranger@partner.example", "ACCEPTED");
    reply(partner, aokiAddress, "no-such-uid@partner.example", 0, partner, "ACCEPTED");
    reply(partner, babaAddress, uid, 0, partner, "ACCEPTED");
    reply("mallory@partner.example", aokiAddress, uid, 0, partner, "DECLINED");
    awaitRepliesProcessed(aoki.client(), 3);
    awaitRepliesProcessed(baba.client(), 1);
    assertThat(status(id, partner)).isEqualTo("needs-action");

    // The real answer.
    reply(partner, aokiAddress, uid, 0, partner, "TENTATIVE");
    await().atMost(Duration.ofSeconds(30)).until(() -> "tentative".equals(status(id, partner)));

    // After an update (SEQUENCE 1), an answer to the old version is ignored; a new one counts.
    ApiClient.Response moved =
        aoki.client()
            .patch(
                "/api/v1/events/" + id,
                Map.of("start", "2026-05-12T13:00", "end", "2026-05-12T14:00"));
    assertThat(moved.status()).as(moved.body()).isEqualTo(200);
    mailsTo(partner, 2);
    assertThat(status(id, partner)).isEqualTo("needs-action");
    reply(partner, aokiAddress, uid, 0, partner, "DECLINED");
    awaitRepliesProcessed(aoki.client(), 5);
    assertThat(status(id, partner)).isEqualTo("needs-action");
    reply(partner, aokiAddress, uid, 1, partner, "ACCEPTED");
    await().atMost(Duration.ofSeconds(30)).until(() -> "accepted".equals(status(id, partner)));
  }

  @Test
  void aReplyForOneOccurrenceChangesOnlyThatOccurrenceAndForgedOnesChangeNothing()
      throws Exception {
    String partner = "hanako-" + System.nanoTime() + "@partner.example";
    String cal = defaultCalendar(aoki.client());
    JsonNode e =
        create(
            aoki.client(),
            cal,
            event(
                "週次連絡会",
                "2026-06-01T10:00",
                "2026-06-01T11:00",
                "timeZone",
                "Asia/Tokyo",
                "rrule",
                "FREQ=WEEKLY;COUNT=4",
                "attendees",
                List.of(
                    Map.of("memberId", baba.id().toString()),
                    Map.of("email", partner, "name", "取引先 花子"))));
    String id = e.get("id").asString();
    String uid = e.get("uid").asString();
    String aokiAddress = "aoki@" + company.domain();

    // The invitation lists everyone invited: the member by name and address, the outside guest.
    String[] parts = calendarParts(mailsTo(partner, 1).getFirst());
    String babaAddress = "baba@" + company.domain();
    assertThat(parts[0])
        .contains("参加者:")
        .contains("山田 baba <" + babaAddress + ">")
        .contains("Attendees:")
        .contains("取引先 花子 <" + partner + ">");
    String ics = unfold(parts[1]);
    assertThat(ics)
        .contains(
            "ATTENDEE;CN=\"山田 baba\";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:mailto:"
                + babaAddress)
        .contains("PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:" + partner);

    String second = "RECURRENCE-ID;TZID=Asia/Tokyo:20260608T100000";
    // Forged or wrong: another sender; an instant that is no occurrence; an old SEQUENCE after an
    // update is tested for the series already, the same check applies here.
    reply("mallory@partner.example", aokiAddress, uid, 0, partner, "ACCEPTED", second);
    reply(partner, aokiAddress, uid, 0, partner, "ACCEPTED", "RECURRENCE-ID:20260609T010000Z");
    // The real answer for the second occurrence only (in UTC, as some clients write it).
    reply(partner, aokiAddress, uid, 0, partner, "DECLINED", "RECURRENCE-ID:20260608T010000Z");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "declined".equals(status(id, partner, "2026-06-08T01:00:00Z")));
    awaitRepliesProcessed(aoki.client(), 3);
    assertThat(status(id, partner)).isEqualTo("needs-action");
    assertThat(status(id, partner, "2026-06-15T01:00:00Z")).isEqualTo("needs-action");
    JsonNode answers = aoki.client().get("/api/v1/events/" + id).json().get("occurrenceAnswers");
    assertThat(answers).hasSize(1);
    assertThat(answers.get(0).get("email").asString()).isEqualTo(partner);
    assertThat(answers.get(0).get("status").asString()).isEqualTo("declined");

    // A REPLY for the whole series replaces it.
    reply(partner, aokiAddress, uid, 0, partner, "ACCEPTED");
    await().atMost(Duration.ofSeconds(30)).until(() -> "accepted".equals(status(id, partner)));
    assertThat(status(id, partner, "2026-06-08T01:00:00Z")).isEqualTo("accepted");
  }

  @Test
  void deletingOneOccurrenceCancelsOnlyItAndThisAndFollowingSendsTheShortenedRule()
      throws Exception {
    String partner = "jiro-" + System.nanoTime() + "@partner.example";
    String cal = defaultCalendar(aoki.client());
    JsonNode e =
        create(
            aoki.client(),
            cal,
            event(
                "月曜朝会",
                "2026-07-06T10:00",
                "2026-07-06T10:30",
                "timeZone",
                "Asia/Tokyo",
                "rrule",
                "FREQ=WEEKLY;COUNT=4",
                "attendees",
                List.of(Map.of("email", partner, "name", "取引先 次郎"))));
    String id = e.get("id").asString();
    String uid = e.get("uid").asString();
    mailsTo(partner, 1);

    assertThat(
            aoki.client()
                .delete("/api/v1/events/" + id + "?scope=this&occurrence=2026-07-13T01:00:00Z")
                .status())
        .isEqualTo(204);
    MimeMessage cancel = mailsTo(partner, 2).get(1);
    assertThat(cancel.getSubject()).contains("中止");
    String[] cancelParts = calendarParts(cancel);
    assertThat(cancelParts[2]).contains("method=CANCEL");
    String one = unfold(cancelParts[1]);
    assertThat(one)
        .contains("METHOD:CANCEL")
        .contains("UID:" + uid)
        .contains("SEQUENCE:1")
        .contains("RECURRENCE-ID;TZID=Asia/Tokyo:20260713T100000")
        .contains("DTSTART;TZID=Asia/Tokyo:20260713T100000")
        .contains("STATUS:CANCELLED");
    assertThat(one.substring(one.indexOf("BEGIN:VEVENT"))).doesNotContain("RRULE");
    assertThat(cancelParts[0]).contains("2026年7月13日");

    // "This and following": the series again with its rule ended before the chosen occurrence.
    assertThat(
            aoki.client()
                .delete("/api/v1/events/" + id + "?scope=following&occurrence=2026-07-20T01:00:00Z")
                .status())
        .isEqualTo(204);
    MimeMessage shortened = mailsTo(partner, 3).get(2);
    String rest = unfold(calendarParts(shortened)[1]);
    assertThat(rest)
        .contains("METHOD:REQUEST")
        .contains("UID:" + uid)
        .contains("SEQUENCE:2")
        .contains("RRULE:FREQ=WEEKLY;UNTIL=20260720T005959Z")
        .contains("EXDATE;TZID=Asia/Tokyo:20260713T100000")
        .doesNotContain("COUNT=4")
        .doesNotContain("RECURRENCE-ID");
  }

  private String status(String eventId, String email, String occurrence) {
    JsonNode ev =
        aoki.client().get("/api/v1/events/" + eventId + "?occurrence=" + occurrence).json();
    for (JsonNode a : ev.get("attendees")) {
      if (email.equals(a.path("email").asString(""))) {
        return a.get("status").asString();
      }
    }
    throw new AssertionError("no attendee " + email);
  }

  private String status(String eventId, String email) {
    JsonNode ev = aoki.client().get("/api/v1/events/" + eventId).json();
    for (JsonNode a : ev.get("attendees")) {
      if (email.equals(a.path("email").asString(""))) {
        return a.get("status").asString();
      }
    }
    throw new AssertionError("no attendee " + email);
  }

  /** Sends an iTIP REPLY with swaks through the real SMTP server. */
  private void reply(
      String from, String to, String uid, int sequence, String attendee, String partstat)
      throws Exception {
    reply(from, to, uid, sequence, attendee, partstat, "X-NO-OCCURRENCE:1");
  }

  /** A REPLY with one more line in its VEVENT (a RECURRENCE-ID). */
  private void reply(
      String from,
      String to,
      String uid,
      int sequence,
      String attendee,
      String partstat,
      String extra)
      throws Exception {
    String ics =
        String.join(
            "\r\n",
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Partner//Mail//EN",
            "METHOD:REPLY",
            "BEGIN:VEVENT",
            "UID:" + uid,
            extra,
            "DTSTAMP:20260401T000000Z",
            "SEQUENCE:" + sequence,
            "DTSTART:20260512T010000Z",
            "ORGANIZER:mailto:" + to,
            "ATTENDEE;PARTSTAT=" + partstat + ";CN=Taro:mailto:" + attendee,
            "END:VEVENT",
            "END:VCALENDAR",
            "");
    String message =
        String.join(
            "\r\n",
            "From: Taro <" + from + ">",
            "To: " + to,
            "Subject: Accepted: meeting",
            "Message-ID: <" + System.nanoTime() + "@partner.example>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"b1\"",
            "",
            "--b1",
            "Content-Type: text/plain; charset=UTF-8",
            "",
            "Taro has answered.",
            "--b1",
            "Content-Type: text/calendar; method=REPLY; charset=UTF-8",
            "",
            ics,
            "--b1--",
            "");
    Path file = Files.createTempFile("imip-reply", ".eml");
    Files.writeString(file, message);
    Process p =
        new ProcessBuilder(
                "swaks",
                "--server",
                "127.0.0.1",
                "--port",
                String.valueOf(smtp.port()),
                "--helo",
                "mail.partner.example",
                "--from",
                from,
                "--to",
                to,
                "--data",
                file.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    Files.deleteIfExists(file);
    assertThat(out).as(out).contains("<-  250 2.0.0");
  }

  /** Waits until the member's inbox has the messages and the calendar has looked at each. */
  private void awaitRepliesProcessed(ApiClient member, int messages) {
    await().atMost(Duration.ofSeconds(30)).until(() -> folderTotal(member, "inbox") >= messages);
    JsonNode inbox = folder(member, "inbox");
    JsonNode items =
        member.get("/api/v1/mail/folders/" + inbox.get("id").asString() + "/messages").json();
    List<String> ids = new ArrayList<>();
    items.get("items").forEach(i -> ids.add(i.get("id").asString()));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                ids.stream()
                    .allMatch(
                        m ->
                            jdbc.sql(
                                        "SELECT COUNT(*) FROM event_publication WHERE"
                                            + " serialized_event LIKE ? AND completion_date IS"
                                            + " NULL")
                                    .param("%" + m + "%")
                                    .query(Integer.class)
                                    .single()
                                == 0));
  }

  private static JsonNode folder(ApiClient member, String role) {
    for (JsonNode f : member.get("/api/v1/mail/folders").json()) {
      if (role.equals(f.path("role").asString(""))) {
        return f;
      }
    }
    throw new AssertionError("no " + role + " folder");
  }

  private static long folderTotal(ApiClient member, String role) {
    return folder(member, role).get("total").asLong();
  }

  static String group(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    return m.find() ? m.group(1) : "";
  }
}
