package dev.musubi.calendar.internal;

import dev.musubi.calendar.internal.CalendarStore.EventRow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * iTIP (RFC 5546) messages for iMIP (RFC 6047): the REQUEST and CANCEL an organiser sends to
 * attendees outside the company, and the REPLY they send back. Plain Java over {@link Ics}'s
 * escaping, folding and ical4j's VTIMEZONE data; no Spring.
 */
public final class Itip {

  /** The largest calendar part read from a REPLY. */
  public static final int MAX_REPLY_BYTES = 256 * 1024;

  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss");
  private static final DateTimeFormatter DATE = DateTimeFormatter.BASIC_ISO_DATE;
  private static final Pattern METHOD_REPLY = Pattern.compile("(?im)^METHOD:\\s*REPLY\\s*$");

  private Itip() {}

  /** The organiser as written in ORGANIZER. */
  public record Organizer(String address, String name) {}

  /**
   * An attendee as written in ATTENDEE: an outside one is asked to reply (RSVP); a member answers
   * inside Musubi and is listed so that outside guests see who else is invited.
   */
  public record Invitee(String address, String name, boolean required, boolean rsvp) {
    public Invitee(String address, String name, boolean required) {
      this(address, name, required, true);
    }
  }

  /**
   * A REQUEST (the master and its overridden occurrences, each with RECURRENCE-ID) or a CANCEL (the
   * master only, STATUS:CANCELLED) for the given attendees.
   *
   * @param method REQUEST or CANCEL
   */
  public static String write(
      String method,
      Organizer organizer,
      List<Invitee> invitees,
      EventRow master,
      List<EventRow> overrides,
      int sequence,
      Instant stamp) {
    boolean cancel = method.equals("CANCEL");
    StringBuilder out = new StringBuilder();
    Ics.line(out, "BEGIN:VCALENDAR");
    Ics.line(out, "VERSION:2.0");
    Ics.line(out, "PRODID:-//Musubi//Calendar//JA");
    Ics.line(out, "CALSCALE:GREGORIAN");
    // RFC 5546 §1.4: the METHOD property says what the receiver is asked to do.
    Ics.line(out, "METHOD:" + method);
    Set<String> zones = new LinkedHashSet<>();
    if (!master.allDay()) {
      zones.add(master.timeZone());
    }
    if (!cancel) {
      overrides.stream().filter(o -> !o.allDay()).forEach(o -> zones.add(o.timeZone()));
    }
    for (String z : zones) {
      Ics.timezone(out, z);
    }
    vevent(out, master, organizer, invitees, sequence, stamp, cancel);
    if (!cancel) {
      for (EventRow o : overrides) {
        if (!master.exdates().contains(o.recurrenceId())) {
          vevent(out, o, organizer, invitees, sequence, stamp, false);
        }
      }
    }
    Ics.line(out, "END:VCALENDAR");
    return out.toString();
  }

  private static void vevent(
      StringBuilder out,
      EventRow e,
      Organizer organizer,
      List<Invitee> invitees,
      int sequence,
      Instant stamp,
      boolean cancel) {
    ZoneId zone = ZoneId.of(e.timeZone());
    Ics.line(out, "BEGIN:VEVENT");
    Ics.line(out, "UID:" + Ics.text(e.uid()));
    Ics.line(out, "DTSTAMP:" + UTC.format(stamp));
    // RFC 5546 §2.1.4: SEQUENCE orders the versions of one UID; a higher one supersedes.
    Ics.line(out, "SEQUENCE:" + sequence);
    if (e.recurrenceId() != null) {
      Ics.line(out, "RECURRENCE-ID" + dateTime(e.recurrenceId(), e.allDay(), zone));
    }
    Ics.line(out, "DTSTART" + dateTime(e.startAt(), e.allDay(), zone));
    Ics.line(out, "DTEND" + dateTime(e.endAt(), e.allDay(), zone));
    if (e.rrule() != null && e.recurrenceId() == null) {
      Ics.line(out, "RRULE:" + e.rrule().replaceAll("[\\r\\n]", ""));
      for (Instant x : e.exdates()) {
        Ics.line(out, "EXDATE" + dateTime(x, e.allDay(), zone));
      }
    }
    if (e.recurrenceId() == null) {
      for (Instant r : e.rdates()) {
        Ics.line(out, "RDATE" + dateTime(r, e.allDay(), zone));
      }
    }
    Ics.line(out, "SUMMARY:" + Ics.text(e.title()));
    if (!e.location().isEmpty()) {
      Ics.line(out, "LOCATION:" + Ics.text(e.location()));
    }
    if (!e.description().isEmpty()) {
      Ics.line(out, "DESCRIPTION:" + Ics.text(e.description()));
    }
    Ics.line(
        out, "ORGANIZER;CN=" + param(organizer.name()) + ":mailto:" + address(organizer.address()));
    for (Invitee i : invitees) {
      Ics.line(
          out,
          "ATTENDEE;CN="
              + param(i.name().isEmpty() ? i.address() : i.name())
              + ";ROLE="
              + (i.required() ? "REQ-PARTICIPANT" : "OPT-PARTICIPANT")
              + ";PARTSTAT=NEEDS-ACTION"
              + (cancel || !i.rsvp() ? "" : ";RSVP=TRUE")
              + ":mailto:"
              + address(i.address()));
    }
    Ics.line(out, "STATUS:" + (cancel ? EventRow.CANCELLED : e.status()));
    Ics.line(out, "TRANSP:" + e.transparency());
    Ics.line(out, "END:VEVENT");
  }

  /**
   * A digest of what makes a change significant to an attendee (times, recurrence, overridden
   * occurrences, title, place, description and attached files, which the invitation lists);
   * attendees' answers are left out. Without attachments it is the digest earlier versions stored.
   */
  public static String digest(
      EventRow master, List<EventRow> overrides, List<CalendarStore.AttachmentRow> attachments) {
    StringBuilder b = new StringBuilder();
    fields(b, master);
    attachments(b, master, attachments);
    for (EventRow o : overrides) {
      b.append("|override:").append(o.recurrenceId());
      fields(b, o);
      attachments(b, o, attachments);
    }
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256")
              .digest(b.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void attachments(
      StringBuilder b, EventRow e, List<CalendarStore.AttachmentRow> attachments) {
    for (CalendarStore.AttachmentRow a : attachments) {
      if (a.eventId().equals(e.id())) {
        b.append("|attach:")
            .append(a.fileId())
            .append('\u0000')
            .append(a.uri())
            .append('\u0000')
            .append(a.name());
      }
    }
  }

  private static void fields(StringBuilder b, EventRow e) {
    b.append(e.title())
        .append('\u0000')
        .append(e.location())
        .append('\u0000')
        .append(e.description())
        .append('\u0000')
        .append(e.allDay())
        .append(e.timeZone())
        .append(e.startAt())
        .append(e.endAt())
        .append(e.rrule())
        .append(e.exdates())
        .append(e.rdates());
    // Appended only when not the default, so that digests stored before STATUS existed still match.
    if (!EventRow.CONFIRMED.equals(e.status())) {
      b.append("|status:").append(e.status());
    }
  }

  // ---- REPLY ----------------------------------------------------------------------------------

  /**
   * One VEVENT of a REPLY: who answers what for which version of which event, and for which
   * occurrence when it carries a RECURRENCE-ID (RFC 5546 §3.2.3: a REPLY may answer one instance).
   */
  public record Reply(
      String uid,
      int sequence,
      @Nullable RecurrenceId recurrenceId,
      String attendee,
      String partstat) {}

  /** A RECURRENCE-ID as written: a DATE, a UTC DATE-TIME or a local one with an optional TZID. */
  public record RecurrenceId(String value, boolean date, @Nullable String tzid) {

    /**
     * The occurrence's original start; a DATE or a floating time is read in the event's zone, as is
     * a TZID that is not an IANA zone.
     */
    public Instant at(ZoneId eventZone) {
      if (date) {
        return Recurrence.at(LocalDate.parse(value, DATE).atStartOfDay(), eventZone);
      }
      if (value.endsWith("Z")) {
        return UTC.parse(value, Instant::from);
      }
      ZoneId zone =
          tzid != null && ZoneId.getAvailableZoneIds().contains(tzid) ? ZoneId.of(tzid) : eventZone;
      return Recurrence.at(LocalDateTime.parse(value, LOCAL), zone);
    }
  }

  /** A RECURRENCE-ID property read strictly; null when it is not a date or date-time. */
  private static @Nullable RecurrenceId recurrenceId(Ics.Prop p) {
    String v = p.value().strip();
    boolean date = "DATE".equalsIgnoreCase(p.params().get("VALUE")) || v.length() == 8;
    String tz = p.params().get("TZID");
    RecurrenceId r = new RecurrenceId(v, date, tz == null ? null : tz.strip());
    try {
      r.at(ZoneOffset.UTC);
      return r;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * The answers in an iTIP REPLY, or none when the text is not a well-formed REPLY. A VEVENT whose
   * ATTENDEE is not exactly one mailto: address, or whose PARTSTAT is not an answer, is skipped
   * (RFC 5546 §3.2.3: a REPLY names one attendee).
   */
  public static List<Reply> readReply(String text) {
    if (text.length() > MAX_REPLY_BYTES || !METHOD_REPLY.matcher(unfoldHead(text)).find()) {
      return List.of();
    }
    List<Ics.VEvent> events;
    try {
      events = Ics.read(text);
    } catch (Ics.Malformed e) {
      return List.of();
    }
    List<Reply> out = new ArrayList<>();
    for (Ics.VEvent v : events) {
      Ics.Prop uid = v.first("UID");
      List<Ics.Prop> attendees = v.all("ATTENDEE");
      if (uid == null || attendees.size() != 1) {
        continue;
      }
      Ics.Prop a = attendees.getFirst();
      String value = a.value().strip();
      if (!value.regionMatches(true, 0, "mailto:", 0, 7)) {
        continue;
      }
      String address = value.substring(7).strip().toLowerCase(Locale.ROOT);
      String partstat = a.params().getOrDefault("PARTSTAT", "").strip().toUpperCase(Locale.ROOT);
      String status =
          switch (partstat) {
            case "ACCEPTED" -> "accepted";
            case "DECLINED" -> "declined";
            case "TENTATIVE" -> "tentative";
            default -> null;
          };
      if (status == null || address.isEmpty() || address.length() > 320) {
        continue;
      }
      int sequence = 0;
      Ics.Prop seq = v.first("SEQUENCE");
      if (seq != null) {
        try {
          sequence = Integer.parseInt(seq.value().strip());
        } catch (NumberFormatException e) {
          continue;
        }
      }
      RecurrenceId occurrence = null;
      Ics.Prop rid = v.first("RECURRENCE-ID");
      if (rid != null) {
        occurrence = recurrenceId(rid);
        if (occurrence == null) {
          continue;
        }
      }
      out.add(new Reply(uid.text().strip(), sequence, occurrence, address, status));
    }
    return out;
  }

  /** The VCALENDAR's own lines up to the first component, unfolded (for METHOD). */
  private static String unfoldHead(String text) {
    String t = text.replace("\r\n ", "").replace("\r\n\t", "").replace("\n ", "");
    int first = t.toUpperCase(Locale.ROOT).indexOf("BEGIN:V", 5);
    return first < 0 ? t : t.substring(0, first);
  }

  private static String dateTime(Instant t, boolean allDay, ZoneId zone) {
    if (allDay) {
      return ";VALUE=DATE:" + DATE.format(LocalDateTime.ofInstant(t, zone).toLocalDate());
    }
    return ";TZID=" + zone.getId() + ":" + LOCAL.format(LocalDateTime.ofInstant(t, zone));
  }

  private static String param(String s) {
    return "\"" + s.replaceAll("[\"\\p{Cntrl}]", "") + "\"";
  }

  private static String address(String s) {
    return s.replaceAll("[\\s\\p{Cntrl}:;,\"]", "");
  }

  /** Whether an address may be written into a header and an iCalendar property unchanged. */
  public static boolean plainAddress(@Nullable String s) {
    return s != null && !s.isEmpty() && s.equals(address(s));
  }
}
