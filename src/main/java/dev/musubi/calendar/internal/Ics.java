package dev.musubi.calendar.internal;

import dev.musubi.calendar.internal.CalendarStore.AttachmentRow;
import dev.musubi.calendar.internal.CalendarStore.AttendeeRow;
import dev.musubi.calendar.internal.CalendarStore.EventRow;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.fortuna.ical4j.model.TimeZoneRegistryFactory;
import org.jspecify.annotations.Nullable;

/**
 * Writes and reads RFC 5545 iCalendar text. Text values are escaped (a newline in a title cannot
 * start a new property), lines are folded at 75 octets, and each time zone used gets its VTIMEZONE
 * from ical4j's registry. The reader unfolds and unescapes, and refuses anything that is not a
 * well-formed VCALENDAR with a clear message.
 */
public final class Ics {

  public static final int MAX_BYTES = 5 * 1024 * 1024;
  public static final int MAX_EVENTS = 5000;

  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss");
  private static final DateTimeFormatter DATE = DateTimeFormatter.BASIC_ISO_DATE;

  private Ics() {}

  /** One event to write, with its attendees and attachments. */
  public record Item(EventRow event, List<AttendeeRow> attendees, List<Attach> attachments) {
    public Item(EventRow event, List<AttendeeRow> attendees) {
      this(event, attendees, List.of());
    }
  }

  /** An ATTACH by URI (RFC 5545 §3.8.1.1) with its file name (RFC 8607 §4.3 FILENAME). */
  public record Attach(String uri, String name, String contentType) {

    /**
     * The ATTACH of an event's attachment: a Drive file as its download URL under {@code base} (the
     * server's URL, no trailing slash), a link as it is.
     */
    public static Attach of(AttachmentRow a, String base) {
      String uri =
          a.fileId() != null
              ? base + "/api/v1/events/" + a.eventId() + "/attachments/" + a.fileId()
              : a.uri() == null ? "" : a.uri();
      return new Attach(uri, a.name(), a.contentType());
    }
  }

  /** A holiday to write as an all-day event. */
  public record Holiday(LocalDate day, String name, String uid) {}

  public static String write(String calendarName, List<Item> items, List<Holiday> holidays) {
    StringBuilder out = new StringBuilder();
    line(out, "BEGIN:VCALENDAR");
    line(out, "VERSION:2.0");
    line(out, "PRODID:-//Musubi//Calendar//JA");
    line(out, "CALSCALE:GREGORIAN");
    line(out, "X-WR-CALNAME:" + text(calendarName));
    Set<String> zones = new LinkedHashSet<>();
    for (Item i : items) {
      if (!i.event().allDay()) {
        zones.add(i.event().timeZone());
      }
    }
    for (String z : zones) {
      timezone(out, z);
    }
    Instant stamp = Instant.now();
    for (Item i : items) {
      event(out, i, stamp);
    }
    for (Holiday h : holidays) {
      line(out, "BEGIN:VEVENT");
      line(out, "UID:" + text(h.uid()));
      line(out, "DTSTAMP:" + UTC.format(stamp));
      line(out, "DTSTART;VALUE=DATE:" + DATE.format(h.day()));
      line(out, "DTEND;VALUE=DATE:" + DATE.format(h.day().plusDays(1)));
      line(out, "SUMMARY:" + text(h.name()));
      line(out, "TRANSP:TRANSPARENT");
      line(out, "END:VEVENT");
    }
    line(out, "END:VCALENDAR");
    return out.toString();
  }

  /** One VEVENT (with its VTIMEZONE-free body); used by the calendar export and CalDAV. */
  public static void event(StringBuilder out, Item i, Instant stamp) {
    EventRow e = i.event();
    ZoneId zone = ZoneId.of(e.timeZone());
    line(out, "BEGIN:VEVENT");
    line(out, "UID:" + text(e.uid()));
    line(out, "DTSTAMP:" + UTC.format(stamp));
    line(out, "SEQUENCE:" + e.sequence());
    if (e.recurrenceId() != null) {
      line(out, "RECURRENCE-ID" + dateTime(e.recurrenceId(), e.allDay(), zone));
    }
    line(out, "DTSTART" + dateTime(e.startAt(), e.allDay(), zone));
    line(out, "DTEND" + dateTime(e.endAt(), e.allDay(), zone));
    if (e.rrule() != null) {
      line(out, "RRULE:" + e.rrule().replaceAll("[\\r\\n]", ""));
    }
    for (Instant x : e.exdates()) {
      line(out, "EXDATE" + dateTime(x, e.allDay(), zone));
    }
    for (Instant r : e.rdates()) {
      line(out, "RDATE" + dateTime(r, e.allDay(), zone));
    }
    line(out, "SUMMARY:" + text(e.title()));
    if (!e.location().isEmpty()) {
      line(out, "LOCATION:" + text(e.location()));
    }
    if (!e.description().isEmpty()) {
      line(out, "DESCRIPTION:" + text(e.description()));
    }
    line(
        out,
        "CLASS:"
            + switch (e.visibility()) {
              case "private" -> "PRIVATE";
              case "busy" -> "CONFIDENTIAL";
              default -> "PUBLIC";
            });
    // RFC 5545 §3.8.2.7 and §3.8.1.11; the defaults (OPAQUE, no STATUS) are left out.
    if (EventRow.TRANSPARENT.equals(e.transparency())) {
      line(out, "TRANSP:TRANSPARENT");
    }
    if (!EventRow.CONFIRMED.equals(e.status())) {
      line(out, "STATUS:" + e.status());
    }
    for (AttendeeRow a : i.attendees()) {
      String address = a.memberId() != null ? "urn:uuid:" + a.memberId() : "mailto:" + a.email();
      line(
          out,
          "ATTENDEE;CN="
              + param(a.name())
              + ";PARTSTAT="
              + a.status().toUpperCase(Locale.ROOT)
              + ";ROLE="
              + (a.required() ? "REQ-PARTICIPANT" : "OPT-PARTICIPANT")
              + ":"
              + address.replaceAll("[\\r\\n]", ""));
    }
    for (Attach a : i.attachments()) {
      String uri = a.uri().replaceAll("[\\r\\n\\s]", "");
      if (uri.isEmpty()) {
        continue;
      }
      line(
          out,
          "ATTACH;FILENAME="
              + param(a.name())
              + (a.contentType().matches("[\\w.+-]{1,60}/[\\w.+-]{1,100}")
                  ? ";FMTTYPE=" + a.contentType()
                  : "")
              + ":"
              + uri);
    }
    for (Integer minutes : e.reminders()) {
      line(out, "BEGIN:VALARM");
      line(out, "ACTION:DISPLAY");
      line(out, "DESCRIPTION:" + text(e.title()));
      line(out, "TRIGGER:-PT" + minutes + "M");
      line(out, "END:VALARM");
    }
    // RFC 5545 §3.6.6: an EMAIL alarm; the server sends it to the member (see EmailReminders).
    for (Integer minutes : e.emailReminders()) {
      line(out, "BEGIN:VALARM");
      line(out, "ACTION:EMAIL");
      line(out, "SUMMARY:" + text(e.title()));
      line(out, "DESCRIPTION:" + text(e.title()));
      line(out, "TRIGGER:-PT" + minutes + "M");
      line(out, "END:VALARM");
    }
    line(out, "END:VEVENT");
  }

  /** VTIMEZONE text by zone ID: building it from the registry costs more than the event itself. */
  private static final Map<String, String> VTIMEZONES = new ConcurrentHashMap<>();

  public static void timezone(StringBuilder out, String zone) {
    String cached = VTIMEZONES.get(zone);
    if (cached != null) {
      out.append(cached);
      return;
    }
    try {
      var tz = TimeZoneRegistryFactory.getInstance().createRegistry().getTimeZone(zone);
      if (tz != null) {
        String text = tz.getVTimeZone().toString().replace("\r\n", "\n").replace("\n", "\r\n");
        if (VTIMEZONES.size() < 1000) {
          VTIMEZONES.put(zone, text);
        }
        out.append(text);
      }
    } catch (RuntimeException e) {
      // Without a VTIMEZONE clients fall back to the IANA name in TZID.
    }
  }

  private static String dateTime(Instant t, boolean allDay, ZoneId zone) {
    if (allDay) {
      return ";VALUE=DATE:" + DATE.format(LocalDateTime.ofInstant(t, zone).toLocalDate());
    }
    return ";TZID=" + zone.getId() + ":" + LOCAL.format(LocalDateTime.ofInstant(t, zone));
  }

  /** Escapes a TEXT value (RFC 5545 3.3.11); other control characters are dropped. */
  public static String text(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case ';' -> b.append("\\;");
        case ',' -> b.append("\\,");
        case '\n' -> b.append("\\n");
        case '\r' -> {}
        default -> {
          if (c >= 0x20 || c == '\t') {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  private static String param(String s) {
    return "\"" + s.replaceAll("[\"\\p{Cntrl}]", "") + "\"";
  }

  /** Appends a content line folded at 75 octets (never inside a UTF-8 sequence). */
  public static void line(StringBuilder out, String content) {
    int octets = 0;
    for (int i = 0; i < content.length(); ) {
      int cp = content.codePointAt(i);
      int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (octets + n > 75) {
        out.append("\r\n ");
        octets = 1;
      }
      out.appendCodePoint(cp);
      octets += n;
      i += Character.charCount(cp);
    }
    out.append("\r\n");
  }

  // ---- reading --------------------------------------------------------------------------------

  /** A malformed file; the message is safe to show. */
  public static final class Malformed extends IllegalArgumentException {
    public Malformed(String message) {
      super(message);
    }
  }

  /** A property: name, parameters (upper-case names) and raw value. */
  public record Prop(String name, Map<String, String> params, String value) {
    public String text() {
      return unescape(value);
    }
  }

  /**
   * One VEVENT's properties in order; each VALARM is one {@code X-MUSUBI-ALARM} property whose
   * ACTION parameter is the alarm's action and whose value is its relative TRIGGER.
   */
  public record VEvent(List<Prop> props) {
    public @Nullable Prop first(String name) {
      return props.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
    }

    public List<Prop> all(String name) {
      return props.stream().filter(p -> p.name().equals(name)).toList();
    }
  }

  /** An RFC 6638 §5 free-busy request: the window, who asks and about whom. */
  public record FreeBusyRequest(
      String uid, Instant start, Instant end, String organizer, List<String> attendees) {}

  /** A busy period: busy or tentative. */
  public record Period(Instant start, Instant end, String status) {}

  /** At most this many recipients in one free-busy request. */
  public static final int MAX_FREEBUSY_ATTENDEES = 100;

  /**
   * Reads a VCALENDAR with METHOD:REQUEST and one VFREEBUSY (RFC 5546 §3.3.2: DTSTART, DTEND in
   * UTC, ORGANIZER, one or more ATTENDEEs). Throws {@link Malformed}.
   */
  public static FreeBusyRequest readFreeBusyRequest(String text) {
    if (text.length() > 256 * 1024) {
      throw new Malformed("A free-busy request is at most 256 KB.");
    }
    List<String> lines = unfold(text);
    if (lines.isEmpty() || !lines.getFirst().equalsIgnoreCase("BEGIN:VCALENDAR")) {
      throw new Malformed("The request does not start with BEGIN:VCALENDAR.");
    }
    String method = null;
    boolean inside = false;
    String uid = "";
    Instant start = null;
    Instant end = null;
    String organizer = "";
    List<String> attendees = new ArrayList<>();
    for (String l : lines) {
      if (l.isEmpty()) {
        continue;
      }
      Prop p = prop(l);
      if (p.name().equals("BEGIN") && p.value().equalsIgnoreCase("VFREEBUSY")) {
        inside = true;
      } else if (p.name().equals("END") && p.value().equalsIgnoreCase("VFREEBUSY")) {
        inside = false;
      } else if (!inside && p.name().equals("METHOD")) {
        method = p.value().strip().toUpperCase(Locale.ROOT);
      } else if (inside) {
        switch (p.name()) {
          case "UID" -> uid = p.text().strip();
          case "DTSTART" -> start = utc(p);
          case "DTEND" -> end = utc(p);
          case "ORGANIZER" -> organizer = p.value().strip();
          case "ATTENDEE" -> {
            if (attendees.size() >= MAX_FREEBUSY_ATTENDEES) {
              throw new Malformed("At most " + MAX_FREEBUSY_ATTENDEES + " attendees.");
            }
            attendees.add(p.value().strip());
          }
          default -> {}
        }
      }
    }
    if (!"REQUEST".equals(method)) {
      throw new Malformed("A free-busy request has METHOD:REQUEST.");
    }
    if (start == null || end == null || !end.isAfter(start)) {
      throw new Malformed("A free-busy request needs DTSTART before DTEND.");
    }
    if (attendees.isEmpty()) {
      throw new Malformed("A free-busy request names at least one ATTENDEE.");
    }
    return new FreeBusyRequest(uid, start, end, organizer, attendees);
  }

  private static Instant utc(Prop p) {
    try {
      return java.time.LocalDateTime.parse(p.value().strip(), UTC_PARSE).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw new Malformed(p.name() + " must be a UTC date-time (RFC 6638 §5).");
    }
  }

  private static final DateTimeFormatter UTC_PARSE =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'");

  /** The VFREEBUSY reply (RFC 5546 §3.3.3) for one recipient of a request. */
  public static String freeBusyReply(
      FreeBusyRequest rq, String attendee, List<Period> busy, Instant stamp) {
    StringBuilder out = new StringBuilder();
    line(out, "BEGIN:VCALENDAR");
    line(out, "VERSION:2.0");
    line(out, "PRODID:-//Musubi//Calendar//JA");
    line(out, "METHOD:REPLY");
    line(out, "BEGIN:VFREEBUSY");
    if (!rq.uid().isEmpty()) {
      line(out, "UID:" + text(rq.uid()));
    }
    line(out, "DTSTAMP:" + UTC.format(stamp));
    line(out, "DTSTART:" + UTC.format(rq.start()));
    line(out, "DTEND:" + UTC.format(rq.end()));
    if (!rq.organizer().isEmpty()) {
      line(out, "ORGANIZER:" + rq.organizer().replaceAll("[\\r\\n]", ""));
    }
    line(out, "ATTENDEE:" + attendee.replaceAll("[\\r\\n]", ""));
    for (Period b : busy) {
      line(
          out,
          "FREEBUSY;FBTYPE="
              + (b.status().equals("tentative") ? "BUSY-TENTATIVE" : "BUSY")
              + ":"
              + UTC.format(b.start())
              + "/"
              + UTC.format(b.end()));
    }
    line(out, "END:VFREEBUSY");
    line(out, "END:VCALENDAR");
    return out.toString();
  }

  /**
   * RFC 4791 §7.10: the answer to a free-busy-query, one VFREEBUSY over {@code [start, end)} with a
   * FREEBUSY line per busy period (merged per type and ordered by start, RFC 5545 §3.8.2.6).
   */
  public static String freeBusy(Instant start, Instant end, List<Period> busy, Instant stamp) {
    StringBuilder out = new StringBuilder();
    line(out, "BEGIN:VCALENDAR");
    line(out, "VERSION:2.0");
    line(out, "PRODID:-//Musubi//Calendar//JA");
    line(out, "BEGIN:VFREEBUSY");
    line(out, "DTSTAMP:" + UTC.format(stamp));
    line(out, "DTSTART:" + UTC.format(start));
    line(out, "DTEND:" + UTC.format(end));
    for (String type : List.of("busy", "tentative")) {
      List<Period> of =
          busy.stream()
              .filter(p -> p.status().equals("tentative") == type.equals("tentative"))
              .sorted(java.util.Comparator.comparing(Period::start))
              .toList();
      Instant s = null;
      Instant e = null;
      for (Period p : of) {
        if (s != null && !p.start().isAfter(e)) {
          e = p.end().isAfter(e) ? p.end() : e;
          continue;
        }
        if (s != null) {
          freeBusyLine(out, type, s, e);
        }
        s = p.start();
        e = p.end();
      }
      if (s != null) {
        freeBusyLine(out, type, s, e);
      }
    }
    line(out, "END:VFREEBUSY");
    line(out, "END:VCALENDAR");
    return out.toString();
  }

  private static void freeBusyLine(StringBuilder out, String type, Instant s, Instant e) {
    line(
        out,
        "FREEBUSY;FBTYPE="
            + (type.equals("tentative") ? "BUSY-TENTATIVE" : "BUSY")
            + ":"
            + UTC.format(s)
            + "/"
            + UTC.format(e));
  }

  /** Parses a VCALENDAR into its VEVENTs. Throws {@link Malformed}. */
  public static List<VEvent> read(String text) {
    if (text.length() > MAX_BYTES) {
      throw new Malformed("The file is larger than 5 MB.");
    }
    List<String> lines = unfold(text);
    if (lines.isEmpty() || !lines.getFirst().equalsIgnoreCase("BEGIN:VCALENDAR")) {
      throw new Malformed("The file does not start with BEGIN:VCALENDAR.");
    }
    List<VEvent> events = new ArrayList<>();
    List<String> stack = new ArrayList<>();
    List<Prop> current = null;
    String alarmAction = null;
    String alarmTrigger = null;
    for (String l : lines) {
      if (l.isEmpty()) {
        continue;
      }
      Prop p = prop(l);
      if (p.name().equals("BEGIN")) {
        String what = p.value().toUpperCase(Locale.ROOT);
        stack.add(what);
        if (stack.size() > 4) {
          throw new Malformed("Components are nested too deeply.");
        }
        if (what.equals("VEVENT")) {
          if (stack.size() != 2) {
            throw new Malformed("A VEVENT must sit directly in the VCALENDAR.");
          }
          current = new ArrayList<>();
        }
      } else if (p.name().equals("END")) {
        String what = p.value().toUpperCase(Locale.ROOT);
        if (stack.isEmpty() || !stack.getLast().equals(what)) {
          throw new Malformed("END:" + safe(what) + " does not close the open component.");
        }
        stack.removeLast();
        if (what.equals("VALARM") && current != null && stack.size() == 2) {
          // A VALARM of the event: kept as one X-MUSUBI-ALARM property (ACTION and TRIGGER).
          if (alarmAction != null && alarmTrigger != null) {
            current.add(
                new Prop(
                    "X-MUSUBI-ALARM",
                    Map.of("ACTION", alarmAction.toUpperCase(Locale.ROOT)),
                    alarmTrigger));
          }
          alarmAction = null;
          alarmTrigger = null;
        }
        if (what.equals("VEVENT")) {
          events.add(new VEvent(current));
          current = null;
          if (events.size() > MAX_EVENTS) {
            throw new Malformed("At most " + MAX_EVENTS + " events per file.");
          }
        }
      } else if (current != null && stack.getLast().equals("VEVENT")) {
        current.add(p);
      } else if (current != null && stack.getLast().equals("VALARM")) {
        if (p.name().equals("ACTION")) {
          alarmAction = p.value().strip();
        } else if (p.name().equals("TRIGGER") && !p.params().containsKey("VALUE")) {
          alarmTrigger = p.value().strip();
        }
      } else if (stack.isEmpty()) {
        throw new Malformed("Content after END:VCALENDAR.");
      }
    }
    if (!stack.isEmpty()) {
      throw new Malformed("The file ends before END:" + safe(stack.getLast()) + ".");
    }
    return events;
  }

  private static List<String> unfold(String text) {
    String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
    String[] raw = t.split("\r\n|\n|\r", -1);
    List<String> out = new ArrayList<>();
    for (String r : raw) {
      if ((r.startsWith(" ") || r.startsWith("\t")) && !out.isEmpty()) {
        out.set(out.size() - 1, out.getLast() + r.substring(1));
      } else {
        out.add(r);
      }
    }
    while (!out.isEmpty() && out.getLast().isEmpty()) {
      out.removeLast();
    }
    return out;
  }

  private static Prop prop(String line) {
    int colon = -1;
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ':' && !quoted) {
        colon = i;
        break;
      }
    }
    if (colon <= 0) {
      throw new Malformed("A line is not NAME:VALUE.");
    }
    String head = line.substring(0, colon);
    String value = line.substring(colon + 1);
    String[] parts = head.split(";(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)");
    String name = parts[0].toUpperCase(Locale.ROOT);
    if (!name.matches("[A-Z0-9-]{1,60}")) {
      throw new Malformed("A property name is not valid.");
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 1; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      if (eq <= 0) {
        throw new Malformed("A parameter is not NAME=VALUE.");
      }
      String v = parts[i].substring(eq + 1);
      if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
        v = v.substring(1, v.length() - 1);
      }
      params.put(parts[i].substring(0, eq).toUpperCase(Locale.ROOT), v);
    }
    return new Prop(name, params, value);
  }

  public static String unescape(String v) {
    StringBuilder b = new StringBuilder(v.length());
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '\\' && i + 1 < v.length()) {
        char n = v.charAt(++i);
        b.append(n == 'n' || n == 'N' ? '\n' : n);
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** A DATE or DATE-TIME value as the API's text form, and whether it is a date. */
  public record When(String text, boolean date, @Nullable String zone) {}

  /** Reads a DTSTART-like property (VALUE=DATE, UTC, TZID or floating). */
  public static When when(Prop p, String defaultZone) {
    String v = p.value().split(",")[0].strip();
    try {
      if ("DATE".equalsIgnoreCase(p.params().get("VALUE")) || v.length() == 8) {
        return new When(LocalDate.parse(v, DATE).toString(), true, null);
      }
      if (v.endsWith("Z")) {
        return new When(UTC.parse(v, Instant::from).toString(), false, null);
      }
      LocalDateTime l = LocalDateTime.parse(v, LOCAL);
      String tz = p.params().get("TZID");
      String zone =
          tz != null && ZoneId.getAvailableZoneIds().contains(tz.strip())
              ? tz.strip()
              : defaultZone;
      return new When(l.toString(), false, zone);
    } catch (DateTimeParseException e) {
      throw new Malformed(p.name() + " is not a date or date-time.");
    }
  }

  /** Every value of a multi-valued date property (EXDATE, RDATE) in the API's text form. */
  public static List<String> whens(Prop p, String zone) {
    List<String> out = new ArrayList<>();
    for (String v : p.value().split(",")) {
      When w = when(new Prop(p.name(), p.params(), v), zone);
      if (w.date()) {
        out.add(w.text());
      } else if (w.zone() == null) {
        out.add(w.text());
      } else {
        out.add(LocalDateTime.parse(w.text()).atZone(ZoneId.of(w.zone())).toInstant().toString());
      }
    }
    return out;
  }

  private static String safe(String s) {
    return s.replaceAll("[^A-Z0-9-]", "");
  }
}
