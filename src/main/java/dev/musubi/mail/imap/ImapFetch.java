package dev.musubi.mail.imap;

import dev.musubi.mail.Mailboxes;
import dev.musubi.mail.Mailboxes.ImapMessage;
import dev.musubi.mail.imap.codec.FetchItem;
import dev.musubi.mail.imap.codec.ImapProtocolException;
import dev.musubi.mail.imap.codec.ImapSummary;
import dev.musubi.mail.imap.codec.MimeStructure;
import dev.musubi.mail.imap.codec.ResponseWriter;
import dev.musubi.platform.security.MemberPrincipal;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The FETCH responses of one command (RFC 3501 §6.4.5, §7.4.2). ENVELOPE, BODY and BODYSTRUCTURE
 * come from the summary kept with each message; the message itself is read and decrypted only for
 * BODY[…] and RFC822 sections, or once for a message stored before summaries were kept (its summary
 * is then kept, see {@link #saveWorkedOut}).
 */
final class ImapFetch {

  private static final DateTimeFormatter INTERNAL_DATE =
      DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z", Locale.ENGLISH);

  private final Mailboxes mailboxes;
  private final MemberPrincipal member;
  private final ZoneId zone;
  private final List<FetchItem> items;
  private final boolean byUid;
  private final boolean seenSet;
  private final boolean modseq;
  private final boolean needsSummary;
  private final boolean needsContent;
  private final boolean headerOnly;
  private final boolean wholeMessageOnly;
  private final Map<UUID, ImapSummary> workedOut = new LinkedHashMap<>();
  // The blobs of the page last loaded, looked up at once when its messages are read.
  private Mailboxes.@Nullable ImapRawReader pageReader;

  ImapFetch(
      Mailboxes mailboxes,
      MemberPrincipal member,
      ZoneId zone,
      List<FetchItem> items,
      boolean byUid,
      boolean seenSet,
      boolean modseq) {
    this.mailboxes = mailboxes;
    this.member = member;
    this.zone = zone;
    this.items = items;
    this.byUid = byUid;
    this.seenSet = seenSet;
    this.modseq = modseq;
    this.needsSummary = needsSummary(items);
    this.needsContent = needsSection(items);
    this.headerOnly = FetchItem.headerOnly(items);
    this.wholeMessageOnly =
        items.stream()
            .allMatch(
                i ->
                    switch (i) {
                      case FetchItem.Body b -> b.part().length == 0 && b.kind().isEmpty();
                      case FetchItem.Rfc822 r -> r.name().equals("RFC822");
                      case FetchItem.Simple s -> true;
                      case FetchItem.Binary b -> b.part().length == 0;
                      case FetchItem.BinarySize b -> false;
                    });
  }

  /**
   * The messages of {@code page} (UIDs in the session's snapshot, ascending): one range query when
   * they are consecutive in the snapshot (as for {@code 1:*}), one IN list otherwise.
   */
  List<ImapMessage> load(UUID folder, List<Long> page, boolean consecutive) {
    if (page.isEmpty()) {
      return List.of();
    }
    List<ImapMessage> messages =
        consecutive
            ? mailboxes.imapMessages(
                member, folder, page.getFirst(), page.getLast(), page.size(), needsSummary)
            : mailboxes.imapMessagesByUid(member, folder, page, needsSummary);
    boolean reads =
        needsContent || (needsSummary && messages.stream().anyMatch(m -> m.summary() == null));
    pageReader = reads ? mailboxes.imapRawReader(member, messages) : null;
    return messages;
  }

  /** Keeps the summaries worked out for messages that had none, and forgets them. */
  void saveWorkedOut() {
    if (!workedOut.isEmpty()) {
      mailboxes.imapSaveSummaries(member, Map.copyOf(workedOut));
      workedOut.clear();
    }
  }

  /**
   * Appends the message's FETCH response to {@code into} (no copy of its own first).
   *
   * @throws ImapProtocolException {@code [UNKNOWN-CTE]} when BINARY meets an encoding it cannot
   *     undo (RFC 3516 §4.3)
   */
  void response(ImapMessage msg, int seq, java.io.ByteArrayOutputStream into)
      throws ImapProtocolException {
    var w = new ResponseWriter(into).ascii("* " + seq + " FETCH (");
    List<String> done = new ArrayList<>();
    ImapSummary summary = msg.summary();
    byte[] raw = null;
    if (needsSummary && summary == null) {
      raw = raw(msg);
      summary = ImapSummary.of(raw);
      workedOut.put(msg.id(), summary);
    } else if (needsContent) {
      raw = headerOnly ? header(msg) : raw(msg);
    }
    // Parsed only for a part or a header or text section: BODY[] and RFC822 are the message.
    MimeStructure mime =
        needsContent && !wholeMessageOnly ? MimeStructure.of(Objects.requireNonNull(raw)) : null;
    if (byUid) {
      w.ascii("UID " + msg.uid());
      done.add("UID");
    }
    // BINARY[n] and BINARY.SIZE[n] in one FETCH decode part n once.
    Map<String, byte[]> decodedParts = new java.util.HashMap<>();
    for (FetchItem item : items) {
      String label =
          switch (item) {
            case FetchItem.Simple s -> s.name();
            case FetchItem.Rfc822 r -> r.name();
            case FetchItem.Body b -> b.label();
            case FetchItem.Binary b -> b.label();
            case FetchItem.BinarySize b -> b.label();
          };
      if (done.contains(label)) {
        continue;
      }
      if (!done.isEmpty()) {
        w.ascii(" ");
      }
      done.add(label);
      switch (item) {
        case FetchItem.Simple s -> {
          switch (s.name()) {
            case "FLAGS" -> w.ascii("FLAGS " + flagList(msg));
            case "UID" -> w.ascii("UID " + msg.uid());
            case "INTERNALDATE" ->
                w.ascii(
                    "INTERNALDATE \""
                        + INTERNAL_DATE.format(msg.internalDate().atZone(zone))
                        + "\"");
            case "RFC822.SIZE" -> w.ascii("RFC822.SIZE " + msg.size());
            case "MODSEQ" -> w.ascii("MODSEQ (" + msg.modseq() + ")");
            case "ENVELOPE" -> w.ascii("ENVELOPE ").raw(Objects.requireNonNull(summary).envelope());
            case "BODYSTRUCTURE" ->
                w.ascii("BODYSTRUCTURE ").raw(Objects.requireNonNull(summary).bodyStructure());
            default -> w.ascii("BODY ").raw(Objects.requireNonNull(summary).body());
          }
        }
        case FetchItem.Rfc822 r -> {
          String kind =
              switch (r.name()) {
                case "RFC822.HEADER" -> "HEADER";
                case "RFC822.TEXT" -> "TEXT";
                default -> "";
              };
          byte[] section =
              kind.isEmpty()
                  ? Objects.requireNonNull(raw)
                  : Objects.requireNonNull(mime).section(new int[0], kind, List.of());
          w.ascii(r.name() + " ").literal(section == null ? new byte[0] : section);
        }
        case FetchItem.Body b -> {
          byte[] section =
              b.part().length == 0 && b.kind().isEmpty()
                  ? Objects.requireNonNull(raw)
                  : Objects.requireNonNull(mime).section(b.part(), b.kind(), b.fields());
          w.ascii(b.label() + " ");
          if (section == null) {
            w.ascii("NIL");
          } else if (b.origin() >= 0) {
            // RFC 3501 §6.4.5: a partial beyond the end is empty.
            int from = (int) Math.min(section.length, b.origin());
            int length = (int) Math.min(section.length - from, b.octets());
            w.literal(section, from, length);
          } else {
            w.literal(section);
          }
        }
        case FetchItem.Binary b -> {
          byte[] decoded =
              b.part().length == 0
                  ? Objects.requireNonNull(raw)
                  : decoded(Objects.requireNonNull(mime), b.part(), decodedParts);
          w.ascii(b.label() + " ");
          if (decoded == null) {
            w.ascii("NIL");
          } else {
            int from = b.origin() < 0 ? 0 : (int) Math.min(decoded.length, b.origin());
            int length =
                b.origin() < 0 ? decoded.length : (int) Math.min(decoded.length - from, b.octets());
            w.binary(decoded, from, length);
          }
        }
        case FetchItem.BinarySize b -> {
          byte[] decoded = decoded(Objects.requireNonNull(mime), b.part(), decodedParts);
          w.ascii(b.label() + " " + (decoded == null ? "NIL" : String.valueOf(decoded.length)));
        }
      }
    }
    if (seenSet && !done.contains("FLAGS")) {
      w.ascii((done.isEmpty() ? "" : " ") + "FLAGS " + flagList(msg));
    }
    if (modseq && !done.contains("MODSEQ")) {
      w.ascii(" MODSEQ (" + msg.modseq() + ")");
    }
    w.ascii(")\r\n");
  }

  /** The part decoded for BINARY (null when it does not exist), once per part and message. */
  private static byte @Nullable [] decoded(
      MimeStructure mime, int[] part, Map<String, byte[]> decodedParts)
      throws ImapProtocolException {
    String key = java.util.Arrays.toString(part);
    if (!decodedParts.containsKey(key)) {
      decodedParts.put(key, mime.decoded(part));
    }
    return decodedParts.get(key);
  }

  static String flagList(ImapMessage m) {
    List<String> f = new ArrayList<>();
    if (m.answered()) {
      f.add("\\Answered");
    }
    if (m.flagged()) {
      f.add("\\Flagged");
    }
    if (m.deleted()) {
      f.add("\\Deleted");
    }
    if (m.seen()) {
      f.add("\\Seen");
    }
    if (m.draft()) {
      f.add("\\Draft");
    }
    f.addAll(m.keywords());
    return "(" + String.join(" ", f) + ")";
  }

  /** Whether an item is answered from the stored summary (ENVELOPE, BODY, BODYSTRUCTURE). */
  private static boolean needsSummary(List<FetchItem> items) {
    return items.stream()
        .anyMatch(
            i ->
                i instanceof FetchItem.Simple s
                    && (s.name().equals("ENVELOPE")
                        || s.name().equals("BODYSTRUCTURE")
                        || s.name().equals("BODY")));
  }

  /** Whether an item needs the message's bytes (BODY[…], BODY.PEEK[…], RFC822…). */
  private static boolean needsSection(List<FetchItem> items) {
    return items.stream()
        .anyMatch(
            i ->
                i instanceof FetchItem.Body
                    || i instanceof FetchItem.Rfc822
                    || i instanceof FetchItem.Binary
                    || i instanceof FetchItem.BinarySize);
  }

  byte[] raw(ImapMessage msg) {
    try (InputStream stream = open(msg)) {
      return stream.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private InputStream open(ImapMessage msg) throws IOException {
    var reader = pageReader;
    return reader != null ? reader.open(msg) : mailboxes.imapRaw(member, msg);
  }

  /** The message's header section up to and with its blank line (at most 1 MiB). */
  private byte[] header(ImapMessage msg) {
    try (InputStream stream = new java.io.BufferedInputStream(open(msg))) {
      var out = new java.io.ByteArrayOutputStream(4096);
      int previous = -1;
      int beforePrevious = -1;
      int b;
      while (out.size() < (1 << 20) && (b = stream.read()) >= 0) {
        out.write(b);
        if (b == '\n' && (previous == '\n' || (previous == '\r' && beforePrevious == '\n'))) {
          break;
        }
        beforePrevious = previous;
        previous = b;
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
