package dev.musubi.drive.web;

import dev.musubi.drive.DeadProperty;
import dev.musubi.drive.DriveInfo;
import dev.musubi.drive.DriveItem;
import dev.musubi.drive.DriveNames;
import dev.musubi.drive.Drives;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.ProblemException;
import dev.musubi.platform.web.ProblemWriter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.web.util.UriUtils;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.w3c.dom.ls.DOMImplementationLS;
import org.w3c.dom.ls.LSSerializer;

/**
 * WebDAV class 1 and 2 (RFC 4918) at {@code /dav/files/{loginId}/…}, mapped onto the member's
 * personal drive through {@link Drives}, so that the same rights, names, quotas, versions and trash
 * apply: PUT on an existing file adds a version, DELETE moves to the trash. The member is already
 * authenticated (HTTP Basic, see the identity module); another member's path answers 404.
 */
class DavServlet extends HttpServlet {

  static final String PREFIX = "/dav/files/";
  private static final String DAV = "DAV:";
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
  private static final Pattern IF_TOKEN =
      Pattern.compile("(Not\\s+)?(?:<([^>]*)>|\\[([^\\]]*)\\])", Pattern.CASE_INSENSITIVE);

  private final transient Drives drives;
  private final transient DavLocks locks;
  private final transient Downloads downloads;
  private final transient ProblemWriter problems;

  DavServlet(Drives drives, DavLocks locks, Downloads downloads, ProblemWriter problems) {
    this.drives = drives;
    this.locks = locks;
    this.downloads = downloads;
    this.problems = problems;
  }

  /** A request path resolved against the drive. */
  private record Target(
      MemberPrincipal actor,
      DriveInfo drive,
      List<String> segments,
      @Nullable DriveItem item,
      @Nullable DriveItem parent,
      String key) {

    String name() {
      return segments.get(segments.size() - 1);
    }

    boolean root() {
      return segments.isEmpty();
    }
  }

  private static final class DavError extends RuntimeException {
    final int status;

    DavError(int status) {
      super(null, null, false, false);
      this.status = status;
    }
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
    res.setHeader("DAV", "1, 2");
    res.setHeader("MS-Author-Via", "DAV");
    try {
      MemberPrincipal actor = CurrentMember.get();
      switch (req.getMethod()) {
        case "OPTIONS" -> options(res);
        case "GET", "HEAD" -> get(actor, req, res);
        case "PUT" -> put(actor, req, res);
        case "DELETE" -> delete(actor, req, res);
        case "MKCOL" -> mkcol(actor, req, res);
        case "PROPFIND" -> propfind(actor, req, res);
        case "PROPPATCH" -> proppatch(actor, req, res);
        case "COPY" -> copyOrMove(actor, req, res, false);
        case "MOVE" -> copyOrMove(actor, req, res, true);
        case "LOCK" -> lock(actor, req, res);
        case "UNLOCK" -> unlock(actor, req, res);
        default -> res.sendError(405);
      }
    } catch (DavError e) {
      if (!res.isCommitted()) {
        res.resetBuffer();
        res.setStatus(e.status);
      }
    } catch (ProblemException e) {
      if (e.type().equals("download-not-allowed")) {
        // A policy refusal says why, as the API does, so that a client can show it.
        problems.write(res, e);
      } else if (!res.isCommitted()) {
        res.resetBuffer();
        int s = e.status().value();
        res.setStatus(
            switch (e.type()) {
              case "quota-exceeded", "file-too-large" -> 507;
              case "validation" -> 400;
              case "name-taken" -> 405;
              case "unauthenticated" -> 401;
              default -> s;
            });
      }
    }
  }

  // ---- resolution ----------------------------------------------------------------------------

  private static List<String> segments(String rawPath) {
    if (!rawPath.startsWith(PREFIX)) {
      throw new DavError(404);
    }
    List<String> out = new ArrayList<>();
    for (String s : rawPath.substring(PREFIX.length()).split("/")) {
      if (!s.isEmpty()) {
        String decoded;
        try {
          decoded = UriUtils.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw new DavError(400);
        }
        out.add(DriveNames.normalise(decoded));
      }
    }
    return out;
  }

  private Target resolve(MemberPrincipal actor, String rawPath) {
    List<String> all = segments(rawPath);
    if (all.isEmpty() || !all.get(0).equalsIgnoreCase(actor.loginId())) {
      throw new DavError(404);
    }
    List<String> segs = all.subList(1, all.size());
    DriveInfo drive =
        drives.drives(actor).stream()
            .filter(d -> d.kind().equals("personal"))
            .findFirst()
            .orElseThrow();
    DriveItem cursor = drives.item(actor, drive.rootFolderId());
    DriveItem parent = null;
    StringBuilder key = new StringBuilder(drive.id().toString());
    for (int i = 0; i < segs.size(); i++) {
      key.append('/').append(DriveNames.key(segs.get(i)));
      if (cursor == null || !cursor.folder()) {
        if (i == segs.size() - 1) {
          return new Target(actor, drive, segs, null, null, key.toString());
        }
        cursor = null;
        continue;
      }
      parent = cursor;
      cursor = drives.child(actor, cursor.id(), segs.get(i)).orElse(null);
    }
    if (segs.isEmpty()) {
      parent = null;
    } else if (parent != null && !parent.folder()) {
      parent = null;
    }
    // When an ancestor is missing, parent is the deepest folder reached; detect that.
    if (cursor == null && segs.size() >= 1) {
      DriveItem p = walkParent(actor, drive, segs);
      return new Target(actor, drive, segs, null, p, key.toString());
    }
    return new Target(actor, drive, segs, cursor, parent, key.toString());
  }

  /** The folder that would hold the last segment, or null when it does not exist. */
  private @Nullable DriveItem walkParent(
      MemberPrincipal actor, DriveInfo drive, List<String> segs) {
    DriveItem cursor = drives.item(actor, drive.rootFolderId());
    for (int i = 0; i < segs.size() - 1; i++) {
      Optional<DriveItem> next = drives.child(actor, cursor.id(), segs.get(i));
      if (next.isEmpty() || !next.get().folder()) {
        return null;
      }
      cursor = next.get();
    }
    return cursor;
  }

  private String href(Target t, @Nullable DriveItem child) {
    StringBuilder sb = new StringBuilder(PREFIX);
    sb.append(UriUtils.encodePathSegment(t.actor().loginId(), StandardCharsets.UTF_8)).append('/');
    for (String s : t.segments()) {
      sb.append(UriUtils.encodePathSegment(s, StandardCharsets.UTF_8)).append('/');
    }
    if (child != null) {
      sb.append(UriUtils.encodePathSegment(child.name(), StandardCharsets.UTF_8));
      if (child.folder()) {
        sb.append('/');
      }
      return sb.toString();
    }
    if (t.item() != null && !t.item().folder() && sb.length() > 0) {
      sb.setLength(sb.length() - 1);
    }
    return sb.toString();
  }

  // ---- locks and If headers ------------------------------------------------------------------

  /** The tokens named in the If header. */
  private static Set<String> submittedTokens(HttpServletRequest req) {
    Set<String> out = new java.util.HashSet<>();
    String h = req.getHeader("If");
    if (h == null) {
      return out;
    }
    Matcher m = IF_TOKEN.matcher(h);
    while (m.find()) {
      if (m.group(2) != null && m.group(1) == null) {
        out.add(m.group(2).strip());
      }
    }
    return out;
  }

  /** 423 unless every lock covering the paths has its token in the If header. */
  private void checkLocks(HttpServletRequest req, String... paths) {
    Set<String> tokens = submittedTokens(req);
    for (String p : paths) {
      if (p == null) {
        continue;
      }
      for (DavLocks.Lock l : locks.covering(p)) {
        if (!tokens.contains(l.token())) {
          throw new DavError(423);
        }
      }
    }
  }

  /** 423 unless every lock at or below the path has its token submitted (DELETE, MOVE). */
  private void checkLocksWithin(HttpServletRequest req, String path) {
    Set<String> tokens = submittedTokens(req);
    for (DavLocks.Lock l : locks.within(path)) {
      if (!tokens.contains(l.token())) {
        throw new DavError(423);
      }
    }
    checkLocks(req, path);
  }

  /** Evaluates the If header (RFC 4918 §10.4) against the target; 412 when it is false. */
  private void checkIf(HttpServletRequest req, Target t) {
    String h = req.getHeader("If");
    if (h == null || h.isBlank()) {
      return;
    }
    // Lists in parentheses, optionally tagged by a resource URL.
    Matcher lists = Pattern.compile("(?:<([^>]*)>\\s*)?\\(([^)]*)\\)").matcher(h);
    boolean any = false;
    boolean anyTrue = false;
    String currentTag = null;
    int at = 0;
    while (lists.find()) {
      any = true;
      if (lists.group(1) != null && h.substring(at, lists.start()).strip().isEmpty()) {
        currentTag = lists.group(1);
      }
      at = lists.end();
      Target subject = t;
      if (currentTag != null) {
        try {
          subject = resolve(t.actor(), URI.create(currentTag).getRawPath());
        } catch (RuntimeException e) {
          subject = null;
        }
      }
      if (subject != null && listTrue(lists.group(2), subject)) {
        anyTrue = true;
      }
    }
    if (any && !anyTrue) {
      throw new DavError(412);
    }
  }

  private boolean listTrue(String list, Target t) {
    Matcher m = IF_TOKEN.matcher(list);
    boolean sawCondition = false;
    while (m.find()) {
      sawCondition = true;
      boolean not = m.group(1) != null;
      boolean value;
      if (m.group(2) != null) {
        String token = m.group(2).strip();
        value = locks.covering(t.key()).stream().anyMatch(l -> l.token().equals(token));
      } else {
        String etag = m.group(3).strip();
        value =
            t.item() != null
                && etag.equals(t.item().etag() == null ? folderEtag(t.item()) : t.item().etag());
      }
      if (value == not) {
        return false;
      }
    }
    return sawCondition;
  }

  private static String folderEtag(DriveItem folder) {
    return "\"" + folder.id() + "-" + folder.updatedAt().toEpochMilli() + "\"";
  }

  private static String etag(DriveItem item) {
    return item.etag() == null ? folderEtag(item) : item.etag();
  }

  // ---- methods -------------------------------------------------------------------------------

  private void options(HttpServletResponse res) {
    res.setHeader(
        "Allow",
        "OPTIONS, GET, HEAD, PUT, DELETE, MKCOL, PROPFIND, PROPPATCH, COPY, MOVE, LOCK, UNLOCK");
    res.setStatus(200);
  }

  private void get(MemberPrincipal actor, HttpServletRequest req, HttpServletResponse res)
      throws IOException {
    Target t = resolve(actor, req.getRequestURI());
    if (t.item() == null) {
      throw new DavError(404);
    }
    if (t.item().folder()) {
      res.setStatus(200);
      res.setContentType("text/plain;charset=UTF-8");
      Downloads.safetyHeaders(res);
      if (req.getMethod().equals("GET")) {
        StringBuilder sb = new StringBuilder();
        for (DriveItem c : drives.children(actor, t.item().id())) {
          sb.append(c.name()).append(c.folder() ? "/" : "").append('\n');
        }
        res.getOutputStream().write(sb.toString().getBytes(StandardCharsets.UTF_8));
      }
      return;
    }
    downloads.send(drives.download(actor, t.item().id(), null), req, res);
  }

  private void put(MemberPrincipal actor, HttpServletRequest req, HttpServletResponse res)
      throws IOException {
    Target t = resolve(actor, req.getRequestURI());
    if (t.root()) {
      throw new DavError(405);
    }
    if (t.item() != null && t.item().folder()) {
      throw new DavError(405);
    }
    if (t.item() == null && t.parent() == null) {
      throw new DavError(409);
    }
    checkLocks(req, t.key(), t.item() == null ? parentKey(t.key()) : null);
    checkIf(req, t);
    long length = req.getContentLengthLong();
    try (InputStream in = req.getInputStream()) {
      if (t.item() == null) {
        drives.upload(actor, t.parent().id(), t.name(), req.getContentType(), length, in);
        res.setStatus(201);
      } else {
        drives.uploadVersion(actor, t.item().id(), null, req.getContentType(), length, in);
        res.setStatus(204);
      }
    }
  }

  private void delete(MemberPrincipal actor, HttpServletRequest req, HttpServletResponse res) {
    Target t = resolve(actor, req.getRequestURI());
    if (t.item() == null) {
      throw new DavError(404);
    }
    if (t.root()) {
      throw new DavError(403);
    }
    checkLocksWithin(req, t.key());
    checkLocks(req, parentKey(t.key()));
    checkIf(req, t);
    drives.trash(actor, t.item().id());
    locks.removeWithin(t.key());
    res.setStatus(204);
  }

  private void mkcol(MemberPrincipal actor, HttpServletRequest req, HttpServletResponse res)
      throws IOException {
    Target t = resolve(actor, req.getRequestURI());
    if (req.getContentLengthLong() > 0 || req.getHeader("Transfer-Encoding") != null) {
      try (InputStream in = req.getInputStream()) {
        if (in.read() >= 0) {
          throw new DavError(415);
        }
      }
    }
    if (t.item() != null || t.root()) {
      throw new DavError(405);
    }
    if (t.parent() == null) {
      throw new DavError(409);
    }
    checkLocks(req, parentKey(t.key()));
    checkIf(req, t);
    drives.createFolder(actor, t.parent().id(), t.name());
    res.setStatus(201);
  }

  private void copyOrMove(
      MemberPrincipal actor, HttpServletRequest req, HttpServletResponse res, boolean move) {
    Target src = resolve(actor, req.getRequestURI());
    if (src.item() == null) {
      throw new DavError(404);
    }
    if (src.root()) {
      throw new DavError(403);
    }
    String destination = req.getHeader("Destination");
    if (destination == null || destination.isBlank()) {
      throw new DavError(400);
    }
    String destPath;
    try {
      URI uri = URI.create(destination.strip());
      if (uri.getHost() != null
          && !(uri.getHost().equalsIgnoreCase(req.getServerName())
              && (uri.getPort() == -1 || uri.getPort() == req.getServerPort()))) {
        throw new DavError(502);
      }
      destPath = uri.getRawPath();
    } catch (IllegalArgumentException e) {
      throw new DavError(400);
    }
    Target dst = resolve(actor, destPath);
    if (dst.root()) {
      throw new DavError(403);
    }
    if (dst.key().equals(src.key()) || dst.key().startsWith(src.key() + "/")) {
      throw new DavError(403);
    }
    if (dst.parent() == null) {
      throw new DavError(409);
    }
    boolean overwrite = !"F".equalsIgnoreCase(String.valueOf(req.getHeader("Overwrite")).strip());
    if (move) {
      checkLocksWithin(req, src.key());
      checkLocks(req, parentKey(src.key()));
    }
    checkLocks(req, dst.key(), parentKey(dst.key()));
    checkIf(req, src);
    boolean existed = dst.item() != null;
    if (existed) {
      if (!overwrite) {
        throw new DavError(412);
      }
      checkLocksWithin(req, dst.key());
      drives.trash(actor, dst.item().id());
      locks.removeWithin(dst.key());
    }
    String depth = req.getHeader("Depth");
    if (move) {
      drives.update(actor, src.item().id(), dst.name(), dst.parent().id());
      locks.removeWithin(src.key());
    } else if (src.item().folder() && "0".equals(depth)) {
      DriveItem created = drives.createFolder(actor, dst.parent().id(), dst.name());
      List<DeadProperty> props = drives.properties(actor, src.item().id());
      if (!props.isEmpty()) {
        drives.patchProperties(actor, created.id(), props);
      }
    } else {
      drives.copy(actor, src.item().id(), dst.parent().id(), dst.name());
    }
    res.setStatus(existed ? 204 : 201);
  }

  // ---- properties ----------------------------------------------------------------------------

  private static DocumentBuilder parser() {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      return f.newDocumentBuilder();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The parsed body, or null when there is none; 400 when it is not well-formed XML. */
  private static @Nullable Document body(HttpServletRequest req) throws IOException {
    byte[] bytes = req.getInputStream().readNBytes(1 << 20);
    if (bytes.length == 0) {
      return null;
    }
    try {
      DocumentBuilder p = parser();
      p.setErrorHandler(null);
      return p.parse(new ByteArrayInputStream(bytes));
    } catch (Exception e) {
      throw new DavError(400);
    }
  }

  private static List<Element> children(Element e) {
    List<Element> out = new ArrayList<>();
    NodeList nl = e.getChildNodes();
    for (int i = 0; i < nl.getLength(); i++) {
      if (nl.item(i) instanceof Element c) {
        out.add(c);
      }
    }
    return out;
  }

  private static boolean is(Element e, String local) {
    return DAV.equals(e.getNamespaceURI()) && local.equals(e.getLocalName());
  }

  private void propfind(MemberPrincipal actor, HttpServletRequest req, HttpServletResponse res)
      throws IOException {
    Target t = resolve(actor, req.getRequestURI());
    Document doc = body(req);
    if (t.item() == null) {
      throw new DavError(404);
    }
    String mode = "allprop";
    List<String[]> wanted = new ArrayList<>();
    if (doc != null) {
      Element root = doc.getDocumentElement();
      if (!is(root, "propfind")) {
        throw new DavError(400);
      }
      List<Element> kids = children(root);
      if (kids.isEmpty()) {
        throw new DavError(400);
      }
      Element first = kids.get(0);
      if (is(first, "propname")) {
        mode = "propname";
      } else if (is(first, "prop")) {
        mode = "prop";
        for (Element p : children(first)) {
          wanted.add(
              new String[] {
                p.getNamespaceURI() == null ? "" : p.getNamespaceURI(), p.getLocalName()
              });
        }
      } else if (!is(first, "allprop")) {
        throw new DavError(400);
      }
    }
    String depth = req.getHeader("Depth");
    List<DriveItem> items = new ArrayList<>();
    items.add(t.item());
    StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.append("<D:multistatus xmlns:D=\"DAV:\">");
    response(out, t, t.item(), null, drives.properties(actor, t.item().id()), mode, wanted);
    if (t.item().folder() && !"0".equals(depth)) {
      Map<UUID, List<DeadProperty>> dead = drives.childProperties(actor, t.item().id());
      for (DriveItem c : drives.children(actor, t.item().id())) {
        String ckey = t.key() + "/" + DriveNames.key(c.name());
        response(
            out,
            new Target(actor, t.drive(), t.segments(), t.item(), t.parent(), ckey),
            c,
            c,
            dead.getOrDefault(c.id(), List.of()),
            mode,
            wanted);
      }
    }
    out.append("</D:multistatus>");
    multistatus(res, out);
  }

  private static void multistatus(HttpServletResponse res, StringBuilder out) throws IOException {
    byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
    res.setStatus(207);
    res.setContentType("application/xml;charset=utf-8");
    res.setContentLength(bytes.length);
    res.getOutputStream().write(bytes);
  }

  private void response(
      StringBuilder out,
      Target t,
      DriveItem item,
      @Nullable DriveItem child,
      List<DeadProperty> dead,
      String mode,
      List<String[]> wanted) {
    String key = t.key();
    Map<String, String> live = new LinkedHashMap<>();
    live.put("displayname", esc(t.root() && child == null ? "" : item.name()));
    live.put("resourcetype", item.folder() ? "<D:collection/>" : "");
    live.put("getlastmodified", HTTP_DATE.format(item.updatedAt()));
    live.put("creationdate", item.createdAt().toString());
    live.put("getetag", esc(etag(item)));
    if (!item.folder()) {
      live.put("getcontentlength", Long.toString(item.size()));
      live.put(
          "getcontenttype",
          esc(item.contentType() == null ? "application/octet-stream" : item.contentType()));
    }
    live.put("supportedlock", supportedLock());
    live.put("lockdiscovery", lockDiscovery(locks.covering(key)));
    out.append("<D:response><D:href>").append(esc(href(t, child))).append("</D:href>");
    if (mode.equals("propname")) {
      out.append("<D:propstat><D:prop>");
      live.keySet().forEach(k -> out.append("<D:").append(k).append("/>"));
      for (DeadProperty p : dead) {
        out.append(open(p.namespace(), p.name(), true));
      }
      out.append("</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>");
    } else if (mode.equals("allprop")) {
      out.append("<D:propstat><D:prop>");
      live.forEach(
          (k, v) ->
              out.append("<D:")
                  .append(k)
                  .append('>')
                  .append(v)
                  .append("</D:")
                  .append(k)
                  .append('>'));
      for (DeadProperty p : dead) {
        out.append(open(p.namespace(), p.name(), false))
            .append(p.value())
            .append(close(p.namespace(), p.name()));
      }
      out.append("</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>");
    } else {
      StringBuilder found = new StringBuilder();
      StringBuilder missing = new StringBuilder();
      for (String[] w : wanted) {
        if (w[0].equals(DAV) && live.containsKey(w[1])) {
          found
              .append("<D:")
              .append(w[1])
              .append('>')
              .append(live.get(w[1]))
              .append("</D:")
              .append(w[1])
              .append('>');
          continue;
        }
        DeadProperty d =
            dead.stream()
                .filter(p -> p.namespace().equals(w[0]) && p.name().equals(w[1]))
                .findFirst()
                .orElse(null);
        if (d != null) {
          found
              .append(open(d.namespace(), d.name(), false))
              .append(d.value())
              .append(close(d.namespace(), d.name()));
        } else {
          missing.append(open(w[0], w[1], true));
        }
      }
      if (found.length() > 0) {
        out.append("<D:propstat><D:prop>")
            .append(found)
            .append("</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>");
      }
      if (missing.length() > 0) {
        out.append("<D:propstat><D:prop>")
            .append(missing)
            .append("</D:prop><D:status>HTTP/1.1 404 Not Found</D:status></D:propstat>");
      }
    }
    out.append("</D:response>");
  }

  private static String open(String ns, String name, boolean empty) {
    String decl = ns.equals(DAV) ? "" : " xmlns:P=\"" + esc(ns) + "\"";
    if (ns.isEmpty()) {
      return "<" + name + " xmlns=\"\"" + (empty ? "/>" : ">");
    }
    String prefix = ns.equals(DAV) ? "D:" : "P:";
    return "<" + prefix + name + decl + (empty ? "/>" : ">");
  }

  private static String close(String ns, String name) {
    if (ns.isEmpty()) {
      return "</" + name + ">";
    }
    return "</" + (ns.equals(DAV) ? "D:" : "P:") + name + ">";
  }

  private void proppatch(MemberPrincipal actor, HttpServletRequest req, HttpServletResponse res)
      throws IOException {
    Target t = resolve(actor, req.getRequestURI());
    Document doc = body(req);
    if (t.item() == null) {
      throw new DavError(404);
    }
    checkLocks(req, t.key());
    checkIf(req, t);
    if (doc == null || !is(doc.getDocumentElement(), "propertyupdate")) {
      throw new DavError(400);
    }
    List<DeadProperty> changes = new ArrayList<>();
    List<String[]> names = new ArrayList<>();
    boolean forbidden = false;
    for (Element op : children(doc.getDocumentElement())) {
      boolean set = is(op, "set");
      if (!set && !is(op, "remove")) {
        continue;
      }
      for (Element prop : children(op)) {
        if (!is(prop, "prop")) {
          continue;
        }
        for (Element p : children(prop)) {
          String ns = p.getNamespaceURI() == null ? "" : p.getNamespaceURI();
          names.add(new String[] {ns, p.getLocalName()});
          if (ns.equals(DAV)) {
            forbidden = true;
            continue;
          }
          changes.add(new DeadProperty(ns, p.getLocalName(), set ? inner(p) : null));
        }
      }
    }
    String status = forbidden ? "HTTP/1.1 424 Failed Dependency" : "HTTP/1.1 200 OK";
    if (!forbidden) {
      drives.patchProperties(actor, t.item().id(), changes);
    }
    StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.append("<D:multistatus xmlns:D=\"DAV:\"><D:response><D:href>")
        .append(esc(href(t, null)))
        .append("</D:href>");
    for (String[] n : names) {
      String s = n[0].equals(DAV) ? "HTTP/1.1 403 Forbidden" : status;
      out.append("<D:propstat><D:prop>")
          .append(open(n[0], n[1], true))
          .append("</D:prop><D:status>")
          .append(s)
          .append("</D:status></D:propstat>");
    }
    out.append("</D:response></D:multistatus>");
    multistatus(res, out);
  }

  /** The content of a property element as XML, with the namespaces its elements use. */
  private static String inner(Element p) {
    DOMImplementationLS ls = (DOMImplementationLS) p.getOwnerDocument().getImplementation();
    LSSerializer s = ls.createLSSerializer();
    s.getDomConfig().setParameter("xml-declaration", false);
    StringBuilder sb = new StringBuilder();
    NodeList nl = p.getChildNodes();
    for (int i = 0; i < nl.getLength(); i++) {
      Node n = nl.item(i);
      if (n instanceof Element e) {
        copyNamespaces(p, e);
        sb.append(s.writeToString(e));
      } else if (n.getNodeType() == Node.TEXT_NODE || n.getNodeType() == Node.CDATA_SECTION_NODE) {
        sb.append(esc(n.getNodeValue()));
      }
    }
    return sb.toString();
  }

  /** Declares on {@code e} the in-scope namespaces it inherits, so the fragment stands alone. */
  private static void copyNamespaces(Element from, Element e) {
    for (Node n = from; n instanceof Element a; n = n.getParentNode()) {
      var attrs = a.getAttributes();
      for (int i = 0; i < attrs.getLength(); i++) {
        Node at = attrs.item(i);
        String name = at.getNodeName();
        if ((name.equals("xmlns") || name.startsWith("xmlns:")) && !e.hasAttribute(name)) {
          e.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, name, at.getNodeValue());
        }
      }
    }
  }

  // ---- locking -------------------------------------------------------------------------------

  private static long timeout(HttpServletRequest req) {
    String h = req.getHeader("Timeout");
    if (h == null) {
      return DavLocks.DEFAULT_TIMEOUT;
    }
    for (String part : h.split(",")) {
      String p = part.strip();
      if (p.equalsIgnoreCase("Infinite")) {
        return DavLocks.MAX_TIMEOUT;
      }
      if (p.regionMatches(true, 0, "Second-", 0, 7)) {
        try {
          return Math.max(1, Math.min(DavLocks.MAX_TIMEOUT, Long.parseLong(p.substring(7))));
        } catch (NumberFormatException e) {
          return DavLocks.DEFAULT_TIMEOUT;
        }
      }
    }
    return DavLocks.DEFAULT_TIMEOUT;
  }

  private void lock(MemberPrincipal actor, HttpServletRequest req, HttpServletResponse res)
      throws IOException {
    Target t = resolve(actor, req.getRequestURI());
    Document doc = body(req);
    long timeout = timeout(req);
    if (doc == null) {
      // Refresh: the token comes in the If header.
      for (String token : submittedTokens(req)) {
        DavLocks.Lock l = locks.find(token);
        if (l != null && l.covers(t.key())) {
          DavLocks.Lock r = locks.refresh(token, timeout);
          lockAnswer(res, r, 200, false);
          return;
        }
      }
      throw new DavError(412);
    }
    Element info = doc.getDocumentElement();
    if (!is(info, "lockinfo")) {
      throw new DavError(400);
    }
    boolean exclusive = true;
    String owner = "";
    for (Element e : children(info)) {
      if (is(e, "lockscope")) {
        exclusive = children(e).stream().anyMatch(x -> is(x, "exclusive"));
      } else if (is(e, "owner")) {
        owner = inner(e);
      }
    }
    String depth = req.getHeader("Depth");
    boolean infinite = depth == null || depth.equalsIgnoreCase("infinity");
    if (t.item() == null && t.parent() == null) {
      throw new DavError(409);
    }
    if (t.item() == null) {
      checkLocks(req, parentKey(t.key()));
    }
    DavLocks.Lock l =
        locks.lock(
            t.key(),
            exclusive,
            infinite && (t.item() == null || t.item().folder()),
            owner,
            timeout);
    if (l == null) {
      throw new DavError(423);
    }
    boolean created = false;
    if (t.item() == null) {
      try {
        drives.upload(actor, t.parent().id(), t.name(), null, 0, InputStream.nullInputStream());
        created = true;
      } catch (RuntimeException e) {
        locks.unlock(l.token());
        throw e;
      }
    }
    res.setHeader("Lock-Token", "<" + l.token() + ">");
    lockAnswer(res, l, created ? 201 : 200, true);
  }

  private void lockAnswer(HttpServletResponse res, DavLocks.Lock l, int status, boolean fresh)
      throws IOException {
    StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.append("<D:prop xmlns:D=\"DAV:\"><D:lockdiscovery>")
        .append(activeLock(l))
        .append("</D:lockdiscovery></D:prop>");
    byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
    res.setStatus(status);
    res.setContentType("application/xml;charset=utf-8");
    res.setContentLength(bytes.length);
    res.getOutputStream().write(bytes);
  }

  private void unlock(MemberPrincipal actor, HttpServletRequest req, HttpServletResponse res) {
    Target t = resolve(actor, req.getRequestURI());
    String h = req.getHeader("Lock-Token");
    if (h == null) {
      throw new DavError(400);
    }
    String token = h.strip();
    if (token.startsWith("<") && token.endsWith(">")) {
      token = token.substring(1, token.length() - 1);
    }
    DavLocks.Lock l = locks.find(token);
    if (l == null || !l.covers(t.key())) {
      throw new DavError(409);
    }
    locks.unlock(token);
    res.setStatus(204);
  }

  private static String supportedLock() {
    return "<D:lockentry><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockentry>"
        + "<D:lockentry><D:lockscope><D:shared/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockentry>";
  }

  private String lockDiscovery(List<DavLocks.Lock> ls) {
    StringBuilder sb = new StringBuilder();
    ls.forEach(l -> sb.append(activeLock(l)));
    return sb.toString();
  }

  private String activeLock(DavLocks.Lock l) {
    return "<D:activelock><D:locktype><D:write/></D:locktype><D:lockscope>"
        + (l.exclusive() ? "<D:exclusive/>" : "<D:shared/>")
        + "</D:lockscope><D:depth>"
        + (l.infinite() ? "infinity" : "0")
        + "</D:depth>"
        + (l.ownerXml().isEmpty() ? "" : "<D:owner>" + l.ownerXml() + "</D:owner>")
        + "<D:timeout>Second-"
        + l.timeoutSeconds()
        + "</D:timeout><D:locktoken><D:href>"
        + l.token()
        + "</D:href></D:locktoken></D:activelock>";
  }

  private static @Nullable String parentKey(String key) {
    int slash = key.lastIndexOf('/');
    return slash < 0 ? null : key.substring(0, slash);
  }

  private static String esc(@Nullable String s) {
    if (s == null) {
      return "";
    }
    StringWriter w = new StringWriter(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> w.write("&lt;");
        case '>' -> w.write("&gt;");
        case '&' -> w.write("&amp;");
        case '"' -> w.write("&quot;");
        default -> w.write(c);
      }
    }
    return w.toString();
  }
}
