package dev.musubi.calendar.web;

import dev.musubi.calendar.CalendarFiles;
import dev.musubi.calendar.Calendars;
import dev.musubi.calendar.Calendars.CalendarInfo;
import dev.musubi.calendar.Events;
import dev.musubi.calendar.internal.CalendarStore;
import dev.musubi.calendar.internal.CalendarStore.CalendarRow;
import dev.musubi.calendar.internal.CalendarStore.EventRow;
import dev.musubi.calendar.internal.Ics;
import dev.musubi.mail.MailDomains;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.ProblemException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.util.UriUtils;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * CalDAV (RFC 4791) under {@code /dav/cal/}: principal and home-set discovery, PROPFIND, REPORT
 * calendar-query (time-range), calendar-multiget and sync-collection (RFC 6578), GET, PUT and
 * DELETE with ETags and If-Match. The signed-in member (HTTP Basic, see identity) sees their own
 * principal and home; the home lists the calendars the web shows them, with the same rights.
 * Request bodies are parsed with DTDs and external entities off.
 */
@Controller
class CalDavController {

  static final String DAV = "DAV:";
  static final String CALDAV = "urn:ietf:params:xml:ns:caldav";
  static final String CS = "http://calendarserver.org/ns/";
  static final String APPLE = "http://apple.com/ns/ical/";
  static final String ROOT = "/dav/cal/";
  static final int MAX_BODY = 5 * 1024 * 1024;
  static final int BATCH_FROM = 32;
  private static final DateTimeFormatter CALDAV_TIME =
      DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final Calendars calendars;
  private final Events events;
  private final CalendarStore store;
  private final MailDomains mailDomains;

  CalDavController(
      Calendars calendars, Events events, CalendarStore store, MailDomains mailDomains) {
    this.mailDomains = mailDomains;
    this.calendars = calendars;
    this.events = events;
    this.store = store;
  }

  @RequestMapping("/.well-known/caldav")
  void wellKnown(HttpServletResponse res) {
    res.setStatus(301);
    res.setHeader("Location", ROOT);
  }

  /** Where a request points: the root, a principal, a home, a calendar or an event resource. */
  record Target(
      String kind, @Nullable String login, @Nullable UUID calendar, @Nullable String href) {}

  /** OPTIONS needs its own mapping: Spring answers it itself for mappings without a method. */
  @RequestMapping(
      path = {"/dav/cal", "/dav/cal/**"},
      method = org.springframework.web.bind.annotation.RequestMethod.OPTIONS)
  void options(HttpServletRequest req, HttpServletResponse res) throws IOException {
    dav(req, res);
  }

  @RequestMapping({"/dav/cal", "/dav/cal/**"})
  void dav(HttpServletRequest req, HttpServletResponse res) throws IOException {
    MemberPrincipal me = CurrentMember.get();
    Target t = target(req.getRequestURI());
    if (t == null || (t.login() != null && !t.login().equals(me.loginId()))) {
      res.sendError(404);
      return;
    }
    try {
      switch (req.getMethod()) {
        case "OPTIONS" -> {
          // RFC 6638 §2.1: the server schedules for the organiser (invitations, free-busy).
          res.setHeader("DAV", "1, 3, calendar-access, calendar-auto-schedule");
          res.setHeader("Allow", "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, REPORT, POST");
          res.setStatus(200);
        }
        case "PROPFIND" -> propfind(me, t, req, res);
        case "REPORT" -> report(me, t, req, res);
        case "GET", "HEAD" -> get(me, t, res, req.getMethod().equals("HEAD"));
        case "PUT" -> put(me, t, req, res);
        case "DELETE" -> delete(me, t, req, res);
        case "POST" -> post(me, t, req, res);
        default -> {
          res.setHeader("Allow", "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, REPORT, POST");
          res.sendError(405);
        }
      }
    } catch (ProblemException p) {
      int status = p.status().value();
      res.setStatus(status == 422 ? 400 : status);
      res.setContentType("text/plain;charset=UTF-8");
      String detail = p.getMessage();
      if (!p.errors().isEmpty()) {
        detail = p.errors().getFirst().field() + ": " + p.errors().getFirst().message();
      }
      res.getWriter().write(detail == null ? "" : detail);
    }
  }

  // ---- methods ---------------------------------------------------------------------------------

  private void propfind(
      MemberPrincipal me, Target t, HttpServletRequest req, HttpServletResponse res)
      throws IOException {
    Document body = xml(req);
    Set<String> wanted = new LinkedHashSet<>();
    boolean all = true;
    if (body != null) {
      Element prop = first(body.getDocumentElement(), DAV, "prop");
      if (prop != null) {
        all = false;
        for (Element e : children(prop)) {
          wanted.add(key(e));
        }
      }
    }
    String depth = req.getHeader("Depth");
    boolean deep = "1".equals(depth);
    Multistatus ms = new Multistatus();
    switch (t.kind()) {
      case "root" -> ms.add(ROOT, rootProps(me), wanted, all);
      case "principal" -> ms.add(principal(me), rootProps(me), wanted, all);
      case "inbox" -> ms.add(home(me) + "inbox/", boxProps(me, "schedule-inbox"), wanted, all);
      case "outbox" -> ms.add(home(me) + "outbox/", boxProps(me, "schedule-outbox"), wanted, all);
      case "home" -> {
        ms.add(home(me), homeProps(me), wanted, all);
        if (deep) {
          for (CalendarInfo c : shownCalendars(me)) {
            ms.add(home(me) + c.id() + "/", calendarProps(me, c), wanted, all);
          }
        }
      }
      case "calendar" -> {
        CalendarInfo c = calendars.get(me, t.calendar());
        ms.add(home(me) + c.id() + "/", calendarProps(me, c), wanted, all);
        if (deep && !c.kind().equals("holidays")) {
          for (Resource r : resources(me, c.id(), null, null)) {
            ms.add(r.path(), resourceProps(r, null), wanted, all);
          }
        }
      }
      default -> {
        Resource r = resource(me, t).orElse(null);
        if (r == null) {
          res.sendError(404);
          return;
        }
        ms.add(
            r.path(),
            resourceProps(r, wanted.contains(key(CALDAV, "calendar-data")) ? ics(me, r) : null),
            wanted,
            all);
      }
    }
    ms.write(res);
  }

  private void report(MemberPrincipal me, Target t, HttpServletRequest req, HttpServletResponse res)
      throws IOException {
    if (t.kind().equals("inbox")) {
      // Invitations arrive in the calendars themselves (RFC 6638 §4.1 lets the server do that).
      new Multistatus().write(res);
      return;
    }
    if (!t.kind().equals("calendar")) {
      res.sendError(403);
      return;
    }
    CalendarInfo c = calendars.get(me, t.calendar());
    Document body = xml(req);
    if (body == null) {
      res.sendError(400);
      return;
    }
    Element rootEl = body.getDocumentElement();
    Set<String> wanted = new LinkedHashSet<>();
    Element prop = first(rootEl, DAV, "prop");
    if (prop != null) {
      for (Element e : children(prop)) {
        wanted.add(key(e));
      }
    }
    boolean withData = wanted.contains(key(CALDAV, "calendar-data"));
    Multistatus ms = new Multistatus();
    String name = key(rootEl);
    if (name.equals(key(CALDAV, "calendar-query"))) {
      Instant from = null;
      Instant to = null;
      NodeList ranges = rootEl.getElementsByTagNameNS(CALDAV, "time-range");
      if (ranges.getLength() > 0) {
        Element r = (Element) ranges.item(0);
        from = time(r.getAttribute("start"), Instant.parse("1900-01-01T00:00:00Z"));
        to = time(r.getAttribute("end"), Instant.parse("2200-01-01T00:00:00Z"));
      }
      if (!c.kind().equals("holidays")) {
        Element tz = null;
        for (Element e : children(rootEl)) {
          if (key(e).equals(key(CALDAV, "timezone"))) {
            tz = e;
          }
        }
        // RFC 4791 §7.3, §9.8: all-day (DATE) values are compared in the request's time zone,
        // else in the calendar's (its calendar-timezone property).
        ZoneId floating =
            tz != null
                ? requestZone(tz.getTextContent())
                : events.zoneOf(me.tenantId(), c.ownerId());
        List<Resource> found = resources(me, c.id(), from, to, floating);
        Map<UUID, String> data = withData ? icsOf(me, c, found, false) : Map.of();
        for (Resource r : found) {
          ms.add(r.path(), resourceProps(r, data.get(r.event().id())), wanted, false);
        }
      }
    } else if (name.equals(key(CALDAV, "calendar-multiget"))) {
      NodeList hrefs = rootEl.getElementsByTagNameNS(DAV, "href");
      List<String> paths = new ArrayList<>();
      List<@Nullable Resource> found = new ArrayList<>();
      for (int i = 0; i < hrefs.getLength() && i < 5000; i++) {
        String path = hrefs.item(i).getTextContent().strip();
        Target rt = target(path);
        // The calendar itself was authorised above; each href only needs its event.
        Resource r =
            rt == null
                    || !"resource".equals(rt.kind())
                    || !c.id().equals(rt.calendar())
                    || rt.href() == null
                ? null
                : store
                    .eventByHref(me.tenantId(), c.id(), rt.href())
                    .map(e -> new Resource(e, rt.href(), home(me) + c.id() + "/"))
                    .orElse(null);
        paths.add(path);
        found.add(r);
      }
      Map<UUID, String> data =
          withData
              ? icsOf(
                  me,
                  c,
                  found.stream().filter(r -> r != null).map(r -> (Resource) r).toList(),
                  false)
              : Map.of();
      for (int i = 0; i < paths.size(); i++) {
        Resource r = found.get(i);
        if (r == null) {
          ms.missing(paths.get(i));
        } else {
          ms.add(r.path(), resourceProps(r, data.get(r.event().id())), wanted, false);
        }
      }
    } else if (name.equals(key(DAV, "sync-collection"))) {
      Element tokenEl = first(rootEl, DAV, "sync-token");
      String token = tokenEl == null ? "" : tokenEl.getTextContent().strip();
      Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
      Instant since = null;
      if (!token.isEmpty()) {
        since = parseToken(token);
        if (since == null) {
          res.setStatus(403);
          res.setContentType("application/xml;charset=UTF-8");
          res.getWriter()
              .write(
                  "<?xml version=\"1.0\" encoding=\"utf-8\"?><D:error xmlns:D=\"DAV:\">"
                      + "<D:valid-sync-token/></D:error>");
          return;
        }
      }
      if (!c.kind().equals("holidays")) {
        Map<UUID, String> names = store.hrefs(me.tenantId(), c.id());
        Set<String> present = new LinkedHashSet<>();
        if (since == null) {
          List<Resource> all = resources(me, c.id(), null, null);
          Map<UUID, String> data = withData ? icsOf(me, c, all, true) : Map.of();
          for (Resource r : all) {
            present.add(r.href());
            ms.add(r.path(), resourceProps(r, data.get(r.event().id())), wanted, false);
          }
        } else {
          for (UUID id : store.changedMasters(me.tenantId(), c.id(), since)) {
            EventRow e = store.event(me.tenantId(), id).orElse(null);
            if (e == null) {
              continue;
            }
            Resource r =
                new Resource(
                    e, names.getOrDefault(e.id(), e.id() + ".ics"), home(me) + c.id() + "/");
            present.add(r.href());
            ms.add(r.path(), resourceProps(r, withData ? ics(me, r) : null), wanted, false);
          }
          for (String gone : store.deletedSince(me.tenantId(), c.id(), since)) {
            if (!present.contains(gone)
                && store.eventByHref(me.tenantId(), c.id(), gone).isEmpty()) {
              ms.missing(
                  home(me)
                      + c.id()
                      + "/"
                      + UriUtils.encodePathSegment(gone, StandardCharsets.UTF_8));
            }
          }
        }
      }
      ms.syncToken = "urn:musubi:sync:" + (now.getEpochSecond() * 1_000_000 + now.getNano() / 1000);
    } else if (name.equals(key(CALDAV, "free-busy-query"))) {
      freeBusyQuery(me, c, rootEl, res);
      return;
    } else {
      res.sendError(400);
      return;
    }
    ms.write(res);
  }

  /**
   * RFC 4791 §7.10: the calendar's busy time in the request's time-range as one VFREEBUSY (times
   * only, so anyone who may see the calendar's free/busy may ask). The time-range is required; an
   * open end is taken as 400 days from the start (and an open start 400 days before the end), the
   * longest window a query may span.
   */
  private void freeBusyQuery(
      MemberPrincipal me, CalendarInfo c, Element rootEl, HttpServletResponse res)
      throws IOException {
    Element range = null;
    for (Element e : children(rootEl)) {
      if (key(e).equals(key(CALDAV, "time-range"))) {
        range = e;
      }
    }
    if (range == null
        || (range.getAttribute("start").isBlank() && range.getAttribute("end").isBlank())) {
      throw new ProblemException(
          org.springframework.http.HttpStatus.BAD_REQUEST,
          "bad-request",
          "A free-busy-query needs a time-range with a start or an end (RFC 4791 §7.10).",
          List.of());
    }
    Instant start =
        range.getAttribute("start").isBlank()
            ? null
            : time(range.getAttribute("start"), Instant.EPOCH);
    Instant end =
        range.getAttribute("end").isBlank() ? null : time(range.getAttribute("end"), Instant.EPOCH);
    if (start == null) {
      start = end.minus(Events.MAX_WINDOW);
    } else if (end == null) {
      end = start.plus(Events.MAX_WINDOW);
    }
    List<Events.Busy> busy = events.calendarBusy(me, c.id(), start, end);
    List<Ics.Period> periods = new ArrayList<>();
    for (Events.Busy b : busy) {
      // RFC 5545 §3.6.4: the periods lie within DTSTART and DTEND.
      Instant s = b.start().isBefore(start) ? start : b.start();
      Instant e = b.end().isAfter(end) ? end : b.end();
      if (s.isBefore(e)) {
        periods.add(new Ics.Period(s, e, b.status()));
      }
    }
    res.setStatus(200);
    res.setContentType("text/calendar;charset=UTF-8");
    res.getWriter().write(Ics.freeBusy(start, end, periods, Instant.now()));
  }

  private void get(MemberPrincipal me, Target t, HttpServletResponse res, boolean head)
      throws IOException {
    if (!t.kind().equals("resource")) {
      res.setContentType("text/plain;charset=UTF-8");
      res.setStatus(200);
      if (!head) {
        res.getWriter().write("Musubi CalDAV");
      }
      return;
    }
    Resource r = resource(me, t).orElse(null);
    if (r == null) {
      res.sendError(404);
      return;
    }
    String ics = ics(me, r);
    res.setStatus(200);
    res.setContentType("text/calendar;charset=UTF-8");
    res.setHeader("ETag", Events.quoted(r.event().etag()));
    if (!head) {
      res.getWriter().write(ics);
    }
  }

  private void put(MemberPrincipal me, Target t, HttpServletRequest req, HttpServletResponse res)
      throws IOException {
    if (!t.kind().equals("resource")) {
      res.sendError(405);
      return;
    }
    calendars.get(me, t.calendar());
    String text = body(req);
    boolean existed = store.eventByHref(me.tenantId(), t.calendar(), t.href()).isPresent();
    String etag =
        events.putResource(
            me,
            t.calendar(),
            t.href(),
            CalendarFiles.parse(text),
            req.getHeader("If-Match"),
            "*".equals(req.getHeader("If-None-Match")));
    res.setHeader("ETag", etag);
    res.setStatus(existed ? 204 : 201);
  }

  /**
   * RFC 6638 §5: a free-busy request (VFREEBUSY, METHOD:REQUEST) POSTed to the member's outbox,
   * answered per recipient from the company's free/busy: only the busy times, never what they are;
   * addresses that are not one member of the caller's company answer 3.7.
   */
  private void post(MemberPrincipal me, Target t, HttpServletRequest req, HttpServletResponse res)
      throws IOException {
    if (!t.kind().equals("outbox")) {
      res.setHeader("Allow", "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, REPORT");
      res.sendError(405);
      return;
    }
    Ics.FreeBusyRequest fb;
    try {
      fb = Ics.readFreeBusyRequest(body(req));
    } catch (Ics.Malformed e) {
      res.setStatus(400);
      res.setContentType("text/plain;charset=UTF-8");
      res.getWriter().write(e.getMessage());
      return;
    }
    Map<String, UUID> members = new LinkedHashMap<>();
    for (String address : fb.attendees()) {
      UUID member = null;
      if (address.regionMatches(true, 0, "mailto:", 0, 7)) {
        var found = mailDomains.resolve(address.substring(7).strip()).orElse(null);
        if (found != null
            && found.tenantId().equals(me.tenantId())
            && found.members().size() == 1) {
          member = found.members().iterator().next();
        }
      }
      members.put(address, member);
    }
    Map<UUID, List<Events.Busy>> busy =
        members.values().stream().anyMatch(java.util.Objects::nonNull)
            ? events.freeBusy(
                me,
                members.values().stream()
                    .filter(java.util.Objects::nonNull)
                    .distinct()
                    .map(UUID::toString)
                    .toList(),
                fb.start().toString(),
                fb.end().toString())
            : Map.of();
    StringBuilder out = new StringBuilder();
    out.append("<?xml version=\"1.0\" encoding=\"utf-8\"?>")
        .append("<C:schedule-response xmlns:D=\"DAV:\" xmlns:C=\"")
        .append(CALDAV)
        .append("\">");
    for (var e : members.entrySet()) {
      out.append("<C:response><C:recipient>").append(href(e.getKey())).append("</C:recipient>");
      if (e.getValue() == null) {
        out.append("<C:request-status>3.7;Invalid calendar user</C:request-status>");
      } else {
        out.append("<C:request-status>2.0;Success</C:request-status><C:calendar-data>")
            .append(
                esc(
                    Ics.freeBusyReply(
                        fb,
                        e.getKey(),
                        busy.getOrDefault(e.getValue(), List.of()).stream()
                            .map(b -> new Ics.Period(b.start(), b.end(), b.status()))
                            .toList(),
                        java.time.Instant.now())))
            .append("</C:calendar-data>");
      }
      out.append("</C:response>");
    }
    out.append("</C:schedule-response>");
    res.setStatus(200);
    res.setContentType("application/xml;charset=UTF-8");
    res.getWriter().write(out.toString());
  }

  private void delete(MemberPrincipal me, Target t, HttpServletRequest req, HttpServletResponse res)
      throws IOException {
    if (!t.kind().equals("resource")) {
      res.sendError(403);
      return;
    }
    calendars.get(me, t.calendar());
    events.deleteResource(me, t.calendar(), t.href(), req.getHeader("If-Match"));
    res.setStatus(204);
  }

  // ---- resources -------------------------------------------------------------------------------

  record Resource(EventRow event, String href, String collection) {
    String path() {
      return collection + UriUtils.encodePathSegment(href, StandardCharsets.UTF_8);
    }
  }

  private List<Resource> resources(
      MemberPrincipal me, UUID calendarId, @Nullable Instant from, @Nullable Instant to) {
    return resources(me, calendarId, from, to, null);
  }

  /**
   * The resources of a calendar, those with an occurrence in {@code [from, to)} when both are
   * given. All-day events are stored at midnight in their own zone; when {@code floating} is given
   * their dates are compared in that zone instead (RFC 4791 §7.3).
   */
  private List<Resource> resources(
      MemberPrincipal me,
      UUID calendarId,
      @Nullable Instant from,
      @Nullable Instant to,
      @Nullable ZoneId floating) {
    Map<UUID, String> names = store.hrefs(me.tenantId(), calendarId);
    List<EventRow> masters;
    if (from != null && to != null) {
      // A plain single event (no rule, no added or excluded dates) overlaps the window exactly
      // when it starts before the end and ends after the start (RFC 4791 §9.9); only series are
      // expanded, each with its overrides. The database is asked with a window two days wider so
      // that all-day events compared in another zone are among the candidates.
      java.util.function.Function<EventRow, Instant[]> window =
          m -> floatingWindow(m, from, to, floating);
      List<EventRow> candidates =
          store.masters(
              me.tenantId(),
              List.of(calendarId),
              floating == null ? from : from.minus(2, ChronoUnit.DAYS),
              floating == null ? to : to.plus(2, ChronoUnit.DAYS));
      Set<UUID> recurring = new java.util.HashSet<>();
      for (EventRow m :
          events.occurringIn(
              me, candidates.stream().filter(CalDavController::mayRecur).toList(), window)) {
        recurring.add(m.id());
      }
      masters =
          candidates.stream()
              .filter(
                  m -> {
                    if (mayRecur(m)) {
                      return recurring.contains(m.id());
                    }
                    Instant[] w = window.apply(m);
                    return m.startAt().isBefore(w[1])
                        && (m.rangeEnd() == null || m.rangeEnd().isAfter(w[0]));
                  })
              .toList();
    } else {
      masters =
          store.allEvents(me.tenantId(), calendarId, 20_000).stream()
              .filter(e -> e.parentId() == null)
              .toList();
    }
    List<Resource> out = new ArrayList<>();
    for (EventRow m : masters) {
      out.add(
          new Resource(
              m, names.getOrDefault(m.id(), m.id() + ".ics"), home(me) + calendarId + "/"));
    }
    return out;
  }

  /**
   * The query window for one event: as given, or for an all-day event the same wall-clock window
   * moved from the {@code floating} zone into the event's own, where its dates are stored.
   */
  private static Instant[] floatingWindow(
      EventRow m, Instant from, Instant to, @Nullable ZoneId floating) {
    if (floating == null || !m.allDay()) {
      return new Instant[] {from, to};
    }
    ZoneId own = ZoneId.of(m.timeZone());
    return new Instant[] {
      LocalDateTime.ofInstant(from, floating).atZone(own).toInstant(),
      LocalDateTime.ofInstant(to, floating).atZone(own).toInstant()
    };
  }

  /**
   * RFC 4791 §9.8: the time zone of a CALDAV:timezone element (an iCalendar object with one
   * VTIMEZONE): its TZID when that is an IANA zone, else the fixed offset of a zone with a single
   * observance. Anything else is refused with 400.
   */
  static ZoneId requestZone(String text) {
    String tzid = null;
    Set<String> offsets = new LinkedHashSet<>();
    for (String line : text.replace("\r\n ", "").replace("\n ", "").split("\r?\n")) {
      String l = line.strip();
      if (l.regionMatches(true, 0, "TZID:", 0, 5) && tzid == null) {
        tzid = l.substring(5).strip();
      } else if (l.regionMatches(true, 0, "TZOFFSETTO:", 0, 11)) {
        offsets.add(l.substring(11).strip());
      }
    }
    if (tzid != null) {
      try {
        return ZoneId.of(tzid.startsWith("/") ? tzid.substring(1) : tzid);
      } catch (RuntimeException e) {
        // Not an IANA name: fall back to the observances.
      }
    }
    if (offsets.size() == 1) {
      try {
        String o = offsets.iterator().next();
        return java.time.ZoneOffset.of(
            o.length() == 5 ? o.substring(0, 3) + ":" + o.substring(3) : o);
      } catch (RuntimeException e) {
        // Falls through to the refusal below.
      }
    }
    throw new ProblemException(
        org.springframework.http.HttpStatus.BAD_REQUEST,
        "bad-request",
        "The timezone element needs a VTIMEZONE with a known TZID or a single offset (RFC 4791 §9.8).",
        List.of());
  }

  private static boolean mayRecur(EventRow m) {
    return m.rrule() != null || !m.rdates().isEmpty() || !m.exdates().isEmpty();
  }

  private java.util.Optional<Resource> resource(MemberPrincipal me, Target t) {
    calendars.get(me, t.calendar());
    return store
        .eventByHref(me.tenantId(), t.calendar(), t.href())
        .map(e -> new Resource(e, t.href(), home(me) + t.calendar() + "/"));
  }

  private String ics(MemberPrincipal me, Resource r) {
    CalendarRow c = store.calendar(me.tenantId(), r.event().calendarId()).orElseThrow();
    List<Ics.Item> items = CalendarFiles.items(events.resource(me, c.id(), r.event().id()));
    return Ics.write(c.name(), items, List.of());
  }

  /**
   * The iCalendar text of resources of one calendar, keyed by master ID. When they are the whole
   * calendar (a first sync) and at least {@value #BATCH_FROM}, they come from one export of it (two
   * queries, rows redacted exactly as {@link Events#resource} redacts them) instead of several
   * queries per resource; a resource the export does not hold (beyond its row limit) is read on its
   * own. A time-range query or a multiget reads just its resources, a few queries per 500 of them
   * ({@link Events#resources}): loading the whole calendar for a month's 1,100 resources cost as
   * much as reading them one by one.
   */
  private Map<UUID, String> icsOf(
      MemberPrincipal me, CalendarInfo c, List<Resource> resources, boolean wholeCalendar) {
    Map<UUID, String> out = new HashMap<>();
    if (!wholeCalendar || resources.size() < BATCH_FROM) {
      Map<UUID, List<Events.Exported>> rows =
          events.resources(me, c.id(), resources.stream().map(Resource::event).toList());
      for (Resource r : resources) {
        List<Events.Exported> of = rows.get(r.event().id());
        out.put(
            r.event().id(),
            of == null ? ics(me, r) : Ics.write(c.name(), CalendarFiles.items(of), List.of()));
      }
      return out;
    }
    Map<UUID, List<Events.Exported>> byMaster = new HashMap<>();
    for (Events.Exported x : events.export(me, c.id())) {
      EventRow e = x.event();
      byMaster
          .computeIfAbsent(e.parentId() == null ? e.id() : e.parentId(), k -> new ArrayList<>())
          .add(x);
    }
    for (Resource r : resources) {
      List<Events.Exported> rows = byMaster.get(r.event().id());
      if (rows == null || rows.stream().noneMatch(x -> x.event().parentId() == null)) {
        out.put(r.event().id(), ics(me, r));
        continue;
      }
      // As Events.resource orders them: the master, then its overrides by start.
      List<Ics.Item> items =
          CalendarFiles.items(
              rows.stream()
                  .sorted(
                      Comparator.comparing((Events.Exported x) -> x.event().parentId() != null)
                          .thenComparing(x -> x.event().startAt()))
                  .toList());
      out.put(r.event().id(), Ics.write(c.name(), items, List.of()));
    }
    return out;
  }

  private List<CalendarInfo> shownCalendars(MemberPrincipal me) {
    return calendars.list(me).stream()
        .filter(
            c -> !c.kind().equals("personal") || !c.access().equals("freebusy") || c.subscribed())
        .toList();
  }

  // ---- properties -----------------------------------------------------------------------------

  private static String principal(MemberPrincipal me) {
    return ROOT
        + "principals/"
        + UriUtils.encodePathSegment(me.loginId(), StandardCharsets.UTF_8)
        + "/";
  }

  private static String home(MemberPrincipal me) {
    return ROOT
        + "calendars/"
        + UriUtils.encodePathSegment(me.loginId(), StandardCharsets.UTF_8)
        + "/";
  }

  private Map<String, String> rootProps(MemberPrincipal me) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(key(DAV, "resourcetype"), "<D:collection/><D:principal/>");
    p.put(key(DAV, "displayname"), esc(me.loginId()));
    p.put(key(DAV, "current-user-principal"), href(principal(me)));
    p.put(key(DAV, "principal-URL"), href(principal(me)));
    p.put(key(CALDAV, "calendar-home-set"), href(home(me)));
    // RFC 6638 §2.4.1, §2.2, §2.1: where the member is addressed, and their scheduling boxes.
    p.put(
        key(CALDAV, "calendar-user-address-set"),
        href("mailto:" + mailDomains.addressOf(me.tenantId(), me.loginId())) + href(principal(me)));
    p.put(key(CALDAV, "calendar-user-type"), "INDIVIDUAL");
    p.put(key(CALDAV, "schedule-inbox-URL"), href(home(me) + "inbox/"));
    p.put(key(CALDAV, "schedule-outbox-URL"), href(home(me) + "outbox/"));
    return p;
  }

  /**
   * RFC 6638 §2.1–2.2: the scheduling outbox (free-busy requests) and an inbox that stays empty.
   */
  private Map<String, String> boxProps(MemberPrincipal me, String type) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(key(DAV, "resourcetype"), "<D:collection/><C:" + type + "/>");
    p.put(key(DAV, "displayname"), type);
    p.put(key(DAV, "current-user-principal"), href(principal(me)));
    p.put(key(DAV, "owner"), href(principal(me)));
    return p;
  }

  private Map<String, String> homeProps(MemberPrincipal me) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(key(DAV, "resourcetype"), "<D:collection/>");
    p.put(key(DAV, "displayname"), esc(me.loginId()));
    p.put(key(DAV, "current-user-principal"), href(principal(me)));
    p.put(key(DAV, "owner"), href(principal(me)));
    return p;
  }

  private Map<String, String> calendarProps(MemberPrincipal me, CalendarInfo c) {
    Map<String, String> p = new LinkedHashMap<>();
    long version = store.calendar(me.tenantId(), c.id()).map(CalendarRow::version).orElse(0L);
    p.put(key(DAV, "resourcetype"), "<D:collection/><C:calendar/>");
    p.put(key(DAV, "displayname"), esc(c.name()));
    p.put(key(APPLE, "calendar-color"), esc(c.color()));
    p.put(key(CS, "getctag"), "\"" + c.id() + "-" + version + "\"");
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    p.put(
        key(DAV, "sync-token"),
        "urn:musubi:sync:" + (now.getEpochSecond() * 1_000_000 + now.getNano() / 1000));
    p.put(key(CALDAV, "supported-calendar-component-set"), "<C:comp name=\"VEVENT\"/>");
    // RFC 4791 §5.2.2: the zone in which all-day events are compared when a query names none.
    StringBuilder zone = new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
    zone.append("PRODID:-//Musubi//Calendar//JA\r\n");
    Ics.timezone(zone, events.zoneOf(me.tenantId(), c.ownerId()).getId());
    zone.append("END:VCALENDAR\r\n");
    p.put(key(CALDAV, "calendar-timezone"), esc(zone.toString()));
    p.put(
        key(DAV, "supported-report-set"),
        "<D:supported-report><D:report><C:calendar-query/></D:report></D:supported-report>"
            + "<D:supported-report><D:report><C:calendar-multiget/></D:report></D:supported-report>"
            + "<D:supported-report><D:report><D:sync-collection/></D:report></D:supported-report>"
            + "<D:supported-report><D:report><C:free-busy-query/></D:report></D:supported-report>");
    p.put(key(DAV, "current-user-principal"), href(principal(me)));
    p.put(
        key(DAV, "current-user-privilege-set"),
        c.readOnly()
            ? "<D:privilege><D:read/></D:privilege>"
            : "<D:privilege><D:read/></D:privilege><D:privilege><D:write/></D:privilege>"
                + "<D:privilege><D:write-content/></D:privilege><D:privilege><D:bind/></D:privilege>"
                + "<D:privilege><D:unbind/></D:privilege>");
    return p;
  }

  private Map<String, String> resourceProps(Resource r, @Nullable String ics) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(key(DAV, "resourcetype"), "");
    p.put(key(DAV, "getetag"), esc(Events.quoted(r.event().etag())));
    p.put(key(DAV, "getcontenttype"), "text/calendar; charset=utf-8; component=VEVENT");
    if (ics != null) {
      p.put(key(CALDAV, "calendar-data"), esc(ics));
    }
    return p;
  }

  /** A 207 Multi-Status body. */
  static final class Multistatus {
    private final StringBuilder sb = new StringBuilder();
    @Nullable String syncToken;

    void add(String path, Map<String, String> props, Set<String> wanted, boolean all) {
      sb.append("<D:response>").append(href(path));
      StringBuilder found = new StringBuilder();
      StringBuilder missing = new StringBuilder();
      if (all) {
        props.forEach((k, v) -> found.append(element(k, v)));
      } else {
        for (String w : wanted) {
          String v = props.get(w);
          if (v != null) {
            found.append(element(w, v));
          } else {
            missing.append(element(w, ""));
          }
        }
      }
      if (!found.isEmpty()) {
        sb.append("<D:propstat><D:prop>")
            .append(found)
            .append("</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>");
      }
      if (!missing.isEmpty()) {
        sb.append("<D:propstat><D:prop>")
            .append(missing)
            .append("</D:prop><D:status>HTTP/1.1 404 Not Found</D:status></D:propstat>");
      }
      sb.append("</D:response>");
    }

    void missing(String path) {
      sb.append("<D:response>")
          .append(href(path))
          .append("<D:status>HTTP/1.1 404 Not Found</D:status></D:response>");
    }

    void write(HttpServletResponse res) throws IOException {
      res.setStatus(207);
      res.setContentType("application/xml;charset=UTF-8");
      res.getWriter()
          .write(
              "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                  + "<D:multistatus xmlns:D=\"DAV:\" xmlns:C=\""
                  + CALDAV
                  + "\" xmlns:CS=\""
                  + CS
                  + "\" xmlns:A=\""
                  + APPLE
                  + "\">"
                  + sb
                  + (syncToken == null ? "" : "<D:sync-token>" + syncToken + "</D:sync-token>")
                  + "</D:multistatus>");
    }
  }

  private static String element(String key, String value) {
    int bar = key.indexOf('|');
    String ns = key.substring(0, bar);
    String local = key.substring(bar + 1);
    String prefix =
        switch (ns) {
          case DAV -> "D";
          case CALDAV -> "C";
          case CS -> "CS";
          case APPLE -> "A";
          default -> null;
        };
    if (prefix == null) {
      return "<X:" + local + " xmlns:X=\"" + esc(ns) + "\">" + value + "</X:" + local + ">";
    }
    return "<" + prefix + ":" + local + ">" + value + "</" + prefix + ":" + local + ">";
  }

  private static String href(String path) {
    return "<D:href>" + esc(path) + "</D:href>";
  }

  static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  // ---- parsing ----------------------------------------------------------------------------------

  /** Parses the request path; null when it names nothing here. */
  static @Nullable Target target(String rawPath) {
    String path = rawPath;
    int q = path.indexOf('?');
    if (q >= 0) {
      path = path.substring(0, q);
    }
    if (path.startsWith("http://") || path.startsWith("https://")) {
      int slash = path.indexOf('/', path.indexOf("//") + 2);
      path = slash < 0 ? "/" : path.substring(slash);
    }
    if (!path.startsWith("/dav/cal")) {
      return null;
    }
    String rest = path.substring("/dav/cal".length());
    List<String> parts = new ArrayList<>();
    for (String p : rest.split("/")) {
      if (!p.isEmpty()) {
        parts.add(UriUtils.decode(p, StandardCharsets.UTF_8));
      }
    }
    if (parts.isEmpty()) {
      return new Target("root", null, null, null);
    }
    if (parts.getFirst().equals("principals") && parts.size() == 2) {
      return new Target("principal", parts.get(1), null, null);
    }
    if (parts.getFirst().equals("calendars") && parts.size() >= 2 && parts.size() <= 4) {
      if (parts.size() == 2) {
        return new Target("home", parts.get(1), null, null);
      }
      if (parts.size() == 3 && (parts.get(2).equals("inbox") || parts.get(2).equals("outbox"))) {
        return new Target(parts.get(2), parts.get(1), null, null);
      }
      UUID cal = Ids.parseOrNull(parts.get(2));
      if (cal == null) {
        return null;
      }
      if (parts.size() == 3) {
        return new Target("calendar", parts.get(1), cal, null);
      }
      String href = parts.get(3);
      if (href.length() > 250 || href.contains("/") || href.isBlank()) {
        return null;
      }
      return new Target("resource", parts.get(1), cal, href);
    }
    return null;
  }

  private static @Nullable Instant parseToken(String token) {
    String prefix = "urn:musubi:sync:";
    if (!token.startsWith(prefix)) {
      return null;
    }
    try {
      long micros = Long.parseLong(token.substring(prefix.length()));
      return Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Instant time(String text, Instant fallback) {
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      return CALDAV_TIME.parse(text.strip(), Instant::from);
    } catch (RuntimeException e) {
      throw new ProblemException(
          org.springframework.http.HttpStatus.BAD_REQUEST,
          "bad-request",
          "Bad time-range.",
          List.of());
    }
  }

  private static String body(HttpServletRequest req) throws IOException {
    byte[] bytes = req.getInputStream().readNBytes(MAX_BODY + 1);
    if (bytes.length > MAX_BODY) {
      throw new ProblemException(
          org.springframework.http.HttpStatus.CONTENT_TOO_LARGE,
          "too-large",
          "At most 5 MB.",
          List.of());
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static @Nullable Document xml(HttpServletRequest req) throws IOException {
    String text = body(req);
    if (text.isBlank()) {
      return null;
    }
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature("http://xml.org/sax/features/external-general-entities", false);
      f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(null);
      return b.parse(new InputSource(new StringReader(text)));
    } catch (Exception e) {
      throw new ProblemException(
          org.springframework.http.HttpStatus.BAD_REQUEST,
          "bad-request",
          "The XML body is not well-formed.",
          List.of());
    }
  }

  private static String key(Element e) {
    return key(e.getNamespaceURI() == null ? "" : e.getNamespaceURI(), e.getLocalName());
  }

  private static String key(String ns, String local) {
    return ns + "|" + local;
  }

  private static @Nullable Element first(Element parent, String ns, String local) {
    NodeList list = parent.getElementsByTagNameNS(ns, local);
    return list.getLength() == 0 ? null : (Element) list.item(0);
  }

  private static List<Element> children(Element parent) {
    List<Element> out = new ArrayList<>();
    NodeList list = parent.getChildNodes();
    for (int i = 0; i < list.getLength(); i++) {
      if (list.item(i).getNodeType() == Node.ELEMENT_NODE) {
        out.add((Element) list.item(i));
      }
    }
    return out;
  }
}
