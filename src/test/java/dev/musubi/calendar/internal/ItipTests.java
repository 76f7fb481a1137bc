package dev.musubi.calendar.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.musubi.calendar.internal.CalendarStore.EventRow;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** iTIP REQUEST/CANCEL writing and REPLY reading (RFC 5546). */
class ItipTests {

  private static String reply(String... veventLines) {
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n"
        + String.join("\r\n", veventLines)
        + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  }

  @Test
  void aReplyNamesItsEventVersionAttendeeAndAnswer() {
    List<Itip.Reply> r =
        Itip.readReply(
            reply(
                "UID:abc@musubi",
                "SEQUENCE:3",
                "ATTENDEE;CN=\"Taro; Partner\";PARTSTAT=tentative:MAILTO:Taro@Partner.Example"));
    assertThat(r)
        .containsExactly(
            new Itip.Reply("abc@musubi", 3, null, "taro@partner.example", "tentative"));
  }

  @Test
  void aReplyForOneOccurrenceNamesItsOriginalStartInAnyOfTheUsualForms() {
    java.time.ZoneId tokyo = java.time.ZoneId.of("Asia/Tokyo");
    java.time.Instant second = java.time.Instant.parse("2026-06-08T01:00:00Z");
    for (String rid :
        List.of(
            "RECURRENCE-ID;TZID=Asia/Tokyo:20260608T100000",
            "RECURRENCE-ID:20260608T010000Z",
            "RECURRENCE-ID;TZID=\"Tokyo Standard Time\":20260608T100000",
            "RECURRENCE-ID:20260608T100000")) {
      List<Itip.Reply> r =
          Itip.readReply(
              reply("UID:abc@musubi", rid, "ATTENDEE;PARTSTAT=DECLINED:mailto:a@b.example"));
      assertThat(r).as(rid).hasSize(1);
      assertThat(r.getFirst().recurrenceId()).isNotNull();
      assertThat(r.getFirst().recurrenceId().at(tokyo)).as(rid).isEqualTo(second);
      assertThat(r.getFirst().partstat()).isEqualTo("declined");
    }
    List<Itip.Reply> allDay =
        Itip.readReply(
            reply(
                "UID:abc@musubi",
                "RECURRENCE-ID;VALUE=DATE:20260608",
                "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.example"));
    assertThat(allDay.getFirst().recurrenceId().at(tokyo))
        .isEqualTo(java.time.Instant.parse("2026-06-07T15:00:00Z"));
    // A RECURRENCE-ID that is no date: the answer is not read as one for the whole series.
    assertThat(
            Itip.readReply(
                reply(
                    "UID:abc@musubi",
                    "RECURRENCE-ID:next monday",
                    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.example")))
        .isEmpty();
  }

  @Test
  void whatIsNotAWellFormedReplyYieldsNoAnswer() {
    // Not a REPLY, or not iCalendar at all.
    assertThat(
            Itip.readReply(
                reply("UID:a", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.example")
                    .replace("METHOD:REPLY", "METHOD:REQUEST")))
        .isEmpty();
    assertThat(Itip.readReply("hello")).isEmpty();
    assertThat(Itip.readReply("BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n")).isEmpty();
    // Two attendees, no attendee, no UID, an answer that is not one, a bad SEQUENCE, not mailto.
    assertThat(
            Itip.readReply(
                reply(
                    "UID:a",
                    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.example",
                    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:c@b.example")))
        .isEmpty();
    assertThat(Itip.readReply(reply("UID:a"))).isEmpty();
    assertThat(Itip.readReply(reply("ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.example"))).isEmpty();
    assertThat(Itip.readReply(reply("UID:a", "ATTENDEE;PARTSTAT=DELEGATED:mailto:a@b.example")))
        .isEmpty();
    assertThat(
            Itip.readReply(
                reply("UID:a", "SEQUENCE:x", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.example")))
        .isEmpty();
    assertThat(Itip.readReply(reply("UID:a", "ATTENDEE;PARTSTAT=ACCEPTED:urn:uuid:1234")))
        .isEmpty();
    // Too large to read.
    assertThat(
            Itip.readReply(
                reply(
                    "UID:a",
                    "DESCRIPTION:" + "x".repeat(Itip.MAX_REPLY_BYTES),
                    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b.example")))
        .isEmpty();
  }

  @Test
  void aRequestCannotBeInjectedThroughTextFields() {
    EventRow e =
        new EventRow(
            UUID.randomUUID(),
            UUID.randomUUID(),
            UUID.randomUUID(),
            "u1@musubi",
            null,
            null,
            UUID.randomUUID(),
            "会議\r\nATTENDEE:mailto:evil@example.com",
            "room;x,y",
            "line1\nEND:VEVENT",
            false,
            "Asia/Tokyo",
            LocalDateTime.parse("2026-04-10T14:00"),
            Instant.parse("2026-04-10T05:00:00Z"),
            Instant.parse("2026-04-10T06:00:00Z"),
            Duration.ofHours(1),
            null,
            List.of(),
            List.of(),
            Instant.parse("2026-04-10T06:00:00Z"),
            "public",
            List.of(),
            List.of(),
            null,
            0,
            "etag",
            Instant.EPOCH,
            Instant.EPOCH,
            "OPAQUE",
            "CONFIRMED");
    String ics =
        Itip.write(
            "REQUEST",
            new Itip.Organizer("aoki@example.jp", "青木 \"Boss\""),
            List.of(new Itip.Invitee("x@partner.example", "X\r\nMETHOD:CANCEL", true)),
            e,
            List.of(),
            2,
            Instant.parse("2026-04-01T00:00:00Z"));
    String unfolded = ics.replace("\r\n ", "");
    assertThat(unfolded.lines().filter(l -> l.startsWith("ATTENDEE"))).hasSize(1);
    assertThat(unfolded.lines().filter(l -> l.startsWith("METHOD")))
        .containsExactly("METHOD:REQUEST");
    assertThat(unfolded.lines().filter(l -> l.equals("END:VEVENT"))).hasSize(1);
    assertThat(unfolded)
        .contains("SUMMARY:会議\\nATTENDEE:mailto:evil@example.com")
        .contains("LOCATION:room\\;x\\,y")
        .contains("SEQUENCE:2")
        .contains("DTSTAMP:20260401T000000Z")
        .contains("RSVP=TRUE:mailto:x@partner.example");
    // ical4j, as a calendar client would, reads it back: one event, one attendee asked to answer.
    net.fortuna.ical4j.model.Calendar parsed;
    try {
      parsed = new net.fortuna.ical4j.data.CalendarBuilder().build(new java.io.StringReader(ics));
    } catch (Exception x) {
      throw new AssertionError(x);
    }
    assertThat(parsed.getProperty("METHOD").orElseThrow().getValue()).isEqualTo("REQUEST");
    net.fortuna.ical4j.model.component.VEvent ev =
        parsed.<net.fortuna.ical4j.model.component.VEvent>getComponents("VEVENT").getFirst();
    assertThat(ev.getProperty("UID").orElseThrow().getValue()).isEqualTo("u1@musubi");
    assertThat(ev.getProperty("SEQUENCE").orElseThrow().getValue()).isEqualTo("2");
    assertThat(ev.getProperty("SUMMARY").orElseThrow().getValue())
        .isEqualTo("会議\nATTENDEE:mailto:evil@example.com");
    assertThat(ev.getProperties("ATTENDEE")).hasSize(1);
    assertThat(
            ev.getProperties("ATTENDEE").getFirst().getParameter("RSVP").orElseThrow().getValue())
        .isEqualTo("TRUE");
    assertThat(ev.getProperty("ORGANIZER").orElseThrow().getValue())
        .isEqualTo("mailto:aoki@example.jp");
    // Every physical line of the event is at most 75 octets.
    assertThat(ics.substring(ics.indexOf("BEGIN:VEVENT")).split("\r\n"))
        .allMatch(l -> l.getBytes(StandardCharsets.UTF_8).length <= 75);
  }

  @FuzzTest(maxDuration = "30s")
  void anyMailTextNeverCrashesTheReplyReader(byte[] input) {
    exercise(new String(input, StandardCharsets.UTF_8));
  }

  @Test
  void seededRandomRepliesNeverCrashTheReader() {
    Random random = new Random(6047);
    String[] pieces = {
      "BEGIN:VCALENDAR\r\n",
      "METHOD:REPLY\r\n",
      "BEGIN:VEVENT\r\n",
      "END:VEVENT\r\n",
      "END:VCALENDAR\r\n",
      "UID:a\r\n",
      "SEQUENCE:9\r\n",
      "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@b\r\n",
      "BEGIN:VALARM\r\n",
      "END:VALARM\r\n",
      " folded\r\n",
      ";\"",
      ":",
      "=",
      "\\",
      "\n",
      "日本"
    };
    for (int i = 0; i < 5_000; i++) {
      StringBuilder b = new StringBuilder();
      int n = random.nextInt(30);
      for (int j = 0; j < n; j++) {
        b.append(pieces[random.nextInt(pieces.length)]);
      }
      exercise(b.toString());
    }
  }

  private static void exercise(String text) {
    for (Itip.Reply r : Itip.readReply(text)) {
      assertThat(r.partstat()).isIn("accepted", "tentative", "declined");
      assertThat(r.attendee()).isNotEmpty();
    }
  }
}
