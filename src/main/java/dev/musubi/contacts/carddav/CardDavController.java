package dev.musubi.contacts.carddav;

import dev.musubi.contacts.Book;
import dev.musubi.contacts.Contact;
import dev.musubi.contacts.Contacts;
import dev.musubi.contacts.carddav.DavXml.Name;
import dev.musubi.contacts.codec.Photos;
import dev.musubi.contacts.codec.VCards;
import dev.musubi.identity.Directory;
import dev.musubi.identity.DirectoryMember;
import dev.musubi.identity.MemberPhotos;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.ProblemException;
import dev.musubi.platform.web.Problems;
import ezvcard.VCardVersion;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.w3c.dom.Element;

/**
 * CardDAV (RFC 6352) for the caller's address books, under {@code /dav/card/}:
 *
 * <pre>
 * /dav/card/                              service root (current-user-principal)
 * /dav/card/principals/{loginId}/         the caller's principal (addressbook-home-set)
 * /dav/card/{loginId}/                    address book home
 * /dav/card/{loginId}/personal/           the caller's personal book (read-write)
 * /dav/card/{loginId}/shared/             the company's shared book (writable if allowed)
 * /dav/card/{loginId}/directory/          the company directory (read-only)
 * /dav/card/{loginId}/{book}/{uid}.vcf    one contact
 * </pre>
 *
 * Another member's login ID in a path answers 404, as does anything of another company.
 */
@Controller
class CardDavController {

  private static final String ROOT = "/dav/card/";
  private static final int MAX_BODY = 4 * 1024 * 1024;
  private static final String SYNC_PREFIX = "urn:musubi:sync:";
  private static final String DIRECTORY_PREFIX = "urn:musubi:directory:";
  private static final List<String> BOOKS = List.of("personal", "shared", "directory");

  private final Contacts contacts;
  private final Directory directory;
  private final MemberPhotos photos;

  CardDavController(Contacts contacts, Directory directory, MemberPhotos photos) {
    this.photos = photos;
    this.contacts = contacts;
    this.directory = directory;
  }

  /** RFC 6764 §5: the well-known URI points at the service root. */
  @RequestMapping("/.well-known/carddav")
  void wellKnown(HttpServletResponse response) {
    response.setStatus(HttpStatus.MOVED_PERMANENTLY.value());
    response.setHeader("Location", ROOT);
  }

  /** OPTIONS needs its own mapping: Spring answers it itself for mappings without a method. */
  @RequestMapping(
      path = {"/dav/card", "/dav/card/", "/dav/card/**"},
      method = RequestMethod.OPTIONS)
  void options(HttpServletResponse response) {
    response.setHeader("DAV", "1, 3, addressbook");
    response.setHeader("Allow", "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, REPORT");
    response.setStatus(200);
  }

  @RequestMapping({"/dav/card", "/dav/card/", "/dav/card/**"})
  void dav(HttpServletRequest request, HttpServletResponse response) throws IOException {
    MemberPrincipal me = CurrentMember.get();
    String path = request.getRequestURI().substring(request.getContextPath().length());
    List<String> seg = segments(path);
    String method = request.getMethod().toUpperCase(Locale.ROOT);
    response.setHeader("DAV", "1, 3, addressbook");
    if (method.equals("OPTIONS")) {
      response.setHeader("Allow", "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, REPORT");
      response.setStatus(200);
      return;
    }
    Target target = target(me, seg);
    switch (method) {
      case "PROPFIND" -> propfind(me, target, request, response);
      case "REPORT" -> report(me, target, request, response);
      case "GET", "HEAD" -> get(me, target, response, method.equals("HEAD"));
      case "PUT" -> put(me, target, request, response);
      case "DELETE" -> delete(me, target, request, response);
      default -> {
        response.setHeader("Allow", "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, REPORT");
        response.setStatus(HttpStatus.METHOD_NOT_ALLOWED.value());
      }
    }
  }

  // --- what a path names -------------------------------------------------------------------------

  private enum Kind {
    ROOT,
    PRINCIPAL,
    HOME,
    BOOK,
    CARD
  }

  private record Target(Kind kind, @Nullable String book, @Nullable String name) {}

  private static List<String> segments(String path) {
    String rest = path.startsWith("/dav/card") ? path.substring("/dav/card".length()) : path;
    List<String> out = new ArrayList<>();
    for (String s : rest.split("/")) {
      if (!s.isEmpty()) {
        out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static Target target(MemberPrincipal me, List<String> seg) {
    if (seg.isEmpty()) {
      return new Target(Kind.ROOT, null, null);
    }
    if (seg.get(0).equals("principals")) {
      if (seg.size() == 2 && seg.get(1).equalsIgnoreCase(me.loginId())) {
        return new Target(Kind.PRINCIPAL, null, null);
      }
      throw Problems.notFound();
    }
    if (!seg.get(0).equalsIgnoreCase(me.loginId())) {
      throw Problems.notFound();
    }
    if (seg.size() == 1) {
      return new Target(Kind.HOME, null, null);
    }
    if (!BOOKS.contains(seg.get(1)) || seg.size() > 3) {
      throw Problems.notFound();
    }
    if (seg.size() == 2) {
      return new Target(Kind.BOOK, seg.get(1), null);
    }
    String file = seg.get(2);
    if (!file.endsWith(".vcf") || file.length() <= 4 || file.length() > 204) {
      throw Problems.notFound();
    }
    return new Target(Kind.CARD, seg.get(1), file.substring(0, file.length() - 4));
  }

  private static String home(MemberPrincipal me) {
    return ROOT + enc(me.loginId()) + "/";
  }

  private static String principal(MemberPrincipal me) {
    return ROOT + "principals/" + enc(me.loginId()) + "/";
  }

  private static String bookHref(MemberPrincipal me, String book) {
    return home(me) + book + "/";
  }

  private static String cardHref(MemberPrincipal me, String book, String name) {
    return bookHref(me, book) + enc(name) + ".vcf";
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  // --- cards of a book ---------------------------------------------------------------------------

  /** One card as served: name (href without .vcf), ETag and how to render it. */
  private record Card(
      String name, String etag, Contact contact, Supplier<byte @Nullable []> photo) {
    Card(String name, String etag, Contact contact, byte @Nullable [] photo) {
      this(name, etag, contact, () -> photo);
    }

    String vcard(VCardVersion v) {
      return VCards.write(contact, photo.get(), v);
    }
  }

  private List<Card> cards(MemberPrincipal me, String book) {
    if (book.equals("directory")) {
      return directoryCards(me);
    }
    return contacts.stored(me, Book.parse(book)).stream()
        .map(s -> new Card(s.contact().uid(), s.contact().etag(), s.contact(), s.photo()))
        .toList();
  }

  private Optional<Card> card(MemberPrincipal me, String book, String name) {
    if (book.equals("directory")) {
      return directoryCards(me).stream().filter(c -> c.name().equals(name)).findFirst();
    }
    return contacts
        .byUid(me, Book.parse(book), name)
        .map(s -> new Card(s.contact().uid(), s.contact().etag(), s.contact(), s.photo()));
  }

  /** The named cards of a book that exist, in one lookup (a multiget names up to thousands). */
  private Map<String, Card> cards(MemberPrincipal me, String book, List<String> names) {
    Map<String, Card> out = new LinkedHashMap<>();
    if (book.equals("directory")) {
      Set<String> wanted = new HashSet<>(names);
      for (Card c : directoryCards(me)) {
        if (wanted.contains(c.name())) {
          out.put(c.name(), c);
        }
      }
      return out;
    }
    contacts
        .byUids(me, Book.parse(book), names)
        .forEach(
            (uid, s) ->
                out.put(
                    uid, new Card(s.contact().uid(), s.contact().etag(), s.contact(), s.photo())));
    return out;
  }

  private List<Card> directoryCards(MemberPrincipal me) {
    List<Card> out = new ArrayList<>();
    for (DirectoryMember m : directory.everyone(me.tenantId())) {
      List<Contact.Phone> phones = new ArrayList<>();
      if (!m.phone().isBlank()) {
        phones.add(new Contact.Phone("work", m.phone()));
      }
      if (!m.extension().isBlank()) {
        phones.add(new Contact.Phone("other", m.extension()));
      }
      String department =
          m.departments().isEmpty() ? "" : String.join(" ", m.departments().get(0).path());
      Contact c =
          new Contact(
              m.id(),
              "directory",
              m.id().toString(),
              m.displayName(),
              m.familyName(),
              m.givenName(),
              m.familyNameReading(),
              m.givenNameReading(),
              "",
              "",
              department,
              m.title(),
              m.email().isBlank() ? List.of() : List.of(new Contact.Email("work", m.email())),
              phones,
              Contact.Address.EMPTY,
              m.office(),
              List.of(),
              false,
              0,
              Instant.EPOCH,
              Instant.EPOCH);
      // The photo is read only when the card is rendered; its version goes into the ETag.
      String text = VCards.write(c, null, VCardVersion.V3_0) + (m.photo() == null ? "" : m.photo());
      UUID tenant = me.tenantId();
      Supplier<byte @Nullable []> photo =
          m.photo() == null
              ? () -> null
              : () -> photos.of(tenant, m.id()).map(MemberPhotos.Photo::jpeg).orElse(null);
      out.add(new Card(c.uid(), "\"" + sha(text).substring(0, 24) + "\"", c, photo));
    }
    return out;
  }

  private String syncToken(MemberPrincipal me, String book) {
    if (book.equals("directory")) {
      StringBuilder all = new StringBuilder();
      directoryCards(me).forEach(c -> all.append(c.name()).append(c.etag()));
      return DIRECTORY_PREFIX + sha(all.toString()).substring(0, 32);
    }
    return SYNC_PREFIX + contacts.latestChange(me, Book.parse(book));
  }

  private boolean writable(MemberPrincipal me, String book) {
    return !book.equals("directory") && contacts.mayWrite(me, Book.parse(book));
  }

  // --- PROPFIND ----------------------------------------------------------------------------------

  private void propfind(
      MemberPrincipal me, Target t, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Element root = body(request);
    List<Name> wanted = null; // null: allprop
    boolean names = false;
    if (root != null) {
      Element prop = DavXml.child(root, DavXml.DAV, "prop");
      if (prop != null) {
        wanted = DavXml.children(prop).stream().map(DavXml::name).toList();
      }
      names = DavXml.child(root, DavXml.DAV, "propname") != null;
    }
    String depth = request.getHeader("Depth");
    boolean children = depth != null && !depth.equals("0");
    StringBuilder out = new StringBuilder(DavXml.MULTISTATUS_OPEN);
    switch (t.kind()) {
      case ROOT -> out.append(response(ROOT, rootProps(me, false), wanted, names));
      case PRINCIPAL -> out.append(response(principal(me), rootProps(me, true), wanted, names));
      case HOME -> {
        out.append(response(home(me), homeProps(me), wanted, names));
        if (children) {
          for (String b : BOOKS) {
            out.append(response(bookHref(me, b), bookProps(me, b), wanted, names));
          }
        }
      }
      case BOOK -> {
        String b = t.book();
        out.append(response(bookHref(me, b), bookProps(me, b), wanted, names));
        if (children) {
          for (Card c : cards(me, b)) {
            out.append(response(cardHref(me, b, c.name()), cardProps(c, null), wanted, names));
          }
        }
      }
      case CARD -> {
        Card c = card(me, t.book(), t.name()).orElseThrow(Problems::notFound);
        out.append(response(cardHref(me, t.book(), c.name()), cardProps(c, null), wanted, names));
      }
    }
    out.append(DavXml.MULTISTATUS_CLOSE);
    multistatus(response, out);
  }

  private Map<Name, String> rootProps(MemberPrincipal me, boolean isPrincipal) {
    Map<Name, String> p = new LinkedHashMap<>();
    p.put(
        new Name(DavXml.DAV, "resourcetype"),
        isPrincipal ? "<d:collection/><d:principal/>" : "<d:collection/>");
    p.put(new Name(DavXml.DAV, "displayname"), DavXml.escape(me.loginId()));
    p.put(new Name(DavXml.DAV, "current-user-principal"), href(principal(me)));
    p.put(new Name(DavXml.DAV, "principal-URL"), href(principal(me)));
    p.put(new Name(DavXml.CARD, "addressbook-home-set"), href(home(me)));
    return p;
  }

  private Map<Name, String> homeProps(MemberPrincipal me) {
    Map<Name, String> p = new LinkedHashMap<>();
    p.put(new Name(DavXml.DAV, "resourcetype"), "<d:collection/>");
    p.put(new Name(DavXml.DAV, "displayname"), DavXml.escape(me.loginId()));
    p.put(new Name(DavXml.DAV, "current-user-principal"), href(principal(me)));
    p.put(new Name(DavXml.DAV, "owner"), href(principal(me)));
    return p;
  }

  private Map<Name, String> bookProps(MemberPrincipal me, String book) {
    Map<Name, String> p = new LinkedHashMap<>();
    String token = syncToken(me, book);
    p.put(new Name(DavXml.DAV, "resourcetype"), "<d:collection/><card:addressbook/>");
    p.put(
        new Name(DavXml.DAV, "displayname"),
        switch (book) {
          case "personal" -> "個人アドレス帳";
          case "shared" -> "共有アドレス帳";
          default -> "社内ディレクトリ";
        });
    p.put(new Name(DavXml.DAV, "sync-token"), DavXml.escape(token));
    p.put(new Name(DavXml.CS, "getctag"), DavXml.escape(token));
    p.put(new Name(DavXml.DAV, "current-user-principal"), href(principal(me)));
    p.put(new Name(DavXml.DAV, "owner"), href(principal(me)));
    p.put(
        new Name(DavXml.DAV, "current-user-privilege-set"),
        writable(me, book)
            ? "<d:privilege><d:read/></d:privilege><d:privilege><d:write/></d:privilege>"
                + "<d:privilege><d:write-content/></d:privilege>"
                + "<d:privilege><d:bind/></d:privilege><d:privilege><d:unbind/></d:privilege>"
            : "<d:privilege><d:read/></d:privilege>");
    p.put(
        new Name(DavXml.DAV, "supported-report-set"),
        "<d:supported-report><d:report><card:addressbook-query/></d:report></d:supported-report>"
            + "<d:supported-report><d:report><card:addressbook-multiget/></d:report>"
            + "</d:supported-report><d:supported-report><d:report><d:sync-collection/>"
            + "</d:report></d:supported-report>");
    p.put(
        new Name(DavXml.CARD, "supported-address-data"),
        "<card:address-data-type content-type=\"text/vcard\" version=\"3.0\"/>"
            + "<card:address-data-type content-type=\"text/vcard\" version=\"4.0\"/>");
    p.put(new Name(DavXml.CARD, "max-resource-size"), Integer.toString(MAX_BODY));
    return p;
  }

  private Map<Name, String> cardProps(Card c, @Nullable Element addressData) {
    Map<Name, String> p = new LinkedHashMap<>();
    p.put(new Name(DavXml.DAV, "resourcetype"), "");
    p.put(new Name(DavXml.DAV, "getetag"), DavXml.escape(c.etag()));
    p.put(new Name(DavXml.DAV, "getcontenttype"), "text/vcard; charset=utf-8");
    p.put(new Name(DavXml.CARD, "address-data"), DavXml.escape(c.vcard(version(addressData))));
    return p;
  }

  private static VCardVersion version(@Nullable Element addressData) {
    return addressData != null && "4.0".equals(addressData.getAttribute("version"))
        ? VCardVersion.V4_0
        : VCardVersion.V3_0;
  }

  private static String href(String href) {
    return "<d:href>" + DavXml.escape(href) + "</d:href>";
  }

  /** One response element: found properties under 200, unknown requested ones under 404. */
  private static String response(
      String href, Map<Name, String> props, @Nullable List<Name> wanted, boolean namesOnly) {
    StringBuilder ok = new StringBuilder();
    StringBuilder missing = new StringBuilder();
    if (wanted == null) {
      props.forEach(
          (n, v) -> {
            if (n.local().equals("address-data")) {
              return; // RFC 6352 §10.4: not part of allprop
            }
            ok.append(
                namesOnly || v.isEmpty() ? DavXml.empty(n) : DavXml.open(n) + v + DavXml.close(n));
          });
    } else {
      for (Name n : wanted) {
        String v = props.get(n);
        if (v == null) {
          missing.append(DavXml.empty(n));
        } else {
          ok.append(v.isEmpty() ? DavXml.empty(n) : DavXml.open(n) + v + DavXml.close(n));
        }
      }
    }
    StringBuilder r = new StringBuilder("<d:response>").append(href(href));
    if (!ok.isEmpty() || missing.isEmpty()) {
      r.append("<d:propstat><d:prop>")
          .append(ok)
          .append("</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>");
    }
    if (!missing.isEmpty()) {
      r.append("<d:propstat><d:prop>")
          .append(missing)
          .append("</d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>");
    }
    return r.append("</d:response>").toString();
  }

  // --- REPORT ------------------------------------------------------------------------------------

  private void report(
      MemberPrincipal me, Target t, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (t.kind() != Kind.BOOK) {
      throw Problems.forbidden("Reports run on an address book.");
    }
    String book = t.book();
    Element root = body(request);
    if (root == null) {
      throw Problems.badRequest("A REPORT needs a body.");
    }
    Element prop = DavXml.child(root, DavXml.DAV, "prop");
    List<Name> wanted =
        prop == null
            ? List.of(new Name(DavXml.DAV, "getetag"))
            : DavXml.children(prop).stream().map(DavXml::name).toList();
    Element addressData = prop == null ? null : DavXml.child(prop, DavXml.CARD, "address-data");
    StringBuilder out = new StringBuilder(DavXml.MULTISTATUS_OPEN);
    if (DavXml.is(root, DavXml.CARD, "addressbook-multiget")) {
      // RFC 6352 §8.7
      List<String> hrefs = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (Element h : DavXml.children(root)) {
        if (DavXml.is(h, DavXml.DAV, "href")) {
          String href = h.getTextContent().strip();
          String name = nameOf(me, book, href);
          hrefs.add(href);
          if (name != null) {
            names.add(name);
          }
        }
      }
      Map<String, Card> cards = cards(me, book, names);
      for (String href : hrefs) {
        String name = nameOf(me, book, href);
        Optional<Card> c = Optional.ofNullable(name == null ? null : cards.get(name));
        if (c.isPresent()) {
          out.append(response(href, cardProps(c.get(), addressData), wanted, false));
        } else {
          out.append("<d:response>")
              .append(href(href))
              .append("<d:status>HTTP/1.1 404 Not Found</d:status></d:response>");
        }
      }
    } else if (DavXml.is(root, DavXml.CARD, "addressbook-query")) {
      // RFC 6352 §8.6
      Element filter = DavXml.child(root, DavXml.CARD, "filter");
      for (Card c : cards(me, book)) {
        if (CardFilter.matches(filter, c.contact())) {
          out.append(
              response(cardHref(me, book, c.name()), cardProps(c, addressData), wanted, false));
        }
      }
    } else if (DavXml.is(root, DavXml.DAV, "sync-collection")) {
      // RFC 6578 §3.2
      Element tokenEl = DavXml.child(root, DavXml.DAV, "sync-token");
      String token = tokenEl == null ? "" : tokenEl.getTextContent().strip();
      String now = syncToken(me, book);
      if (book.equals("directory")) {
        if (!token.isEmpty() && !token.equals(now)) {
          invalidToken(response);
          return;
        }
        if (token.isEmpty()) {
          for (Card c : cards(me, book)) {
            out.append(
                response(cardHref(me, book, c.name()), cardProps(c, addressData), wanted, false));
          }
        }
      } else {
        long since = 0;
        if (!token.isEmpty()) {
          if (!token.startsWith(SYNC_PREFIX)) {
            invalidToken(response);
            return;
          }
          try {
            since = Long.parseLong(token.substring(SYNC_PREFIX.length()));
          } catch (NumberFormatException e) {
            invalidToken(response);
            return;
          }
        }
        Map<String, Contacts.Change> latest = new LinkedHashMap<>();
        for (Contacts.Change ch : contacts.changesSince(me, Book.parse(book), since)) {
          latest.remove(ch.uid());
          latest.put(ch.uid(), ch);
        }
        for (Contacts.Change ch : latest.values()) {
          String href = cardHref(me, book, ch.uid());
          if (ch.deleted() || ch.stored() == null) {
            if (since > 0) {
              out.append("<d:response>")
                  .append(href(href))
                  .append("<d:status>HTTP/1.1 404 Not Found</d:status></d:response>");
            }
          } else {
            Contact c = ch.stored().contact();
            Card card = new Card(c.uid(), c.etag(), c, ch.stored().photo());
            out.append(response(href, cardProps(card, addressData), wanted, false));
          }
        }
      }
      out.append("<d:sync-token>").append(DavXml.escape(now)).append("</d:sync-token>");
    } else {
      throw Problems.forbidden("This report is not supported.");
    }
    out.append(DavXml.MULTISTATUS_CLOSE);
    multistatus(response, out);
  }

  private static void invalidToken(HttpServletResponse response) throws IOException {
    response.setStatus(403);
    response.setContentType("application/xml; charset=utf-8");
    response
        .getOutputStream()
        .write(
            ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                    + "<d:error xmlns:d=\"DAV:\"><d:valid-sync-token/></d:error>")
                .getBytes(StandardCharsets.UTF_8));
  }

  private static @Nullable String nameOf(MemberPrincipal me, String book, String href) {
    String path = href;
    int scheme = path.indexOf("://");
    if (scheme >= 0) {
      int slash = path.indexOf('/', scheme + 3);
      path = slash < 0 ? "/" : path.substring(slash);
    }
    List<String> seg = segments(path);
    if (seg.size() != 3
        || !seg.get(0).equalsIgnoreCase(me.loginId())
        || !seg.get(1).equals(book)
        || !seg.get(2).endsWith(".vcf")) {
      return null;
    }
    return seg.get(2).substring(0, seg.get(2).length() - 4);
  }

  // --- GET, PUT, DELETE --------------------------------------------------------------------------

  private void get(MemberPrincipal me, Target t, HttpServletResponse response, boolean head)
      throws IOException {
    if (t.kind() != Kind.CARD) {
      response.setHeader("Allow", "OPTIONS, PROPFIND, REPORT");
      response.setStatus(HttpStatus.METHOD_NOT_ALLOWED.value());
      return;
    }
    Card c = card(me, t.book(), t.name()).orElseThrow(Problems::notFound);
    byte[] body = c.vcard(VCardVersion.V3_0).getBytes(StandardCharsets.UTF_8);
    response.setStatus(200);
    response.setHeader("ETag", c.etag());
    response.setContentType("text/vcard; charset=utf-8");
    response.setContentLength(body.length);
    if (!head) {
      response.getOutputStream().write(body);
    }
  }

  private void put(
      MemberPrincipal me, Target t, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (t.kind() != Kind.CARD) {
      response.setStatus(HttpStatus.METHOD_NOT_ALLOWED.value());
      return;
    }
    if (!writable(me, t.book())) {
      throw Problems.forbidden("This address book is read-only for you.");
    }
    byte[] body = read(request);
    List<VCards.Parsed> parsed;
    try {
      parsed = VCards.read(new String(body, StandardCharsets.UTF_8), 1);
    } catch (VCards.VCardException e) {
      // RFC 6352 §6.3.2.1: CARDDAV:valid-address-data
      throw Problems.invalid("address-data", "valid-address-data", e.getMessage());
    }
    VCards.Parsed card = parsed.get(0);
    byte[] photo = null;
    if (card.photo() != null) {
      try {
        photo = Photos.normalise(card.photo());
      } catch (Photos.PhotoException e) {
        photo = null; // an oversized or unreadable photo is dropped, the contact kept
      }
    }
    String ifMatch = request.getHeader("If-Match");
    Long expected = ifMatch == null || ifMatch.strip().equals("*") ? null : version(ifMatch);
    boolean createOnly = "*".equals(strip(request.getHeader("If-None-Match")));
    boolean existed = contacts.byUid(me, Book.parse(t.book()), t.name()).isPresent();
    if (ifMatch != null && ifMatch.strip().equals("*") && !existed) {
      throw stale();
    }
    Contacts.Stored s =
        contacts.putByUid(
            me, Book.parse(t.book()), t.name(), card.input(), photo, expected, createOnly);
    response.setHeader("ETag", s.contact().etag());
    response.setStatus(existed ? 204 : 201);
  }

  private void delete(
      MemberPrincipal me, Target t, HttpServletRequest request, HttpServletResponse response) {
    if (t.kind() != Kind.CARD) {
      response.setStatus(HttpStatus.METHOD_NOT_ALLOWED.value());
      return;
    }
    if (t.book().equals("directory")) {
      throw Problems.forbidden("The company directory is read-only.");
    }
    String ifMatch = request.getHeader("If-Match");
    Long expected = ifMatch == null || ifMatch.strip().equals("*") ? null : version(ifMatch);
    contacts.deleteByUid(me, Book.parse(t.book()), t.name(), expected);
    response.setStatus(204);
  }

  // --- helpers -----------------------------------------------------------------------------------

  private static @Nullable String strip(@Nullable String s) {
    return s == null ? null : s.strip();
  }

  private static Long version(String etag) {
    String v = etag.strip();
    if (v.startsWith("W/")) {
      v = v.substring(2);
    }
    v = v.replace("\"", "");
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw stale();
    }
  }

  private static ProblemException stale() {
    return new ProblemException(
        HttpStatus.PRECONDITION_FAILED, "stale", "The contact changed.", List.of());
  }

  private static byte[] read(HttpServletRequest request) throws IOException {
    try (InputStream in = request.getInputStream()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        throw new ProblemException(
            HttpStatus.CONTENT_TOO_LARGE, "too-large", "The vCard is too large.", List.of());
      }
      return body;
    }
  }

  private static @Nullable Element body(HttpServletRequest request) throws IOException {
    try {
      return DavXml.parse(read(request));
    } catch (IllegalArgumentException e) {
      throw Problems.badRequest(e.getMessage());
    }
  }

  private static void multistatus(HttpServletResponse response, StringBuilder xml)
      throws IOException {
    byte[] body = xml.toString().getBytes(StandardCharsets.UTF_8);
    response.setStatus(207);
    response.setContentType("application/xml; charset=utf-8");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  private static String sha(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
