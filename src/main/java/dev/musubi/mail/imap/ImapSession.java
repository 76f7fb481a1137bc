package dev.musubi.mail.imap;

import dev.musubi.identity.ProtocolLoginException;
import dev.musubi.mail.Mailboxes;
import dev.musubi.mail.Mailboxes.FlagChange;
import dev.musubi.mail.Mailboxes.ImapFolder;
import dev.musubi.mail.Mailboxes.ImapMessage;
import dev.musubi.mail.imap.codec.FetchItem;
import dev.musubi.mail.imap.codec.ImapCommand;
import dev.musubi.mail.imap.codec.ImapInput;
import dev.musubi.mail.imap.codec.ImapParser;
import dev.musubi.mail.imap.codec.ImapProtocolException;
import dev.musubi.mail.imap.codec.ImapToken;
import dev.musubi.mail.imap.codec.ModifiedUtf7;
import dev.musubi.mail.imap.codec.ResponseWriter;
import dev.musubi.mail.imap.codec.SearchKey;
import dev.musubi.mail.imap.codec.SequenceSet;
import dev.musubi.mail.internal.ProtocolSessions;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.ProblemException;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One IMAP connection, from the greeting to LOGOUT, a timeout, a limit or a suspension. */
final class ImapSession implements ProtocolSessions.Session {

  private static final Logger log = LoggerFactory.getLogger(ImapSession.class);

  /** Literals before sign-in and outside APPEND: passwords and search strings, not messages. */
  static final int MAX_SMALL_LITERAL = 64 * 1024;

  /** Lines of one command in all, literals not counted. */
  static final int MAX_COMMAND = 256 * 1024;

  /** Responses are written here and sent when the session next waits for the client. */
  static final int OUTPUT_BUFFER = 64 * 1024;

  /** Messages read from the store per query: large folders are paged, never loaded whole. */
  static final int PAGE = 200;

  /** UIDs SEARCH covers per query (only the stored fields, never the message). */
  static final int SEARCH_PAGE = 5000;

  /** The system flags and the keywords mail apps use most (RFC 5788 registry). */
  private static final String FLAGS_AND_KEYWORDS =
      "(\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $MDNSent $Junk $NotJunk"
          + " $Phishing)";

  /** Any keyword may be created (RFC 3501 §7.1: {@code \*}). */
  private static final String PERMANENT_FLAGS =
      "(\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded $MDNSent $Junk $NotJunk"
          + " $Phishing \\*)";

  /** STATUS items (RFC 3501 §6.3.10, RFC 7162 HIGHESTMODSEQ, RFC 9051 SIZE and DELETED). */
  private static final Set<String> STATUS_ITEMS =
      Set.of(
          "MESSAGES",
          "RECENT",
          "UIDNEXT",
          "UIDVALIDITY",
          "UNSEEN",
          "HIGHESTMODSEQ",
          "SIZE",
          "DELETED");

  private static final DateTimeFormatter APPEND_DATE =
      DateTimeFormatter.ofPattern("d-MMM-yyyy HH:mm:ss Z", Locale.ENGLISH);

  private final ImapServer server;
  private final ImapProperties properties;
  private final Mailboxes mailboxes;
  private final String clientIp;
  private final boolean loopback;
  private final ReentrantLock lock = new ReentrantLock();
  private final ZoneId zone;

  private Socket socket;
  private ImapInput in;
  private OutputStream out;
  private boolean tls;
  private volatile @Nullable MemberPrincipal member;
  private volatile boolean closed;
  // Server stop (see drain): set by the stopping thread; goodbye under the command lock.
  private volatile boolean draining;
  private volatile boolean goodbye;
  // Whether the client has sent (part of) a command not answered yet, an IDLE's DONE included.
  private volatile boolean commandInFlight;
  private int badCommands;
  private boolean condstore;
  // ENABLE IMAP4rev2 (RFC 9051): ESEARCH answers, UTF-8 mailbox names, no RECENT.
  private boolean rev2;
  // RFC 5182: the UIDs the last SEARCH … RETURN (SAVE) kept, ascending; "$" names them.
  private long[] saved = new long[0];

  // Selected state: the folder, and the UIDs the client knows by sequence number.
  private @Nullable UUID selected;
  private boolean readOnly;
  private long[] uids = new long[0];
  private long knownModseq;
  // Flag changes this session already answered with FETCH (UID to mod-sequence), not repeated.
  private final java.util.Map<Long, Long> reported = new java.util.HashMap<>();
  private volatile boolean idling;
  private final java.util.concurrent.atomic.AtomicBoolean wakePending =
      new java.util.concurrent.atomic.AtomicBoolean();

  ImapSession(ImapServer server, Socket socket, boolean tls) throws IOException {
    this.server = server;
    this.properties = server.properties();
    this.mailboxes = server.mailboxes();
    this.socket = socket;
    this.tls = tls;
    this.clientIp = socket.getInetAddress().getHostAddress();
    this.loopback = socket.getInetAddress().isLoopbackAddress();
    this.zone = server.clock().getZone();
    this.in = new ImapInput(new FlushingInput(socket.getInputStream()));
    this.out = new BufferedOutputStream(socket.getOutputStream(), OUTPUT_BUFFER);
  }

  /**
   * The client's bytes; whatever the session wrote goes out before it waits for more. So a
   * command's response (its untagged lines and the tagged one) leaves in one write instead of one
   * per line, and a continuation request ({@code +}) before the server waits for the literal.
   */
  private final class FlushingInput extends java.io.FilterInputStream {
    FlushingInput(java.io.InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      flush();
      int b = super.read();
      if (b >= 0) {
        commandInFlight = true;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      flush();
      int n = super.read(b, off, len);
      if (n > 0) {
        commandInFlight = true;
      }
      return n;
    }
  }

  boolean belongsTo(UUID tenantId, UUID memberId) {
    MemberPrincipal m = member;
    return m != null && m.tenantId().equals(tenantId) && m.memberId().equals(memberId);
  }

  // --- the connection ------------------------------------------------------------------------

  void run() throws IOException {
    socket.setSoTimeout((int) properties.loginTimeout().toMillis());
    send(
        "* OK [CAPABILITY " + capabilities() + "] " + properties.hostname() + " Musubi IMAP ready");
    while (!closed) {
      if (draining) {
        bye("Server shutting down");
        return;
      }
      commandInFlight = in.hasBufferedInput();
      byte[] command;
      try {
        command = in.readCommand(properties.maxLineLength(), MAX_COMMAND, new LiteralRules());
      } catch (SocketTimeoutException e) {
        bye("Autologout; idle for too long");
        return;
      } catch (EOFException e) {
        return;
      } catch (ImapProtocolException e) {
        if (e.fatal()) {
          bye(e.getMessage());
          return;
        }
        String tag = ImapParser.tagOf(in.partialCommand());
        if (e.getMessage().startsWith("[TOOBIG]")) {
          send(tag + " NO " + e.getMessage());
        } else {
          send(tag + " BAD " + e.getMessage());
        }
        if (++badCommands >= properties.maxBadCommands()) {
          bye("Too many invalid commands");
          return;
        }
        continue;
      }
      if (closed) {
        return;
      }
      handle(command);
    }
  }

  /** Decides how large a literal may be while a command is read. */
  private final class LiteralRules implements ImapInput.Literals {
    @Override
    public long maxLiteral(byte[] commandSoFar) {
      MemberPrincipal m = member;
      if (m != null && isAppend(commandSoFar)) {
        return server.domains().policy(m.tenantId()).maxMessageBytes();
      }
      return MAX_SMALL_LITERAL;
    }

    @Override
    public void goAhead() throws IOException {
      send("+ Ready for literal data");
    }
  }

  private static boolean isAppend(byte[] command) {
    String start =
        new String(command, 0, Math.min(command.length, 80), StandardCharsets.ISO_8859_1)
            .toUpperCase(Locale.ROOT);
    int space = start.indexOf(' ');
    return space > 0 && start.startsWith("APPEND ", space + 1);
  }

  private void handle(byte[] raw) throws IOException {
    String tag = ImapParser.tagOf(raw);
    ImapCommand command;
    try {
      command = ImapParser.parse(raw);
    } catch (ImapProtocolException e) {
      bad(tag, e.getMessage());
      return;
    }
    lock.lock();
    try {
      if (goodbye || closed) {
        // The server began to stop before this command arrived: it is not run.
        return;
      }
      MemberPrincipal m = member;
      if (m != null && !server.logins().stillActive(m)) {
        bye("Sign-in no longer valid");
        return;
      }
      execute(command);
    } catch (ImapProtocolException e) {
      if (e.getMessage().startsWith("[")) {
        send(command.tag() + " NO " + e.getMessage());
      } else {
        bad(command.tag(), e.getMessage());
      }
    } catch (ProblemException e) {
      send(command.tag() + " NO " + problemText(e));
    } catch (IOException e) {
      throw e;
    } catch (RuntimeException e) {
      log.warn("IMAP {} failed: {}", command.name(), e.toString());
      send(command.tag() + " NO [SERVERBUG] Internal error");
    } finally {
      lock.unlock();
    }
  }

  private void bad(String tag, String message) throws IOException {
    send(tag + " BAD " + message);
    if (++badCommands >= properties.maxBadCommands()) {
      bye("Too many invalid commands");
    }
  }

  private static String problemText(ProblemException e) {
    if (e.status().value() == 404) {
      return "[NONEXISTENT] No such mailbox";
    }
    return switch (e.type()) {
      case "quota" -> "[OVERQUOTA] The mailbox is full";
      case "too-big" -> "[TOOBIG] The message is larger than the company allows";
      default -> "[CANNOT] " + safe(e.getMessage());
    };
  }

  private static String safe(@Nullable String text) {
    return text == null ? "Refused" : text.replaceAll("[^\\x20-\\x7e]", "?");
  }

  private void execute(ImapCommand c) throws IOException, ImapProtocolException {
    String name = c.name();
    switch (name) {
      case "CAPABILITY" -> {
        c.arity(0);
        send("* CAPABILITY " + capabilities());
        ok(c, "CAPABILITY completed");
      }
      case "NOOP", "CHECK" -> {
        c.arity(0);
        if (name.equals("CHECK")) {
          requireSelected();
        }
        updates();
        ok(c, name + " completed");
      }
      case "LOGOUT" -> {
        send("* BYE Logging out");
        ok(c, "LOGOUT completed");
        flush();
        closed = true;
        closeQuietly();
      }
      case "ID" -> {
        send("* ID (\"name\" \"Musubi\" \"vendor\" \"Musubi\")");
        ok(c, "ID completed");
      }
      case "STARTTLS" -> startTls(c);
      case "LOGIN" -> login(c);
      case "AUTHENTICATE" -> authenticate(c);
      default -> {
        if (member == null) {
          bad(c.tag(), "Command unknown or not allowed before sign-in");
          return;
        }
        authenticated(c);
      }
    }
  }

  private void authenticated(ImapCommand c) throws IOException, ImapProtocolException {
    MemberPrincipal m = java.util.Objects.requireNonNull(member);
    switch (c.name()) {
      case "ENABLE" -> {
        List<String> enabled = new ArrayList<>();
        for (int i = 0; i < c.args().size(); i++) {
          if (c.text(i).equalsIgnoreCase("CONDSTORE")) {
            condstore = true;
            enabled.add("CONDSTORE");
          } else if (c.text(i).equalsIgnoreCase("IMAP4rev2")) {
            rev2 = true;
            enabled.add("IMAP4rev2");
          }
        }
        send("* ENABLED" + (enabled.isEmpty() ? "" : " " + String.join(" ", enabled)));
        ok(c, "ENABLE completed");
      }
      case "NAMESPACE" -> {
        send("* NAMESPACE ((\"\" \"/\")) NIL NIL");
        ok(c, "NAMESPACE completed");
      }
      case "LIST", "LSUB" -> list(c, m);
      case "SUBSCRIBE", "UNSUBSCRIBE" -> {
        c.arity(1);
        ImapFolder f = folder(m, c.text(0)).orElseThrow(() -> nonexistent());
        mailboxes.imapSubscribe(m, f.id(), c.name().equals("SUBSCRIBE"));
        ok(c, c.name() + " completed");
      }
      case "STATUS" -> status(c, m);
      case "CREATE" -> create(c, m);
      case "DELETE" -> delete(c, m);
      case "RENAME" -> rename(c, m);
      case "SELECT", "EXAMINE" -> select(c, m);
      case "APPEND" -> append(c, m);
      case "CLOSE", "UNSELECT" -> {
        c.arity(0);
        UUID folder = requireSelected();
        if (c.name().equals("CLOSE") && !readOnly) {
          mailboxes.imapExpunge(m, folder, null);
        }
        selected = null;
        saved = new long[0];
        ok(c, c.name() + " completed");
      }
      case "EXPUNGE" -> {
        c.arity(0);
        expunge(c, m, null);
      }
      case "UID EXPUNGE" -> {
        c.arity(1);
        requireSelected();
        List<Long> chosen = new ArrayList<>();
        for (int i : positions(c.text(0), true)) {
          chosen.add(uids[i]);
        }
        if (chosen.isEmpty()) {
          updates();
          ok(c, "UID EXPUNGE completed");
          return;
        }
        expunge(c, m, chosen);
      }
      case "SEARCH", "UID SEARCH" -> search(c, m);
      case "FETCH", "UID FETCH" -> fetch(c, m);
      case "STORE", "UID STORE" -> store(c, m);
      case "COPY", "UID COPY", "MOVE", "UID MOVE" -> copy(c, m);
      case "IDLE" -> idle(c, m);
      default -> bad(c.tag(), "Unknown command");
    }
  }

  private String capabilities() {
    var caps =
        new StringBuilder(
            "IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE UIDPLUS MOVE UNSELECT"
                + " SPECIAL-USE CONDSTORE ESEARCH SEARCHRES LIST-EXTENDED LIST-STATUS CHILDREN"
                + " BINARY STATUS=SIZE");
    if (member == null) {
      if (!tls && server.tlsAvailable()) {
        caps.append(" STARTTLS");
      }
      if (plaintextRefused()) {
        caps.append(" LOGINDISABLED");
      } else {
        caps.append(" AUTH=PLAIN");
      }
    }
    return caps.toString();
  }

  private boolean plaintextRefused() {
    return plaintextRefused(tls, loopback, properties.allowPlaintextLoopback());
  }

  /**
   * RFC 3501 §6.2.3 and RFC 2595 §3.2: passwords travel only inside TLS, except from this machine
   * when the operator allows it.
   */
  static boolean plaintextRefused(boolean tls, boolean loopback, boolean allowLoopback) {
    return !tls && !(loopback && allowLoopback);
  }

  // --- not authenticated -----------------------------------------------------------------------

  private void startTls(ImapCommand c) throws IOException, ImapProtocolException {
    c.arity(0);
    if (tls || !server.tlsAvailable() || member != null) {
      bad(c.tag(), "STARTTLS not available");
      return;
    }
    if (in.hasBufferedInput()) {
      // RFC 3501 §6.2.1 / RFC 2595 §3.1: nothing sent before the handshake may run inside TLS.
      bye("Commands sent after STARTTLS before the handshake");
      return;
    }
    ok(c, "Begin TLS negotiation now");
    flush();
    SSLSocket secure = server.wrapTls(socket);
    secure.startHandshake();
    socket = secure;
    in = new ImapInput(new FlushingInput(secure.getInputStream()));
    out = new BufferedOutputStream(secure.getOutputStream(), OUTPUT_BUFFER);
    tls = true;
  }

  private void login(ImapCommand c) throws IOException, ImapProtocolException {
    if (member != null) {
      bad(c.tag(), "Already signed in");
      return;
    }
    c.arity(2);
    if (plaintextRefused()) {
      send(c.tag() + " NO [PRIVACYREQUIRED] Use STARTTLS or the TLS port first");
      return;
    }
    signIn(c, c.text(0), c.text(1));
  }

  private void authenticate(ImapCommand c) throws IOException, ImapProtocolException {
    if (member != null) {
      bad(c.tag(), "Already signed in");
      return;
    }
    if (c.args().isEmpty() || c.args().size() > 2) {
      throw new ImapProtocolException("AUTHENTICATE mechanism [initial-response]");
    }
    if (!c.text(0).equalsIgnoreCase("PLAIN")) {
      send(c.tag() + " NO [CANNOT] Only AUTHENTICATE PLAIN is supported");
      return;
    }
    if (plaintextRefused()) {
      send(c.tag() + " NO [PRIVACYREQUIRED] Use STARTTLS or the TLS port first");
      return;
    }
    String response;
    if (c.args().size() == 2) {
      response = c.text(1);
    } else {
      send("+ ");
      response =
          new String(in.readLine(properties.maxLineLength()), StandardCharsets.US_ASCII).strip();
    }
    if (response.equals("*")) {
      bad(c.tag(), "Authentication cancelled");
      return;
    }
    byte[] decoded;
    try {
      decoded = response.equals("=") ? new byte[0] : Base64.getDecoder().decode(response);
    } catch (IllegalArgumentException e) {
      bad(c.tag(), "Invalid base64");
      return;
    }
    // RFC 4616: [authzid] NUL authcid NUL passwd
    String[] fields = new String(decoded, StandardCharsets.UTF_8).split("\u0000", -1);
    if (fields.length != 3) {
      bad(c.tag(), "Invalid PLAIN response");
      return;
    }
    if (!fields[0].isEmpty() && !fields[0].equals(fields[1])) {
      send(c.tag() + " NO [AUTHORIZATIONFAILED] Cannot act as another user");
      return;
    }
    signIn(c, fields[1], fields[2]);
  }

  private void signIn(ImapCommand c, String loginId, String password) throws IOException {
    MemberPrincipal m;
    try {
      m = server.logins().authenticate(loginId, password, clientIp, "imap");
    } catch (ProtocolLoginException e) {
      String code =
          switch (e.reason()) {
            case INVALID -> "[AUTHENTICATIONFAILED] Invalid credentials";
            case THROTTLED -> "[UNAVAILABLE] Too many attempts, try again later";
            case APP_PASSWORD_REQUIRED ->
                "[AUTHENTICATIONFAILED] Two-step verification is on: use an app password";
            case IP_NOT_ALLOWED -> "[AUTHORIZATIONFAILED] Not allowed from this address";
            case PASSWORD_EXPIRED -> "[EXPIRED] Password expired: change it on the web";
            case INSUFFICIENT_SCOPE ->
                "[AUTHORIZATIONFAILED] The app password needs the read and write scopes";
          };
      send(c.tag() + " NO " + code);
      return;
    }
    if (server.sessionsOf(m.tenantId(), m.memberId()) >= properties.maxConnectionsPerMember()) {
      send(c.tag() + " NO [LIMIT] Too many connections for this account");
      return;
    }
    member = m;
    socket.setSoTimeout((int) properties.idleTimeout().toMillis());
    send(c.tag() + " OK [CAPABILITY " + capabilities() + "] Signed in");
  }

  // --- mailboxes -------------------------------------------------------------------------------

  private static ImapProtocolException nonexistent() {
    return new ImapProtocolException("[NONEXISTENT] No such mailbox");
  }

  /** The IMAP name of a folder: INBOX, or its name. */
  private static String imapName(ImapFolder f) {
    return "inbox".equals(f.role()) ? "INBOX" : f.name();
  }

  /**
   * A mailbox name as the client sent it, decoded: UTF-8 as it is for an IMAP4rev2 client (RFC 9051
   * §5.1), modified UTF-7 otherwise (RFC 3501 §5.1.3).
   */
  private String decodeName(String sent) throws ImapProtocolException {
    return rev2 ? sent : ModifiedUtf7.decode(sent);
  }

  /** A mailbox name as this client reads it: UTF-8 for IMAP4rev2, modified UTF-7 otherwise. */
  private String encodeName(String name) {
    return rev2 ? name : ModifiedUtf7.encode(name);
  }

  private Optional<ImapFolder> folder(MemberPrincipal m, String encoded)
      throws ImapProtocolException {
    String name = decodeName(encoded);
    if (name.endsWith("/") && name.length() > 1) {
      name = name.substring(0, name.length() - 1);
    }
    List<ImapFolder> all = mailboxes.imapFolderNames(m);
    String n = name;
    if (n.equalsIgnoreCase("INBOX")) {
      return all.stream().filter(f -> "inbox".equals(f.role())).findFirst();
    }
    Optional<ImapFolder> exact =
        all.stream().filter(f -> imapName(f).equals(n) && !"inbox".equals(f.role())).findFirst();
    return exact.isPresent()
        ? exact
        : all.stream()
            .filter(f -> imapName(f).equalsIgnoreCase(n) && !"inbox".equals(f.role()))
            .findFirst();
  }

  /**
   * LIST and LSUB (RFC 3501 §6.3.8–9) and extended LIST (RFC 5258, RFC 5819 LIST-STATUS, RFC 6154
   * SPECIAL-USE): {@code LIST [(selection)] reference pattern|(patterns) [RETURN (options)]}.
   */
  private void list(ImapCommand c, MemberPrincipal m) throws IOException, ImapProtocolException {
    boolean lsub = c.name().equals("LSUB");
    List<ImapToken> args = c.args();
    int i = 0;
    Set<String> selection = new LinkedHashSet<>();
    if (!lsub && !args.isEmpty() && args.get(0) instanceof ImapToken.ListToken options) {
      for (ImapToken t : options.items()) {
        String option = String.valueOf(ImapToken.text(t)).toUpperCase(Locale.ROOT);
        if (!Set.of("SUBSCRIBED", "REMOTE", "RECURSIVEMATCH", "SPECIAL-USE").contains(option)) {
          throw new ImapProtocolException("Unknown LIST selection option");
        }
        selection.add(option);
      }
      // RFC 5258 §3: RECURSIVEMATCH qualifies another selection option.
      if (selection.contains("RECURSIVEMATCH")
          && !selection.contains("SUBSCRIBED")
          && !selection.contains("SPECIAL-USE")) {
        throw new ImapProtocolException("RECURSIVEMATCH needs another selection option");
      }
      i = 1;
    }
    if (args.size() < i + 2) {
      throw new ImapProtocolException("Missing argument");
    }
    String reference = decodeName(c.text(i));
    List<String> patterns = new ArrayList<>();
    if (!lsub && args.get(i + 1) instanceof ImapToken.ListToken several) {
      if (several.items().isEmpty()) {
        throw new ImapProtocolException("Empty pattern list");
      }
      for (ImapToken t : several.items()) {
        String text = ImapToken.text(t);
        if (text == null) {
          throw new ImapProtocolException("Expected a pattern");
        }
        patterns.add(decodeName(text));
      }
    } else {
      patterns.add(decodeName(c.text(i + 1)));
    }
    Set<String> returns = new LinkedHashSet<>();
    ImapToken.ListToken statusItems = null;
    int rest = i + 2;
    if (!lsub
        && args.size() == rest + 2
        && "RETURN".equalsIgnoreCase(ImapToken.text(args.get(rest)))
        && args.get(rest + 1) instanceof ImapToken.ListToken options) {
      List<ImapToken> items = options.items();
      for (int k = 0; k < items.size(); k++) {
        String option = String.valueOf(ImapToken.text(items.get(k))).toUpperCase(Locale.ROOT);
        switch (option) {
          case "SUBSCRIBED", "CHILDREN", "SPECIAL-USE" -> returns.add(option);
          case "STATUS" -> {
            if (k + 1 >= items.size() || !(items.get(k + 1) instanceof ImapToken.ListToken l)) {
              throw new ImapProtocolException("RETURN STATUS needs a list of items");
            }
            for (ImapToken item : l.items()) {
              if (!STATUS_ITEMS.contains(
                  String.valueOf(ImapToken.text(item)).toUpperCase(Locale.ROOT))) {
                throw new ImapProtocolException("Unknown STATUS item");
              }
            }
            statusItems = l;
            k++;
          }
          default -> throw new ImapProtocolException("Unknown LIST return option");
        }
      }
      rest += 2;
    }
    if (args.size() != rest) {
      throw new ImapProtocolException("Too many arguments");
    }
    if (patterns.size() == 1 && patterns.get(0).isEmpty() && !lsub) {
      // RFC 3501 §6.3.8: the hierarchy delimiter and root.
      send("* LIST (\\Noselect) \"/\" \"\"");
      ok(c, "LIST completed");
      return;
    }
    boolean onlySubscribed = lsub || selection.contains("SUBSCRIBED");
    boolean onlySpecial = selection.contains("SPECIAL-USE");
    Patterns matching = Patterns.of(reference, patterns);
    for (ImapFolder f : mailboxes.imapFolderNames(m)) {
      if (!matching.match(f)
          || (onlySubscribed && !f.subscribed())
          || (onlySpecial && specialUse(f) == null)) {
        continue;
      }
      send(
          new ResponseWriter()
              .ascii("* " + (lsub ? "LSUB" : "LIST") + " (" + listAttributes(f, !lsub) + ") \"/\" ")
              .string(encodeName(imapName(f)))
              .bytes());
      if (statusItems != null) {
        ImapFolder counts = mailboxes.imapFolder(m, f.id()).orElseThrow(ImapSession::nonexistent);
        sendStatus(m, counts, statusItems);
      }
    }
    ok(c, c.name() + " completed");
  }

  /**
   * The LIST patterns, each compiled once: as given for folder names, upper case for INBOX (which
   * matches in any case, RFC 3501 §5.1).
   */
  private record Patterns(
      List<java.util.regex.Pattern> names, List<java.util.regex.Pattern> inbox) {

    static Patterns of(String reference, List<String> patterns) {
      List<java.util.regex.Pattern> names = new ArrayList<>();
      List<java.util.regex.Pattern> inbox = new ArrayList<>();
      for (String p : patterns) {
        names.add(pattern(reference + p));
        inbox.add(pattern((reference + p).toUpperCase(Locale.ROOT)));
      }
      return new Patterns(names, inbox);
    }

    boolean match(ImapFolder f) {
      boolean isInbox = "inbox".equals(f.role());
      String name = isInbox ? "INBOX" : imapName(f);
      return (isInbox ? inbox : names).stream().anyMatch(p -> p.matcher(name).matches());
    }
  }

  /** The RFC 6154 attribute of a standard folder, or null (INBOX and custom folders). */
  private static @Nullable String specialUse(ImapFolder f) {
    return f.role() == null
        ? null
        : switch (f.role()) {
          case "sent" -> "\\Sent";
          case "drafts" -> "\\Drafts";
          case "trash" -> "\\Trash";
          case "junk" -> "\\Junk";
          case "archive" -> "\\Archive";
          default -> null;
        };
  }

  /** A folder's LIST attributes: no children (folders are not nested), special use, subscribed. */
  private static String listAttributes(ImapFolder f, boolean subscribed) {
    List<String> attributes = new ArrayList<>();
    attributes.add("\\HasNoChildren");
    String special = specialUse(f);
    if (special != null) {
      attributes.add(special);
    }
    if (subscribed && f.subscribed()) {
      attributes.add("\\Subscribed");
    }
    return String.join(" ", attributes);
  }

  /** RFC 3501 §6.3.8: {@code *} matches anything, {@code %} anything but the delimiter. */
  private static java.util.regex.Pattern pattern(String text) {
    var regex = new StringBuilder();
    for (char ch : text.toCharArray()) {
      switch (ch) {
        case '*' -> regex.append(".*");
        case '%' -> regex.append("[^/]*");
        default -> regex.append(java.util.regex.Pattern.quote(String.valueOf(ch)));
      }
    }
    return java.util.regex.Pattern.compile(regex.toString(), java.util.regex.Pattern.DOTALL);
  }

  private void status(ImapCommand c, MemberPrincipal m) throws IOException, ImapProtocolException {
    c.arity(2);
    ImapFolder f =
        folder(m, c.text(0))
            .flatMap(named -> mailboxes.imapFolder(m, named.id()))
            .orElseThrow(ImapSession::nonexistent);
    if (!(c.args().get(1) instanceof ImapToken.ListToken items)) {
      throw new ImapProtocolException("STATUS needs a list of items");
    }
    sendStatus(m, f, items);
    ok(c, "STATUS completed");
  }

  /**
   * The STATUS response (RFC 3501 §7.2.4) for the items asked, with RFC 7162 HIGHESTMODSEQ and RFC
   * 9051 SIZE and DELETED.
   */
  private void sendStatus(MemberPrincipal m, ImapFolder f, ImapToken.ListToken items)
      throws IOException, ImapProtocolException {
    if (items.items().isEmpty()) {
      throw new ImapProtocolException("STATUS needs a list of items");
    }
    Mailboxes.ImapFolderTotals totals = null;
    List<String> parts = new ArrayList<>();
    for (ImapToken t : items.items()) {
      String item = String.valueOf(ImapToken.text(t)).toUpperCase(Locale.ROOT);
      if ((item.equals("SIZE") || item.equals("DELETED")) && totals == null) {
        totals = mailboxes.imapFolderTotals(m, f.id());
      }
      parts.add(
          switch (item) {
            case "MESSAGES" -> "MESSAGES " + f.messages();
            case "RECENT" -> "RECENT 0";
            case "UIDNEXT" -> "UIDNEXT " + f.uidNext();
            case "UIDVALIDITY" -> "UIDVALIDITY " + f.uidValidity();
            case "UNSEEN" -> "UNSEEN " + f.unseen();
            case "HIGHESTMODSEQ" -> "HIGHESTMODSEQ " + f.highestModseq();
            case "SIZE" -> "SIZE " + java.util.Objects.requireNonNull(totals).size();
            case "DELETED" -> "DELETED " + java.util.Objects.requireNonNull(totals).deleted();
            default -> throw new ImapProtocolException("Unknown STATUS item");
          });
    }
    send(
        new ResponseWriter()
            .ascii("* STATUS ")
            .string(encodeName(imapName(f)))
            .ascii(" (" + String.join(" ", parts) + ")")
            .bytes());
  }

  private void create(ImapCommand c, MemberPrincipal m) throws IOException, ImapProtocolException {
    c.arity(1);
    String name = decodeName(c.text(0));
    if (name.endsWith("/")) {
      name = name.substring(0, name.length() - 1);
    }
    if (folder(m, c.text(0)).isPresent()) {
      send(c.tag() + " NO [ALREADYEXISTS] Mailbox exists");
      return;
    }
    if (name.contains("/")) {
      send(c.tag() + " NO [CANNOT] Folders cannot be nested");
      return;
    }
    try {
      mailboxes.createFolder(m, name);
    } catch (ProblemException e) {
      send(c.tag() + " NO [CANNOT] Invalid or taken folder name");
      return;
    }
    ok(c, "CREATE completed");
  }

  private void delete(ImapCommand c, MemberPrincipal m) throws IOException, ImapProtocolException {
    c.arity(1);
    ImapFolder f =
        folder(m, c.text(0))
            .flatMap(named -> mailboxes.imapFolder(m, named.id()))
            .orElseThrow(ImapSession::nonexistent);
    if (f.role() != null) {
      send(c.tag() + " NO [CANNOT] The standard folders cannot be deleted");
      return;
    }
    if (f.messages() > 0) {
      send(c.tag() + " NO [INUSE] Move or delete the folder's messages first");
      return;
    }
    mailboxes.deleteFolder(m, f.id());
    if (f.id().equals(selected)) {
      selected = null;
    }
    ok(c, "DELETE completed");
  }

  private void rename(ImapCommand c, MemberPrincipal m) throws IOException, ImapProtocolException {
    c.arity(2);
    ImapFolder f = folder(m, c.text(0)).orElseThrow(ImapSession::nonexistent);
    String to = decodeName(c.text(1));
    if (f.role() != null) {
      send(c.tag() + " NO [CANNOT] The standard folders cannot be renamed");
      return;
    }
    if (folder(m, c.text(1)).isPresent()) {
      send(c.tag() + " NO [ALREADYEXISTS] Mailbox exists");
      return;
    }
    if (to.contains("/")) {
      send(c.tag() + " NO [CANNOT] Folders cannot be nested");
      return;
    }
    try {
      mailboxes.renameFolder(m, f.id(), to);
    } catch (ProblemException e) {
      send(c.tag() + " NO [CANNOT] Invalid or taken folder name");
      return;
    }
    ok(c, "RENAME completed");
  }

  private void select(ImapCommand c, MemberPrincipal m) throws IOException, ImapProtocolException {
    if (c.args().isEmpty() || c.args().size() > 2) {
      throw new ImapProtocolException("SELECT mailbox [(CONDSTORE)]");
    }
    if (c.args().size() == 2) {
      if (c.args().get(1) instanceof ImapToken.ListToken l
          && l.items().size() == 1
          && "CONDSTORE".equalsIgnoreCase(ImapToken.text(l.items().get(0)))) {
        condstore = true;
      } else {
        throw new ImapProtocolException("Unknown SELECT parameter");
      }
    }
    if (selected != null) {
      send("* OK [CLOSED] Previous mailbox closed");
      selected = null;
    }
    saved = new long[0];
    ImapFolder f = folder(m, c.text(0)).orElseThrow(ImapSession::nonexistent);
    readOnly = c.name().equals("EXAMINE");
    long highest = f.highestModseq();
    reported.clear();
    uids = mailboxes.imapUids(m, f.id());
    knownModseq = highest;
    selected = f.id();
    send("* FLAGS " + FLAGS_AND_KEYWORDS);
    send(
        "* OK [PERMANENTFLAGS "
            + (readOnly ? "()" : PERMANENT_FLAGS)
            + "] "
            + (readOnly ? "Read-only" : "Flags permitted"));
    send("* " + uids.length + " EXISTS");
    if (rev2) {
      // RFC 9051 §6.3.2: the mailbox's LIST response; \Recent and RECENT are gone.
      send(
          new ResponseWriter()
              .ascii("* LIST (" + listAttributes(f, true) + ") \"/\" ")
              .string(encodeName(imapName(f)))
              .bytes());
    } else {
      send("* 0 RECENT");
    }
    send("* OK [UIDVALIDITY " + f.uidValidity() + "] UIDs valid");
    send("* OK [UIDNEXT " + f.uidNext() + "] Predicted next UID");
    send("* OK [HIGHESTMODSEQ " + highest + "] Highest");
    send(
        c.tag()
            + " OK ["
            + (readOnly ? "READ-ONLY" : "READ-WRITE")
            + "] "
            + c.name()
            + " completed");
  }

  private UUID requireSelected() throws ImapProtocolException {
    UUID s = selected;
    if (s == null) {
      throw new ImapProtocolException("No mailbox selected");
    }
    return s;
  }

  private void requireWritable() throws ImapProtocolException {
    if (readOnly) {
      throw new ImapProtocolException("[READ-ONLY] Mailbox is read-only");
    }
  }

  private void append(ImapCommand c, MemberPrincipal m) throws IOException, ImapProtocolException {
    List<ImapToken> args = c.args();
    if (args.size() < 2 || args.size() > 4) {
      throw new ImapProtocolException("APPEND mailbox [flags] [date] message");
    }
    if (!(args.get(args.size() - 1) instanceof ImapToken.Str message)) {
      throw new ImapProtocolException("APPEND needs the message as a literal");
    }
    Flags flags = new Flags(Set.of(), Set.of());
    Instant date = null;
    for (int i = 1; i < args.size() - 1; i++) {
      if (args.get(i) instanceof ImapToken.ListToken l) {
        flags = flags(l);
      } else {
        date = appendDate(c.text(i));
      }
    }
    Optional<ImapFolder> f = folder(m, c.text(0));
    if (f.isEmpty()) {
      send(c.tag() + " NO [TRYCREATE] No such mailbox");
      return;
    }
    if (message.value().length == 0) {
      throw new ImapProtocolException("Empty message");
    }
    var result =
        mailboxes.imapAppend(
            m, f.get().id(), message.value(), flags.system(), flags.keywords(), date);
    if (selected != null) {
      updates();
    }
    send(
        c.tag()
            + " OK [APPENDUID "
            + result.uidValidity()
            + " "
            + result.targetUids().get(0)
            + "] APPEND completed");
  }

  private static Instant appendDate(String text) throws ImapProtocolException {
    try {
      return ZonedDateTime.parse(text.strip(), APPEND_DATE).toInstant();
    } catch (DateTimeParseException e) {
      throw new ImapProtocolException("Invalid date-time");
    }
  }

  /** System flags (lower case, without the backslash) and keywords (as the client wrote them). */
  private record Flags(Set<String> system, Set<String> keywords) {}

  /** A keyword: atom characters (RFC 3501 §9) and not a system flag. */
  private static final java.util.regex.Pattern KEYWORD =
      java.util.regex.Pattern.compile("[!#$&'+,\\-./0-9:;<=>?@A-Z\\[^_`a-z|}~]{1,100}");

  private static Flags flags(ImapToken.ListToken list) throws ImapProtocolException {
    Set<String> flags = new LinkedHashSet<>();
    Set<String> keywords = new LinkedHashSet<>();
    for (ImapToken t : list.items()) {
      if (!(t instanceof ImapToken.Atom a)) {
        throw new ImapProtocolException("Invalid flag");
      }
      String flag = a.value();
      if (flag.startsWith("\\")) {
        String name = flag.substring(1).toLowerCase(Locale.ROOT);
        if (!Mailboxes.IMAP_FLAGS.contains(name)) {
          throw new ImapProtocolException("Unknown or read-only system flag");
        }
        flags.add(name);
      } else if (KEYWORD.matcher(flag).matches()) {
        if (keywords.stream().noneMatch(flag::equalsIgnoreCase)) {
          keywords.add(flag);
        }
      } else {
        throw new ImapProtocolException("Invalid keyword");
      }
    }
    if (keywords.size() > Mailboxes.MAX_KEYWORDS) {
      throw new ImapProtocolException("Too many keywords");
    }
    return new Flags(flags, keywords);
  }

  // --- selected --------------------------------------------------------------------------------

  /**
   * Tells the client what changed since it last heard (RFC 3501 §7.4.1 EXPUNGE, §7.3.1 EXISTS,
   * §7.4.2 FETCH FLAGS): expunges from the highest sequence number down so each stays valid.
   */
  private void updates() throws IOException {
    UUID folder = selected;
    MemberPrincipal m = member;
    if (folder == null || m == null) {
      return;
    }
    Optional<Long> state = mailboxes.imapHighestModseq(m, folder);
    if (state.isEmpty()) {
      send("* BYE Selected mailbox was deleted");
      flush();
      closed = true;
      closeQuietly();
      return;
    }
    long highest = state.get();
    if (highest == knownModseq) {
      // Every new, moved, expunged or re-flagged message raises it: nothing changed.
      return;
    }
    long[] now = mailboxes.imapUids(m, folder);
    var writer = new ResponseWriter();
    int remaining = uids.length;
    for (int i = uids.length - 1; i >= 0; i--) {
      if (java.util.Arrays.binarySearch(now, uids[i]) < 0) {
        writer.ascii("* " + (i + 1) + " EXPUNGE\r\n");
        remaining--;
      }
    }
    long before = remaining;
    long[] known = uids;
    uids = now;
    if (now.length != before || writer.size() > 0) {
      writer.ascii("* " + now.length + " EXISTS\r\n");
    }
    if (highest > knownModseq) {
      for (ImapMessage msg :
          mailboxes.imapChangedSince(
              m, folder, knownModseq, known.length == 0 ? 0 : known[known.length - 1])) {
        int seq = java.util.Arrays.binarySearch(now, msg.uid());
        // New messages are announced by EXISTS; the client fetches their flags itself.
        Long told = reported.get(msg.uid());
        if (seq >= 0
            && java.util.Arrays.binarySearch(known, msg.uid()) >= 0
            && (told == null || told != msg.modseq())) {
          writer.ascii(
              "* "
                  + (seq + 1)
                  + " FETCH (UID "
                  + msg.uid()
                  + " FLAGS "
                  + ImapFetch.flagList(msg)
                  + (condstore ? " MODSEQ (" + msg.modseq() + ")" : "")
                  + ")\r\n");
        }
      }
      knownModseq = highest;
      reported.clear();
    }
    if (writer.size() > 0) {
      write(writer.bytes());
    }
  }

  private void expunge(ImapCommand c, MemberPrincipal m, @Nullable List<Long> only)
      throws IOException, ImapProtocolException {
    UUID folder = requireSelected();
    requireWritable();
    mailboxes.imapExpunge(m, folder, only);
    updates();
    ok(c, c.name() + " completed");
  }

  /** Positions (0-based) in the snapshot that the set names, by UID or by sequence number. */
  private List<Integer> positions(String setText, boolean byUid) throws ImapProtocolException {
    if (SequenceSet.isSaved(setText)) {
      // RFC 5182: the saved messages still in the mailbox, by UID or by number alike.
      List<Integer> out = new ArrayList<>();
      for (long uid : saved) {
        int i = java.util.Arrays.binarySearch(uids, uid);
        if (i >= 0) {
          out.add(i);
        }
      }
      return out;
    }
    SequenceSet set = SequenceSet.parse(setText);
    // RFC 3501 §9: a sequence number beyond the mailbox is an error; "*" (even in an empty one)
    // is not.
    if (!byUid && !set.within(uids.length)) {
      throw new ImapProtocolException("Invalid message sequence number");
    }
    return set.select(uids, byUid);
  }

  /**
   * SEARCH and UID SEARCH (RFC 3501 §6.4.4), answered with ESEARCH (RFC 4731) when the client asks
   * for RETURN options or has enabled IMAP4rev2, and keeping the result for {@code $} on RETURN
   * (SAVE) (RFC 5182).
   */
  private void search(ImapCommand c, MemberPrincipal m) throws IOException, ImapProtocolException {
    UUID folder = requireSelected();
    boolean byUid = c.name().startsWith("UID");
    List<ImapToken> args = c.args();
    Set<String> returns = new LinkedHashSet<>();
    boolean esearch = rev2;
    if (args.size() >= 2
        && args.get(0) instanceof ImapToken.Atom a
        && a.value().equalsIgnoreCase("RETURN")
        && args.get(1) instanceof ImapToken.ListToken options) {
      for (ImapToken t : options.items()) {
        String option = String.valueOf(ImapToken.text(t)).toUpperCase(Locale.ROOT);
        if (!Set.of("MIN", "MAX", "ALL", "COUNT", "SAVE").contains(option)) {
          throw new ImapProtocolException("Unknown SEARCH return option");
        }
        returns.add(option);
      }
      esearch = true;
      args = args.subList(2, args.size());
    }
    if (returns.isEmpty()) {
      // RFC 4731 §3.1: RETURN () means ALL; so does a plain SEARCH answered with ESEARCH.
      returns.add("ALL");
    }
    boolean save = returns.contains("SAVE");
    if (save) {
      // RFC 5182 §2.1: a failed SEARCH leaves "$" empty.
      saved = new long[0];
    }
    SearchKey key = SearchKey.parse(args);
    var reader = new ImapFetch(mailboxes, m, zone, List.of(), false, false, false);
    var matcher = new SearchMatcher(key, uids, saved, zone, reader::raw);
    Mailboxes.ImapFilter filter = SearchMatcher.filter(key);
    // Matches as positions in the snapshot, ascending.
    var found = java.util.stream.IntStream.builder();
    long maxModseq = 0;
    long after = 0;
    long last = uids.length == 0 ? 0 : uids[uids.length - 1];
    // Subject texts and flags only: the database's answer is the answer, no row is read for it.
    boolean fromIndex = SearchMatcher.filterIsWhole(key);
    while (fromIndex && after < last) {
      long to = Math.min(last, after + SEARCH_PAGE);
      for (long uid : mailboxes.imapSearchUids(m, folder, after, to, filter)) {
        int i = java.util.Arrays.binarySearch(uids, uid);
        if (i >= 0) {
          found.add(i);
        }
      }
      after = to;
    }
    while (after < last) {
      // A window of UIDs per query, not a LIMIT: the database then reads each row once even when
      // it sorts the candidates instead of reading them in index order.
      long to = Math.min(last, after + SEARCH_PAGE);
      List<ImapMessage> page = mailboxes.imapSearch(m, folder, after, to, SEARCH_PAGE, filter);
      after = to;
      for (ImapMessage msg : page) {
        int i = java.util.Arrays.binarySearch(uids, msg.uid());
        if (i >= 0 && matcher.matches(msg, i + 1)) {
          found.add(i);
          maxModseq = Math.max(maxModseq, msg.modseq());
        }
      }
    }
    int[] positions = found.build().toArray();
    if (matcher.usesModseq()) {
      condstore = true;
    }
    if (save) {
      saved = savedUids(positions, returns);
    }
    if (!esearch) {
      var result = new StringBuilder("* SEARCH");
      for (int i : positions) {
        result.append(' ').append(byUid ? uids[i] : i + 1);
      }
      if (matcher.usesModseq() && maxModseq > 0) {
        result.append(" (MODSEQ ").append(maxModseq).append(')');
      }
      send(result.toString());
    } else if (!returns.equals(Set.of("SAVE"))) {
      send(
          esearchResponse(
              c.tag(), byUid, positions, returns, matcher.usesModseq() ? maxModseq : 0));
    }
    if (byUid) {
      updates();
    }
    ok(c, c.name() + " completed");
  }

  /**
   * The UIDs RETURN (SAVE) keeps: all matches, or only the lowest and/or highest when SAVE comes
   * with MIN and/or MAX and neither ALL nor COUNT (RFC 5182 §2.1).
   */
  private long[] savedUids(int[] positions, Set<String> returns) {
    boolean minMaxOnly =
        (returns.contains("MIN") || returns.contains("MAX"))
            && !returns.contains("ALL")
            && !returns.contains("COUNT");
    if (!minMaxOnly || positions.length == 0) {
      long[] out = new long[positions.length];
      for (int k = 0; k < positions.length; k++) {
        out[k] = uids[positions[k]];
      }
      return out;
    }
    java.util.TreeSet<Long> kept = new java.util.TreeSet<>();
    if (returns.contains("MIN")) {
      kept.add(uids[positions[0]]);
    }
    if (returns.contains("MAX")) {
      kept.add(uids[positions[positions.length - 1]]);
    }
    return kept.stream().mapToLong(Long::longValue).toArray();
  }

  /**
   * {@code * ESEARCH (TAG "t") [UID] [MIN n] [MAX n] [COUNT n] [ALL set] [MODSEQ n]} (RFC 4731
   * §3.1: MIN, MAX and ALL are left out when nothing matched; RFC 7162 §3.1.5 MODSEQ).
   */
  private String esearchResponse(
      String tag, boolean byUid, int[] positions, Set<String> returns, long modseq) {
    var b = new StringBuilder("* ESEARCH (TAG \"").append(tag).append("\")");
    if (byUid) {
      b.append(" UID");
    }
    long[] numbers = new long[positions.length];
    for (int k = 0; k < positions.length; k++) {
      numbers[k] = byUid ? uids[positions[k]] : positions[k] + 1;
    }
    if (numbers.length > 0 && returns.contains("MIN")) {
      b.append(" MIN ").append(numbers[0]);
    }
    if (numbers.length > 0 && returns.contains("MAX")) {
      b.append(" MAX ").append(numbers[numbers.length - 1]);
    }
    if (returns.contains("COUNT")) {
      b.append(" COUNT ").append(numbers.length);
    }
    if (numbers.length > 0 && returns.contains("ALL")) {
      b.append(" ALL ").append(SequenceSet.format(numbers));
    }
    if (modseq > 0) {
      b.append(" MODSEQ ").append(modseq);
    }
    return b.toString();
  }

  private void fetch(ImapCommand c, MemberPrincipal m) throws IOException, ImapProtocolException {
    UUID folder = requireSelected();
    boolean byUid = c.name().startsWith("UID");
    if (c.args().size() < 2 || c.args().size() > 3) {
      throw new ImapProtocolException("FETCH set items [(CHANGEDSINCE n)]");
    }
    List<Integer> chosen = positions(c.text(0), byUid);
    List<FetchItem> items = new ArrayList<>(FetchItem.parse(c.args().get(1)));
    long changedSince = -1;
    if (c.args().size() == 3) {
      if (c.args().get(2) instanceof ImapToken.ListToken l
          && l.items().size() == 2
          && "CHANGEDSINCE".equalsIgnoreCase(ImapToken.text(l.items().get(0)))) {
        String n = String.valueOf(ImapToken.text(l.items().get(1)));
        if (!n.matches("[0-9]{1,19}")) {
          throw new ImapProtocolException("Invalid CHANGEDSINCE");
        }
        changedSince = Long.parseLong(n);
        condstore = true;
      } else {
        throw new ImapProtocolException("Unknown FETCH modifier");
      }
    }
    boolean wantsModseq =
        changedSince >= 0
            || items.stream()
                .anyMatch(i -> i instanceof FetchItem.Simple s && s.name().equals("MODSEQ"));
    if (wantsModseq) {
      condstore = true;
    }
    boolean setSeen = !readOnly && FetchItem.setsSeen(items);
    var responder = new ImapFetch(mailboxes, m, zone, items, byUid, setSeen, wantsModseq);
    var pending = new java.io.ByteArrayOutputStream(64 * 1024);
    for (int start = 0; start < chosen.size(); start += PAGE) {
      int end = Math.min(chosen.size(), start + PAGE);
      List<Long> page = new ArrayList<>();
      for (int i = start; i < end; i++) {
        page.add(uids[chosen.get(i)]);
      }
      boolean consecutive = chosen.get(end - 1) - chosen.get(start) == end - 1 - start;
      List<ImapMessage> messages = responder.load(folder, page, consecutive);
      if (setSeen) {
        List<Long> unseen = messages.stream().filter(x -> !x.seen()).map(ImapMessage::uid).toList();
        if (!unseen.isEmpty()) {
          var changed =
              mailboxes
                  .imapStore(m, folder, unseen, FlagChange.ADD, Set.of("seen"), null)
                  .changed();
          changed.forEach(x -> reported.put(x.uid(), x.modseq()));
          List<ImapMessage> merged = new ArrayList<>();
          for (ImapMessage x : messages) {
            merged.add(changed.stream().filter(y -> y.uid() == x.uid()).findFirst().orElse(x));
          }
          messages = merged;
        }
      }
      for (ImapMessage msg : messages) {
        if (changedSince >= 0 && msg.modseq() <= changedSince) {
          continue;
        }
        int seq = java.util.Arrays.binarySearch(uids, msg.uid()) + 1;
        responder.response(msg, seq, pending);
        if (pending.size() >= 256 * 1024) {
          write(pending);
          pending.reset();
        }
      }
      responder.saveWorkedOut();
    }
    if (pending.size() > 0) {
      write(pending);
    }
    if (byUid) {
      updates();
    }
    ok(c, c.name() + " completed");
  }

  private void store(ImapCommand c, MemberPrincipal m) throws IOException, ImapProtocolException {
    UUID folder = requireSelected();
    boolean byUid = c.name().startsWith("UID");
    List<ImapToken> args = c.args();
    int i = 1;
    Long unchangedSince = null;
    if (args.size() >= 2 && args.get(1) instanceof ImapToken.ListToken mod) {
      if (mod.items().size() == 2
          && "UNCHANGEDSINCE".equalsIgnoreCase(ImapToken.text(mod.items().get(0)))
          && String.valueOf(ImapToken.text(mod.items().get(1))).matches("[0-9]{1,19}")) {
        unchangedSince = Long.parseLong(String.valueOf(ImapToken.text(mod.items().get(1))));
        condstore = true;
        i = 2;
      } else {
        throw new ImapProtocolException("Unknown STORE modifier");
      }
    }
    if (args.size() != i + 2) {
      throw new ImapProtocolException("STORE set [(UNCHANGEDSINCE n)] item flags");
    }
    List<Integer> chosen = positions(c.text(0), byUid);
    String item = c.text(i).toUpperCase(Locale.ROOT);
    boolean silent = item.endsWith(".SILENT");
    String base = silent ? item.substring(0, item.length() - 7) : item;
    FlagChange change =
        switch (base) {
          case "FLAGS" -> FlagChange.REPLACE;
          case "+FLAGS" -> FlagChange.ADD;
          case "-FLAGS" -> FlagChange.REMOVE;
          default -> throw new ImapProtocolException("Unknown STORE item");
        };
    ImapToken flagArg = args.get(i + 1);
    Flags flags =
        flagArg instanceof ImapToken.ListToken l
            ? flags(l)
            : flags(new ImapToken.ListToken(args.subList(i + 1, args.size())));
    requireWritable();
    List<Long> modified = new ArrayList<>();
    var writer = new ResponseWriter();
    for (int start = 0; start < chosen.size(); start += PAGE) {
      List<Long> page = new ArrayList<>();
      for (int k = start; k < Math.min(chosen.size(), start + PAGE); k++) {
        page.add(uids[chosen.get(k)]);
      }
      Mailboxes.ImapStoreResult result;
      try {
        result =
            mailboxes.imapStore(
                m, folder, page, change, flags.system(), flags.keywords(), unchangedSince);
      } catch (IllegalArgumentException tooMany) {
        send(c.tag() + " NO [LIMIT] At most " + Mailboxes.MAX_KEYWORDS + " keywords per message");
        return;
      }
      modified.addAll(result.modified());
      for (ImapMessage msg : result.changed()) {
        reported.put(msg.uid(), msg.modseq());
        if (silent && unchangedSince == null) {
          continue;
        }
        int seq = java.util.Arrays.binarySearch(uids, msg.uid()) + 1;
        writer.ascii(
            "* "
                + seq
                + " FETCH ("
                + (byUid ? "UID " + msg.uid() + " " : "")
                + (silent ? "" : "FLAGS " + ImapFetch.flagList(msg))
                + (condstore ? (silent ? "" : " ") + "MODSEQ (" + msg.modseq() + ")" : "")
                + ")\r\n");
      }
    }
    if (writer.size() > 0) {
      write(writer.bytes());
    }
    if (byUid) {
      updates();
    }
    if (!modified.isEmpty()) {
      List<String> numbers = new ArrayList<>();
      for (long uid : modified) {
        numbers.add(String.valueOf(byUid ? uid : java.util.Arrays.binarySearch(uids, uid) + 1));
      }
      ok(c, "[MODIFIED " + String.join(",", numbers) + "] Conditional STORE failed for some");
      return;
    }
    ok(c, c.name() + " completed");
  }

  private void copy(ImapCommand c, MemberPrincipal m) throws IOException, ImapProtocolException {
    UUID folder = requireSelected();
    c.arity(2);
    boolean byUid = c.name().startsWith("UID");
    boolean move = c.name().endsWith("MOVE");
    if (move) {
      requireWritable();
    }
    List<Integer> chosen = positions(c.text(0), byUid);
    Optional<ImapFolder> target = folder(m, c.text(1));
    if (target.isEmpty()) {
      send(c.tag() + " NO [TRYCREATE] No such mailbox");
      return;
    }
    List<Long> from = new ArrayList<>();
    List<Long> to = new ArrayList<>();
    long validity = target.get().uidValidity();
    for (int start = 0; start < chosen.size(); start += PAGE) {
      List<Long> page = new ArrayList<>();
      for (int k = start; k < Math.min(chosen.size(), start + PAGE); k++) {
        page.add(uids[chosen.get(k)]);
      }
      if (target.get().id().equals(folder) && move) {
        continue;
      }
      var result = mailboxes.imapCopy(m, folder, page, target.get().id(), move);
      from.addAll(result.sourceUids());
      to.addAll(result.targetUids());
      validity = result.uidValidity();
    }
    String copyUid =
        from.isEmpty() ? "" : "[COPYUID " + validity + " " + uidSet(from) + " " + uidSet(to) + "] ";
    if (move) {
      if (!copyUid.isEmpty()) {
        send("* OK " + copyUid + "Moved");
      }
      updates();
      ok(c, c.name() + " completed");
    } else {
      updates();
      ok(c, copyUid + c.name() + " completed");
    }
  }

  private static String uidSet(List<Long> uids) {
    return SequenceSet.format(uids.stream().mapToLong(Long::longValue).toArray());
  }

  private void idle(ImapCommand c, MemberPrincipal m) throws IOException, ImapProtocolException {
    c.arity(0);
    send("+ idling");
    idling = true;
    updates();
    // Waiting for DONE counts as waiting for the client: a stopping server says BYE now.
    commandInFlight = in.hasBufferedInput();
    lock.unlock();
    byte[] line;
    try {
      line = in.readLine(properties.maxLineLength());
    } catch (SocketTimeoutException e) {
      idling = false;
      lock.lock();
      bye("Autologout; idle for too long");
      return;
    } catch (ImapProtocolException e) {
      idling = false;
      lock.lock();
      bad(c.tag(), "Expected DONE");
      return;
    } finally {
      if (!lock.isHeldByCurrentThread()) {
        lock.lock();
      }
      idling = false;
    }
    if (new String(line, StandardCharsets.US_ASCII).strip().equalsIgnoreCase("DONE")) {
      updates();
      ok(c, "IDLE terminated");
    } else {
      bad(c.tag(), "Expected DONE");
    }
  }

  /** Another part of Musubi changed this member's mailbox: push it to an idling client now. */
  void mailboxChanged() {
    // The next NOOP, IDLE or other command looks for itself; a burst of changes wakes once.
    if (!idling || !wakePending.compareAndSet(false, true)) {
      return;
    }
    Thread.ofVirtual()
        .start(
            () -> {
              lock.lock();
              try {
                wakePending.set(false);
                if (idling && !closed) {
                  updates();
                  flush();
                }
              } catch (IOException | RuntimeException e) {
                log.debug("IMAP IDLE update failed: {}", e.toString());
              } finally {
                lock.unlock();
              }
            });
  }

  // --- output ----------------------------------------------------------------------------------

  private void ok(ImapCommand c, String text) throws IOException {
    send(c.tag() + " OK " + text);
  }

  private void send(String line) throws IOException {
    write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
  }

  private void send(byte[] line) throws IOException {
    byte[] withEnd = java.util.Arrays.copyOf(line, line.length + 2);
    withEnd[line.length] = '\r';
    withEnd[line.length + 1] = '\n';
    write(withEnd);
  }

  /** Buffers {@code bytes}; they go out with the next {@link #flush}. */
  private void write(byte[] bytes) throws IOException {
    synchronized (this) {
      out.write(bytes);
    }
  }

  /** Buffers a batch of responses without copying it first. */
  private void write(java.io.ByteArrayOutputStream batch) throws IOException {
    synchronized (this) {
      batch.writeTo(out);
    }
  }

  private void flush() throws IOException {
    synchronized (this) {
      out.flush();
    }
  }

  /**
   * Server stop: a session waiting for its client (between commands or in IDLE) says BYE and closes
   * now; one whose command is in flight finishes it and then says BYE (see {@link #run}).
   */
  @Override
  public void drain() {
    draining = true;
    if (commandInFlight || goodbye || !lock.tryLock()) {
      return;
    }
    try {
      if (commandInFlight || goodbye) {
        return;
      }
      goodbye = true;
    } finally {
      lock.unlock();
    }
    // Not on the stopping thread: a client that reads nothing must not hold up the stop.
    Thread.ofVirtual().name("imap-bye").start(() -> bye("Server shutting down"));
  }

  /** Closes the connection at once (the stop's time is up); safe from any thread. */
  @Override
  public void shutdown() {
    closed = true;
    closeQuietly();
  }

  /** Says BYE and closes; safe from any thread. */
  void bye(String reason) {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      write(("* BYE " + reason + "\r\n").getBytes(StandardCharsets.US_ASCII));
      flush();
    } catch (IOException ignored) {
      // The client is gone already.
    }
    closeQuietly();
  }

  private void closeQuietly() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Already closed.
    }
  }
}
