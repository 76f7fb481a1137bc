package dev.musubi.mail;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.mail.imap.codec.ImapSummary;
import dev.musubi.mail.internal.HtmlSanitizer;
import dev.musubi.mail.internal.MailIndexer;
import dev.musubi.mail.internal.MimeParser;
import dev.musubi.mail.internal.ParsedMail;
import dev.musubi.platform.Ids;
import dev.musubi.platform.Jdbc;
import dev.musubi.platform.PageResult;
import dev.musubi.platform.blob.BlobRef;
import dev.musubi.platform.blob.BlobReferences;
import dev.musubi.platform.blob.BlobStore;
import dev.musubi.platform.search.SearchDocument;
import dev.musubi.platform.search.SearchIndex;
import dev.musubi.platform.search.SearchQuery;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.Problems;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Each member's mailbox: folders (six role folders created on first use, and custom ones), messages
 * whose raw MIME is an encrypted blob and whose parsed metadata is in the database, flags,
 * conversation threads, quota and search. Only the owner reaches a mailbox; another member's or
 * company's IDs answer 404.
 */
@Service
public class Mailboxes {

  /** The role folders every member has, in display order. */
  public static final List<String> ROLES =
      List.of("inbox", "sent", "drafts", "trash", "junk", "archive");

  private static final Map<String, String> ROLE_NAMES =
      Map.of(
          "inbox", "Inbox",
          "sent", "Sent",
          "drafts", "Drafts",
          "trash", "Trash",
          "junk", "Junk",
          "archive", "Archive");

  static final String SEARCH_TYPE = MailIndexer.TYPE;

  /** Where a stored message goes and how it starts. */
  public record NewMessage(
      UUID tenantId,
      UUID memberId,
      String folderRole,
      BlobRef blob,
      ParsedMail parsed,
      Instant receivedAt,
      boolean seen,
      boolean draft,
      MailInbound.AuthResults auth,
      @Nullable UUID logId) {}

  private final JdbcClient jdbc;
  private final BlobStore blobs;
  private final BlobReferences references;
  private final ObjectProvider<SearchIndex> index;
  private final MailDomains domains;
  private final Ids ids;
  private final Clock clock;
  private final TransactionTemplate ownTransaction;
  private final ApplicationEventPublisher events;
  private final MailIndexer indexer;

  Mailboxes(
      JdbcClient jdbc,
      BlobStore blobs,
      BlobReferences references,
      ObjectProvider<SearchIndex> index,
      MailDomains domains,
      Ids ids,
      Clock clock,
      PlatformTransactionManager transactions,
      ApplicationEventPublisher events,
      MailIndexer indexer) {
    this.events = events;
    this.indexer = indexer;
    this.jdbc = jdbc;
    this.blobs = blobs;
    this.references = references;
    this.index = index;
    this.domains = domains;
    this.ids = ids;
    this.clock = clock;
    this.ownTransaction = new TransactionTemplate(transactions);
    this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
  }

  // --- folders ---------------------------------------------------------------------------------

  public List<MailFolder> folders(MemberPrincipal actor) {
    ensureFolders(actor.tenantId(), actor.memberId());
    List<MailFolder> all =
        jdbc.sql(
                // the counts are kept with every change (count), not counted: a folder of
                // 100,000 messages costs what an empty one does
                "SELECT f.id, f.name, f.role, f.unseen_count AS unread, f.message_count AS total"
                    + " FROM mail_folder f WHERE f.tenant_id = ? AND f.member_id = ?"
                    + " ORDER BY f.name")
            .params(actor.tenantId(), actor.memberId())
            .query(
                (rs, n) ->
                    new MailFolder(
                        rs.getObject("id", UUID.class),
                        rs.getString("name"),
                        rs.getString("role"),
                        rs.getLong("unread"),
                        rs.getLong("total")))
            .list();
    List<MailFolder> sorted = new ArrayList<>();
    for (String role : ROLES) {
      all.stream().filter(f -> role.equals(f.role())).forEach(sorted::add);
    }
    all.stream().filter(f -> f.role() == null).forEach(sorted::add);
    return sorted;
  }

  @Transactional
  public MailFolder createFolder(MemberPrincipal actor, @Nullable String name) {
    ensureFolders(actor.tenantId(), actor.memberId());
    String n = folderName(actor, name, null);
    UUID id = ids.next();
    jdbc.sql(
            "INSERT INTO mail_folder (id, tenant_id, member_id, name, role, created_at,"
                + " uid_validity) VALUES (?, ?, ?, ?, NULL, ?, ?)")
        .params(id, actor.tenantId(), actor.memberId(), n, ts(clock.instant()), newUidValidity())
        .update();
    return new MailFolder(id, n, null, 0, 0);
  }

  @Transactional
  public MailFolder renameFolder(MemberPrincipal actor, UUID id, @Nullable String name) {
    MailFolder f = folder(actor, id);
    if (f.role() != null) {
      throw Problems.conflict("role-folder", "The standard folders cannot be renamed.");
    }
    String n = folderName(actor, name, id);
    jdbc.sql("UPDATE mail_folder SET name = ? WHERE tenant_id = ? AND member_id = ? AND id = ?")
        .params(n, actor.tenantId(), actor.memberId(), id)
        .update();
    return new MailFolder(id, n, null, f.unread(), f.total());
  }

  @Transactional
  public void deleteFolder(MemberPrincipal actor, UUID id) {
    MailFolder f = folder(actor, id);
    if (f.role() != null) {
      throw Problems.conflict("role-folder", "The standard folders cannot be deleted.");
    }
    if (f.total() > 0) {
      throw Problems.conflict("not-empty", "Move or delete the folder's messages first.");
    }
    jdbc.sql("DELETE FROM mail_folder WHERE tenant_id = ? AND member_id = ? AND id = ?")
        .params(actor.tenantId(), actor.memberId(), id)
        .update();
  }

  /** Deletes every message in the trash or junk folder for good; returns how many. */
  @Transactional
  public int empty(MemberPrincipal actor, UUID id) {
    MailFolder f = folder(actor, id);
    if (!"trash".equals(f.role()) && !"junk".equals(f.role())) {
      throw Problems.conflict("not-trash", "Only the trash and junk folders can be emptied.");
    }
    List<Row> rows =
        jdbc.sql(
                "SELECT * FROM mail_message WHERE tenant_id = ? AND member_id = ? AND folder_id = ?")
            .params(actor.tenantId(), actor.memberId(), id)
            .query(ROW)
            .list();
    rows.forEach(this::purge);
    return rows.size();
  }

  public MailFolder folder(MemberPrincipal actor, UUID id) {
    return folders(actor).stream()
        .filter(f -> f.id().equals(id))
        .findFirst()
        .orElseThrow(Problems::notFound);
  }

  /** The ID of a member's role folder, created on first use. */
  public UUID folderId(UUID tenantId, UUID memberId, String role) {
    // one query when the folder is there (every delivery asks for the inbox)
    Optional<UUID> id = roleFolder(tenantId, memberId, role);
    if (id.isPresent()) {
      return id.get();
    }
    ensureFolders(tenantId, memberId);
    return roleFolder(tenantId, memberId, role).orElseThrow();
  }

  private Optional<UUID> roleFolder(UUID tenantId, UUID memberId, String role) {
    return jdbc.sql("SELECT id FROM mail_folder WHERE tenant_id = ? AND member_id = ? AND role = ?")
        .params(tenantId, memberId, role)
        .query(UUID.class)
        .optional();
  }

  // --- reading ---------------------------------------------------------------------------------

  /** A page of a folder, newest first unless {@code sort=date}; {@code q} searches in it. */
  public MessagePage list(
      MemberPrincipal actor,
      UUID folderId,
      @Nullable String q,
      @Nullable String sort,
      int page,
      int size) {
    return list(actor, folderId, q, sort, page, size, null);
  }

  /** One column of a list's sort order. */
  private record SortKey(String column, boolean descending) {}

  /**
   * A page of a folder, newest first unless {@code sort=date}; {@code q} searches in it. With
   * {@code after} (the ID of the last message of the page before, in this folder) the page is the
   * {@code size} messages that follow it in the sort order, found by their sort key rather than by
   * counting {@code page * size} rows: a deep page costs what the first does. {@code page} is then
   * only echoed back.
   *
   * @throws dev.musubi.platform.web.ProblemException 422 {@code after} when it is not the ID of a
   *     message in this folder of the caller's, or is combined with {@code q}
   */
  public MessagePage list(
      MemberPrincipal actor,
      UUID folderId,
      @Nullable String q,
      @Nullable String sort,
      int page,
      int size,
      @Nullable String after) {
    PageResult.check(page, size, 200);
    MailFolder folder = folder(actor, folderId);
    if (q != null && !q.isBlank()) {
      if (after != null) {
        throw Problems.invalid("after", "with_q", "Search results are paged with page only.");
      }
      return search(actor, folderId, q, page, size);
    }
    // id last: the order is total, so a page can start right after a given message
    List<SortKey> keys =
        switch (sort == null ? "-date" : sort) {
          case "-date" -> List.of(new SortKey("sent_at", true), new SortKey("id", true));
          case "date" -> List.of(new SortKey("sent_at", false), new SortKey("id", false));
          case "-size" -> List.of(new SortKey("size", true), new SortKey("id", true));
          case "size" -> List.of(new SortKey("size", false), new SortKey("id", false));
          case "subject" ->
              List.of(
                  new SortKey("thread_subject", false),
                  new SortKey("sent_at", true),
                  new SortKey("id", true));
          case "from" ->
              List.of(
                  new SortKey("from_address", false),
                  new SortKey("sent_at", true),
                  new SortKey("id", true));
          default -> throw Problems.invalid("sort", "invalid", "Unknown sort order.");
        };
    // The columns the WHERE fixes come first: the same order, and H2 then sees that an index
    // starting with them gives it (mail_message_newest_idx for -date: the page reads its rows
    // only, not the folder's; H2 matches an index to ORDER BY from the index's first column).
    String order =
        "tenant_id, member_id, folder_id, "
            + String.join(
                ", ",
                keys.stream().map(k -> k.column() + (k.descending() ? " DESC" : " ASC")).toList());
    long total = folder.total();
    List<Object> params = new ArrayList<>(List.of(actor.tenantId(), actor.memberId(), folderId));
    String seek = "";
    if (after != null) {
      UUID anchor = Ids.parseOrNull(after);
      Map<String, Object> values = anchor == null ? null : anchor(actor, folderId, anchor, keys);
      if (values == null) {
        throw Problems.invalid("after", "unknown", "Not a message in this folder.");
      }
      seek = seek(keys, anchor, values, params);
    }
    params.add(size);
    // The page's IDs first, then its rows: ordering and skipping work on IDs and sort keys (from
    // the index alone for -date) instead of on whole rows with their cached IMAP structures; H2
    // kept every row of a large folder for a sort by sender and spilled them to disk.
    List<UUID> ids =
        jdbc.sql(
                "SELECT id FROM mail_message WHERE tenant_id = ? AND member_id = ? AND folder_id = ?"
                    + seek
                    + " ORDER BY "
                    + order
                    + " LIMIT ?"
                    + (after == null ? " OFFSET " + (long) page * size : ""))
            .params(params)
            .query(UUID.class)
            .list();
    List<MessageItem> items = ids.isEmpty() ? List.of() : items(actor, folderId, ids);
    return new MessagePage(items, page, size, total, 0);
  }

  /** The list items of the given messages of a folder, in the order of {@code ids}. */
  private List<MessageItem> items(MemberPrincipal actor, UUID folderId, List<UUID> ids) {
    List<Object> params = new ArrayList<>(List.of(actor.tenantId(), actor.memberId(), folderId));
    params.addAll(ids);
    Map<UUID, MessageItem> byId = new HashMap<>();
    jdbc.sql(
            "SELECT * FROM mail_message WHERE tenant_id = ? AND member_id = ? AND folder_id = ?"
                + " AND id IN ("
                + String.join(", ", Collections.nCopies(ids.size(), "?"))
                + ")")
        .params(params)
        .query(ROW)
        .list()
        .forEach(r -> byId.put(r.id(), r.item()));
    // a message moved away between the two reads is left out, as it would be a moment later
    return ids.stream().map(byId::get).filter(Objects::nonNull).toList();
  }

  /**
   * The sort-key values of message {@code id} as stored (column name to value), or null when it is
   * not a message in this folder of the caller's.
   */
  private @Nullable Map<String, Object> anchor(
      MemberPrincipal actor, UUID folderId, UUID id, List<SortKey> keys) {
    String columns = String.join(", ", keys.stream().map(SortKey::column).toList());
    return jdbc
        .sql(
            "SELECT "
                + columns
                + " FROM mail_message"
                + " WHERE tenant_id = ? AND member_id = ? AND folder_id = ? AND id = ?")
        .params(actor.tenantId(), actor.memberId(), folderId, id)
        .query()
        .listOfRows()
        .stream()
        .findFirst()
        .orElse(null);
  }

  /**
   * The condition "comes after message {@code anchor} in the order {@code keys}": a bound on the
   * first column (so the database can seek on it), then for some k the first k-1 columns equal the
   * anchor's and the k-th lies beyond it. The anchor's values are bound as read, so they compare
   * exactly as stored (read by sub-queries in the statement, H2 evaluated them row by row: two to
   * four times slower near the top of a 40,000-message folder); an empty value is read in the
   * statement.
   */
  private static String seek(
      List<SortKey> keys, UUID anchor, Map<String, Object> values, List<Object> params) {
    SortKey first = keys.getFirst();
    StringBuilder b = new StringBuilder(" AND ").append(first.column());
    b.append(first.descending() ? " <= " : " >= ")
        .append(anchorValue(first, anchor, values, params));
    List<String> alternatives = new ArrayList<>();
    for (int k = 0; k < keys.size(); k++) {
      List<String> terms = new ArrayList<>();
      for (int j = 0; j < k; j++) {
        terms.add(keys.get(j).column() + " = " + anchorValue(keys.get(j), anchor, values, params));
      }
      SortKey key = keys.get(k);
      terms.add(
          key.column()
              + (key.descending() ? " < " : " > ")
              + anchorValue(key, anchor, values, params));
      alternatives.add("(" + String.join(" AND ", terms) + ")");
    }
    return b.append(" AND (").append(String.join(" OR ", alternatives)).append(")").toString();
  }

  private static String anchorValue(
      SortKey key, UUID anchor, Map<String, Object> values, List<Object> params) {
    Object value = values.get(key.column());
    if (value != null) {
      params.add(value);
      return "?";
    }
    params.add(anchor);
    return "(SELECT a." + key.column() + " FROM mail_message a WHERE a.id = ?)";
  }

  /**
   * Searches every folder of the caller's mailbox (at most the 100 best hits, newest first). The
   * caller's messages still queued for the index are indexed first, newest first, for at most about
   * 1.5 s; {@link MessagePage#pending} says how many were left (they are missing from the hits
   * until the indexer reaches them).
   */
  public MessagePage search(
      MemberPrincipal actor, @Nullable UUID folderId, @Nullable String q, int page, int size) {
    PageResult.check(page, size, 200);
    if (q == null || q.isBlank()) {
      throw Problems.invalid("q", "required", "Required.");
    }
    if (q.length() > 200) {
      throw Problems.invalid("q", "too_long", "At most 200 characters.");
    }
    SearchIndex i = index.getIfAvailable();
    if (i == null) {
      return new MessagePage(List.of(), page, size, 0, 0);
    }
    // Messages stored a moment ago may still wait for the indexer's thread: index the caller's
    // now (newest first, at most 200 or about 1.5 s), and leave the rest to that thread.
    int pending = indexer.flushMailbox(actor.tenantId(), actor.memberId()).pending();
    var hits =
        i.search(
            new SearchQuery(
                actor.tenantId(),
                SEARCH_TYPE,
                q,
                Set.of(actor.memberId().toString()),
                null,
                null,
                null,
                100,
                false));
    List<UUID> idList = new ArrayList<>();
    for (var h : hits.hits()) {
      UUID id = Ids.parseOrNull(h.id());
      if (id != null) {
        idList.add(id);
      }
    }
    if (idList.isEmpty()) {
      return new MessagePage(List.of(), page, size, 0, pending);
    }
    List<Object> params = new ArrayList<>();
    params.add(actor.tenantId());
    params.add(actor.memberId());
    params.addAll(idList);
    String folderClause = "";
    if (folderId != null) {
      folderClause = " AND folder_id = ?";
      params.add(folderId);
    }
    List<MessageItem> all =
        jdbc
            .sql(
                "SELECT * FROM mail_message WHERE tenant_id = ? AND member_id = ? AND id IN ("
                    + String.join(", ", java.util.Collections.nCopies(idList.size(), "?"))
                    + ")"
                    + folderClause
                    + " ORDER BY sent_at DESC, id DESC")
            .params(params)
            .query(ROW)
            .list()
            .stream()
            .map(Row::item)
            .toList();
    int from = (int) Math.min((long) page * size, all.size());
    int to = Math.min(from + size, all.size());
    return new MessagePage(all.subList(from, to), page, size, all.size(), pending);
  }

  public MessageView get(MemberPrincipal actor, UUID id, boolean showImages) {
    Row r = row(actor, id);
    ParsedMail p;
    try (InputStream in = blobs.open(actor.tenantId(), r.blob())) {
      p = MimeParser.parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String html = p.html();
    HtmlSanitizer.Result clean = HtmlSanitizer.sanitize(html, showImages);
    return new MessageView(
        r.id(),
        r.folderId(),
        r.threadId(),
        r.from(),
        r.to(),
        decodeList(r.cc()),
        decodeList(r.bcc()),
        decodeList(r.replyTo()),
        r.subject(),
        r.date(),
        r.messageId(),
        r.inReplyTo(),
        r.refs().isEmpty() ? List.of() : Arrays.asList(r.refs().split(" ")),
        p.text().isEmpty() && !html.isEmpty() ? HtmlSanitizer.text(html) : p.text(),
        clean.html(),
        clean.remoteImagesBlocked(),
        p.attachments().stream()
            .map(a -> new MessageView.Attachment(a.part(), a.name(), a.contentType(), a.size()))
            .toList(),
        r.seen(),
        r.flagged(),
        r.answered(),
        r.draft(),
        new MessageView.Auth(r.spf(), r.dkim(), r.dmarc()),
        r.parseError());
  }

  /** The messages of the thread the message belongs to, oldest first. */
  public List<MessageItem> thread(MemberPrincipal actor, UUID id) {
    Row r = row(actor, id);
    return jdbc
        .sql(
            "SELECT * FROM mail_message WHERE tenant_id = ? AND member_id = ? AND thread_id = ?"
                + " ORDER BY sent_at, id")
        .params(actor.tenantId(), actor.memberId(), r.threadId())
        .query(ROW)
        .list()
        .stream()
        .map(Row::item)
        .toList();
  }

  /** The raw message; the caller closes the stream. */
  public InputStream raw(MemberPrincipal actor, UUID id) throws IOException {
    Row r = row(actor, id);
    return blobs.open(actor.tenantId(), r.blob());
  }

  /** One decoded attachment, or 404. */
  public MimeParser.Part attachment(MemberPrincipal actor, UUID id, String part)
      throws IOException {
    if (!part.matches("[0-9]{1,4}(\\.[0-9]{1,4}){0,20}")) {
      throw Problems.notFound();
    }
    Row r = row(actor, id);
    try (InputStream in = blobs.open(actor.tenantId(), r.blob())) {
      return MimeParser.part(in, part).orElseThrow(Problems::notFound);
    }
  }

  /** The blob and metadata of a message the caller owns (for forwarding and replies). */
  public Stored stored(MemberPrincipal actor, UUID id) {
    Row r = row(actor, id);
    return new Stored(r.id(), r.blob(), r.messageId(), r.refs(), r.subject(), r.folderId());
  }

  /** What the sending side needs of a stored message. */
  public record Stored(
      UUID id,
      String blobSha256,
      String messageId,
      String references,
      String subject,
      UUID folderId) {}

  // --- changing --------------------------------------------------------------------------------

  @Transactional
  public MessageItem update(
      MemberPrincipal actor,
      UUID id,
      @Nullable Boolean seen,
      @Nullable Boolean flagged,
      @Nullable UUID folderId) {
    Row r = row(actor, id);
    if (folderId != null) {
      folder(actor, folderId);
    }
    if (seen != null || flagged != null) {
      long modseq = nextModseq(r.folderId());
      Counted now = lockCounted(actor.tenantId(), id);
      boolean wasSeen = now == null ? r.seen() : now.seen();
      boolean isSeen = seen == null ? wasSeen : seen;
      jdbc.sql(
              "UPDATE mail_message SET seen = ?, flagged = ?, modseq = ?"
                  + " WHERE tenant_id = ? AND member_id = ? AND id = ?")
          .params(
              isSeen,
              flagged == null ? r.flagged() : flagged,
              modseq,
              actor.tenantId(),
              actor.memberId(),
              id)
          .update();
      if (now != null && wasSeen != isSeen) {
        count(now.folderId(), 0, isSeen ? -1 : 1);
      }
    }
    if (folderId != null && !folderId.equals(r.folderId())) {
      moveRow(actor.tenantId(), r.folderId(), id, folderId);
    }
    changed(actor.tenantId(), actor.memberId());
    return row(actor, id).item();
  }

  /** Moves the message to the trash, or deletes it for good when it is already there. */
  @Transactional
  public void delete(MemberPrincipal actor, UUID id) {
    Row r = row(actor, id);
    UUID trash = folderId(actor.tenantId(), actor.memberId(), "trash");
    if (r.folderId().equals(trash)) {
      purge(r);
    } else {
      moveRow(actor.tenantId(), r.folderId(), id, trash);
      changed(actor.tenantId(), actor.memberId());
    }
  }

  /** Marks the message as answered (after a reply was sent). */
  @Transactional
  public void markAnswered(MemberPrincipal actor, UUID id) {
    jdbc.sql("SELECT folder_id FROM mail_message WHERE tenant_id = ? AND member_id = ? AND id = ?")
        .params(actor.tenantId(), actor.memberId(), id)
        .query(UUID.class)
        .optional()
        .ifPresent(
            folder -> {
              jdbc.sql(
                      "UPDATE mail_message SET answered = TRUE, modseq = ?"
                          + " WHERE tenant_id = ? AND member_id = ? AND id = ?")
                  .params(nextModseq(folder), actor.tenantId(), actor.memberId(), id)
                  .update();
              changed(actor.tenantId(), actor.memberId());
            });
  }

  /**
   * Deletes a stored message for good on the company's behalf (retention, erasure of a purged
   * member): the row, its blob reference and its search entry. Nothing happens for an unknown ID.
   */
  @Transactional
  public void purgeStored(UUID tenantId, UUID id) {
    jdbc.sql("SELECT * FROM mail_message WHERE tenant_id = ? AND id = ?")
        .params(tenantId, id)
        .query(ROW)
        .optional()
        .ifPresent(this::purge);
  }

  /** Deletes a message for good (a draft replaced, a message purged). */
  @Transactional
  public void purge(MemberPrincipal actor, UUID id) {
    purge(row(actor, id));
  }

  /** Bytes the member's mailbox holds (kept with every store and purge, not added up). */
  public long used(UUID tenantId, UUID memberId) {
    return jdbc.sql(
            "SELECT used_bytes FROM mail_mailbox_usage WHERE tenant_id = ? AND member_id = ?")
        .params(tenantId, memberId)
        .query(Long.class)
        .optional()
        .orElse(0L);
  }

  private void addUsage(UUID tenantId, UUID memberId, long bytes) {
    int n =
        jdbc.sql(
                "UPDATE mail_mailbox_usage SET used_bytes = used_bytes + ?"
                    + " WHERE tenant_id = ? AND member_id = ?")
            .params(bytes, tenantId, memberId)
            .update();
    if (n == 0) {
      // The member's first message: a concurrent first one inserts nothing and adds instead.
      n =
          jdbc.sql(
                  "INSERT INTO mail_mailbox_usage (tenant_id, member_id, used_bytes)"
                      + " VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
              .params(tenantId, memberId, bytes)
              .update();
      if (n == 0) {
        addUsage(tenantId, memberId, bytes);
      }
    }
  }

  /**
   * Stores a message whose blob is already durable, in the caller's transaction; the search index
   * follows after commit. Returns the new message's ID.
   */
  @Transactional
  public UUID store(NewMessage m) {
    return store(m, folderId(m.tenantId(), m.memberId(), m.folderRole()), false, false, false, null)
        .id();
  }

  /**
   * As {@link #store(NewMessage)}, keeping with the message what IMAP FETCH answers about its
   * structure (worked out by the caller once per raw message), so that FETCH need not read it.
   */
  @Transactional
  public UUID store(NewMessage m, ImapSummary summary) {
    return store(
            m, folderId(m.tenantId(), m.memberId(), m.folderRole()), false, false, false, summary)
        .id();
  }

  private Stored1 store(
      NewMessage m,
      UUID folderToUse,
      boolean flaggedAtStart,
      boolean answered,
      boolean deleted,
      @Nullable ImapSummary summary) {
    ParsedMail p = m.parsed();
    UUID folder = folderToUse;
    boolean flagged = flaggedAtStart;
    boolean seen = m.seen();
    if (m.folderRole().equals("inbox") && !m.draft()) {
      Optional<MailRule> rule = firstMatch(m.tenantId(), m.memberId(), p);
      if (rule.isPresent()) {
        switch (rule.get().action()) {
          case "move" -> folder = rule.get().folderId() == null ? folder : rule.get().folderId();
          case "flag" -> flagged = true;
          case "read" -> seen = true;
          default -> {}
        }
      }
    }
    UUID id = ids.next();
    references.add(m.tenantId(), m.blob().sha256(), "mail.message:" + id);
    UUID thread = thread(m.tenantId(), m.memberId(), p).orElse(id);
    String preview = preview(p);
    Instant date = p.date() == null ? m.receivedAt() : p.date();
    String threadSubject = threadSubject(p.subject());
    long[] uid = nextUid(folder, 1, seen ? 0 : 1);
    jdbc.sql(
            "INSERT INTO mail_message (id, tenant_id, member_id, folder_id, thread_id, blob_sha256,"
                + " size, message_id, in_reply_to, refs, subject, thread_subject, from_name,"
                + " from_address, to_json, cc_json, bcc_json, reply_to_json, preview, sent_at,"
                + " received_at, seen, flagged, answered, draft, has_attachments, spf, dkim, dmarc,"
                + " parse_error, log_id, uid, modseq, deleted, subject_folded, imap_envelope, imap_body,"
                + " imap_bodystructure) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            id,
            m.tenantId(),
            m.memberId(),
            folder,
            thread,
            m.blob().sha256(),
            m.blob().size(),
            clip(p.messageId(), 1000),
            clip(p.inReplyTo(), 1000),
            clip(String.join(" ", p.references()), 8000),
            clip(p.subject(), 2000),
            clip(threadSubject, 500),
            p.from() == null || p.from().name() == null ? "" : clip(p.from().name(), 500),
            p.from() == null ? "" : clip(p.from().address(), 320),
            encodeList(p.to(), 20000),
            encodeList(p.cc(), 20000),
            encodeList(p.bcc(), 20000),
            encodeList(p.replyTo(), 4000),
            preview,
            ts(date),
            ts(m.receivedAt()),
            seen,
            flagged,
            answered,
            m.draft(),
            !p.attachments().isEmpty(),
            clip(m.auth().spf(), 20),
            clip(m.auth().dkim(), 20),
            clip(m.auth().dmarc(), 20),
            clip(p.parseError(), 500),
            m.logId(),
            uid[0],
            uid[1],
            deleted,
            subjectFolded(clip(p.subject(), 2000)),
            summary == null ? null : summary.envelope(),
            summary == null ? null : summary.body(),
            summary == null ? null : summary.bodyStructure())
        .update();
    storeRefs(m.tenantId(), m.memberId(), id, p);
    addUsage(m.tenantId(), m.memberId(), m.blob().size());
    SearchDocument doc =
        new SearchDocument(
            m.tenantId(),
            SEARCH_TYPE,
            id.toString(),
            m.memberId().toString(),
            "",
            date,
            searchText(p));
    // Indexed after commit by the indexer's thread; the row makes that survive a crash.
    indexer.pending(m.tenantId(), doc);
    if (m.folderRole().equals("inbox")
        && !m.draft()
        && p.attachments().stream().anyMatch(a -> a.contentType().equals("text/calendar"))) {
      events.publishEvent(new MailReceived(m.tenantId(), m.memberId(), id));
    }
    changed(m.tenantId(), m.memberId());
    return new Stored1(id, folder, uid[0]);
  }

  private record Stored1(UUID id, UUID folderId, long uid) {}

  // ---------------------------------------------------------------------------------------------

  // --- IMAP ------------------------------------------------------------------------------------

  /**
   * A folder as IMAP sees it (RFC 3501 §2.3.1.1 UIDs, RFC 7162 mod-sequences).
   *
   * @param role the role folder's role, or null for a custom folder
   */
  public record ImapFolder(
      UUID id,
      String name,
      @Nullable String role,
      boolean subscribed,
      long uidValidity,
      long uidNext,
      long highestModseq,
      long messages,
      long unseen) {}

  /** A message's IMAP state and the stored header fields that SEARCH may match without the body. */
  public record ImapMessage(
      UUID id,
      long uid,
      long modseq,
      long size,
      Instant internalDate,
      Instant sentDate,
      boolean seen,
      boolean answered,
      boolean flagged,
      boolean deleted,
      boolean draft,
      String subject,
      String from,
      String to,
      String cc,
      String bcc,
      String blob,
      @Nullable ImapSummary summary,
      List<String> keywords) {

    /** Whether the message carries the keyword (keywords compare without regard to case). */
    public boolean hasKeyword(String keyword) {
      return keywords.stream().anyMatch(k -> k.equalsIgnoreCase(keyword));
    }
  }

  /**
   * What SEARCH can leave to the database (RFC 3501 §6.4.4): messages must have every subject text,
   * every set flag and no unset flag named here. Texts are compared after NFKC and lower-casing;
   * the caller still checks each candidate with the full search key.
   *
   * @param subjects texts the subject must contain, folded
   * @param set flags (from {@link #IMAP_FLAGS}) that must be set
   * @param unset flags that must not be set
   */
  public record ImapFilter(List<String> subjects, Set<String> set, Set<String> unset) {

    /** No condition: every message. */
    public static ImapFilter none() {
      return new ImapFilter(List.of(), Set.of(), Set.of());
    }
  }

  /** How STORE changes flags (RFC 3501 §6.4.6). */
  public enum FlagChange {
    REPLACE,
    ADD,
    REMOVE
  }

  /** The system flags the store keeps (lower case, without the backslash). */
  public static final Set<String> IMAP_FLAGS =
      Set.of("seen", "answered", "flagged", "deleted", "draft");

  /**
   * What STORE did: the messages changed, and the UIDs left alone because they changed after the
   * client's UNCHANGEDSINCE (RFC 7162 §3.1.3).
   */
  public record ImapStoreResult(List<ImapMessage> changed, List<Long> modified) {}

  /** The UIDPLUS answer to COPY, MOVE (RFC 4315 COPYUID) and APPEND (APPENDUID). */
  public record ImapCopyResult(long uidValidity, List<Long> sourceUids, List<Long> targetUids) {}

  /** Every folder of the caller with its IMAP state, role folders first. */
  public List<ImapFolder> imapFolders(MemberPrincipal actor) {
    // the counts are kept with every change (count), not counted
    return imapFolderRows(actor, "f.message_count AS total, f.unseen_count AS unseen");
  }

  /**
   * Every folder of the caller as {@link #imapFolders} gives them but without counting messages:
   * {@code messages} and {@code unseen} are -1. For looking folders up by name and for LIST.
   */
  public List<ImapFolder> imapFolderNames(MemberPrincipal actor) {
    return imapFolderRows(actor, "-1 AS total, -1 AS unseen");
  }

  private List<ImapFolder> imapFolderRows(MemberPrincipal actor, String counts) {
    ensureFolders(actor.tenantId(), actor.memberId());
    List<ImapFolder> all =
        jdbc.sql(
                "SELECT f.id, f.name, f.role, f.subscribed, f.uid_validity, f.uid_next,"
                    + " f.highest_modseq, "
                    + counts
                    + " FROM mail_folder f WHERE f.tenant_id = ? AND f.member_id = ?"
                    + " ORDER BY f.name")
            .params(actor.tenantId(), actor.memberId())
            .query(
                (rs, n) ->
                    new ImapFolder(
                        rs.getObject("id", UUID.class),
                        rs.getString("name"),
                        rs.getString("role"),
                        rs.getBoolean("subscribed"),
                        rs.getLong("uid_validity"),
                        rs.getLong("uid_next"),
                        rs.getLong("highest_modseq"),
                        rs.getLong("total"),
                        rs.getLong("unseen")))
            .list();
    List<ImapFolder> sorted = new ArrayList<>();
    for (String role : ROLES) {
      all.stream().filter(f -> role.equals(f.role())).forEach(sorted::add);
    }
    all.stream().filter(f -> f.role() == null).forEach(sorted::add);
    return sorted;
  }

  /** One folder of the caller with its counts, or empty. */
  public Optional<ImapFolder> imapFolder(MemberPrincipal actor, UUID folderId) {
    return jdbc.sql(
            "SELECT f.id, f.name, f.role, f.subscribed, f.uid_validity, f.uid_next,"
                + " f.highest_modseq, f.message_count AS total, f.unseen_count AS unseen"
                + " FROM mail_folder f WHERE f.tenant_id = ? AND f.member_id = ? AND f.id = ?")
        .params(actor.tenantId(), actor.memberId(), folderId)
        .query(
            (rs, n) ->
                new ImapFolder(
                    rs.getObject("id", UUID.class),
                    rs.getString("name"),
                    rs.getString("role"),
                    rs.getBoolean("subscribed"),
                    rs.getLong("uid_validity"),
                    rs.getLong("uid_next"),
                    rs.getLong("highest_modseq"),
                    rs.getLong("total"),
                    rs.getLong("unseen")))
        .optional();
  }

  /** A folder's size in octets and its messages marked \Deleted (STATUS SIZE and DELETED). */
  public record ImapFolderTotals(long size, long deleted) {}

  /**
   * The sum of the sizes of a folder's messages and how many are marked deleted (RFC 9051 STATUS
   * SIZE and DELETED); zeros for another member's folder. Read from the messages, not kept.
   */
  public ImapFolderTotals imapFolderTotals(MemberPrincipal actor, UUID folderId) {
    return jdbc.sql(
            "SELECT COALESCE(SUM(size), 0), COALESCE(SUM(CASE WHEN deleted THEN 1 ELSE 0 END), 0)"
                + " FROM mail_message WHERE tenant_id = ? AND member_id = ? AND folder_id = ?")
        .params(actor.tenantId(), actor.memberId(), folderId)
        .query((rs, n) -> new ImapFolderTotals(rs.getLong(1), rs.getLong(2)))
        .single();
  }

  /**
   * The folder's highest mod-sequence, or empty when it is not the caller's (any more). Every
   * change to a folder's messages raises it, so a session that knows it knows nothing changed.
   */
  public Optional<Long> imapHighestModseq(MemberPrincipal actor, UUID folderId) {
    return jdbc.sql(
            "SELECT highest_modseq FROM mail_folder WHERE tenant_id = ? AND member_id = ? AND id = ?")
        .params(actor.tenantId(), actor.memberId(), folderId)
        .query(Long.class)
        .optional();
  }

  /** Marks a folder subscribed or not (RFC 3501 §6.3.6); 404 for another member's folder. */
  @Transactional
  public void imapSubscribe(MemberPrincipal actor, UUID folderId, boolean subscribed) {
    int n =
        jdbc.sql(
                "UPDATE mail_folder SET subscribed = ? WHERE tenant_id = ? AND member_id = ? AND id = ?")
            .params(subscribed, actor.tenantId(), actor.memberId(), folderId)
            .update();
    if (n == 0) {
      throw Problems.notFound();
    }
  }

  /**
   * Every UID in the folder, ascending (the IMAP sequence numbers are their positions); empty for
   * another member's folder. The array is shared between sessions: callers must not change it.
   */
  public long[] imapUids(MemberPrincipal actor, UUID folderId) {
    Optional<Long> modseq = imapHighestModseq(actor, folderId);
    if (modseq.isEmpty()) {
      return new long[0];
    }
    // Every change to the folder's messages raises its highest mod-sequence (read before the UIDs:
    // a list cached under it is never older than it), so sessions selecting an unchanged folder
    // share one list instead of each reading every UID.
    UidList cached = uidLists.get(folderId);
    if (cached != null && cached.modseq() == modseq.get()) {
      return cached.uids();
    }
    long[] uids = cached == null ? null : extended(actor, folderId, cached, modseq.get());
    if (uids == null) {
      var out = new LongList();
      jdbc.sql(
              "SELECT uid FROM mail_message WHERE tenant_id = ? AND member_id = ? AND folder_id = ?"
                  + " ORDER BY uid")
          .params(actor.tenantId(), actor.memberId(), folderId)
          .query(
              rs -> {
                out.add(rs.getLong(1));
              });
      uids = out.toArray();
    }
    if (uidLists.size() >= MAX_UID_LISTS) {
      uidLists.clear();
    }
    uidLists.put(folderId, new UidList(modseq.get(), uids));
    return uids;
  }

  /**
   * The folder's UID list at {@code modseq} made from an older one and the UIDs added since, when
   * no message of the older list has gone; null when one may have (the caller reads them all).
   * Every change raises the folder's highest mod-sequence by one in the transaction that makes it
   * (an arrival by {@code nextUid}, a flag change, expunge or move away by {@code nextModseq}), so:
   * as many new UIDs as steps means every step was an arrival; otherwise the folder's kept message
   * count tells whether any message went. Both are read between two reads of the mod-sequence,
   * which must still be {@code modseq}: no change committed meanwhile. The kept count may stand in
   * for counting the rows because every statement that adds or removes a folder's message (store,
   * copy, move, purge) changes it in the transaction that raises that folder's mod-sequence.
   */
  private long @Nullable [] extended(
      MemberPrincipal actor, UUID folderId, UidList older, long modseq) {
    if (older.modseq() > modseq) {
      return null;
    }
    long last = older.uids().length == 0 ? 0 : older.uids()[older.uids().length - 1];
    var added = new LongList();
    jdbc.sql(
            "SELECT uid FROM mail_message WHERE tenant_id = ? AND member_id = ? AND folder_id = ?"
                + " AND uid > ? ORDER BY uid")
        .params(actor.tenantId(), actor.memberId(), folderId, last)
        .query(
            rs -> {
              added.add(rs.getLong(1));
            });
    long[] more = added.toArray();
    boolean noneGone =
        more.length == modseq - older.modseq()
            || jdbc.sql(
                        "SELECT message_count FROM mail_folder WHERE tenant_id = ? AND member_id = ?"
                            + " AND id = ?")
                    .params(actor.tenantId(), actor.memberId(), folderId)
                    .query(Long.class)
                    .optional()
                    .orElse(-1L)
                == older.uids().length + more.length;
    if (!noneGone || !imapHighestModseq(actor, folderId).equals(Optional.of(modseq))) {
      return null;
    }
    long[] uids = Arrays.copyOf(older.uids(), older.uids().length + more.length);
    System.arraycopy(more, 0, uids, older.uids().length, more.length);
    return uids;
  }

  /** Folders whose UID lists are kept in memory at most (a list of 100,000 UIDs is 800 KB). */
  private static final int MAX_UID_LISTS = 64;

  private record UidList(long modseq, long[] uids) {}

  private final Map<UUID, UidList> uidLists = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * The messages with UIDs from {@code fromUid} to {@code toUid} (inclusive), ascending, at most
   * {@code limit} of them: callers page through large folders instead of loading them.
   */
  public List<ImapMessage> imapMessages(
      MemberPrincipal actor, UUID folderId, long fromUid, long toUid, int limit) {
    return imapMessages(actor, folderId, fromUid, toUid, limit, false);
  }

  /**
   * As {@link #imapMessages(MemberPrincipal, UUID, long, long, int)}, with the stored {@link
   * ImapSummary} of each message when {@code withSummary} (null for messages stored before it was
   * kept: see {@link #imapSaveSummaries}).
   */
  public List<ImapMessage> imapMessages(
      MemberPrincipal actor,
      UUID folderId,
      long fromUid,
      long toUid,
      int limit,
      boolean withSummary) {
    return jdbc.sql(
            "SELECT "
                + (withSummary ? IMAP_SUMMARY_COLUMNS : IMAP_COLUMNS)
                + " FROM mail_message WHERE tenant_id = ? AND member_id = ? AND folder_id = ?"
                + " AND uid >= ? AND uid <= ? ORDER BY uid LIMIT ?")
        .params(actor.tenantId(), actor.memberId(), folderId, fromUid, toUid, limit)
        .query(withSummary ? IMAP_SUMMARY_ROW : IMAP_ROW)
        .list();
  }

  /**
   * The messages with UIDs above {@code afterUid} up to {@code toUid} that pass the filter,
   * ascending, at most {@code limit} of them (SEARCH pages through a folder with this). Subjects
   * stored before they were kept folded are folded here and kept.
   */
  @Transactional
  public List<ImapMessage> imapSearch(
      MemberPrincipal actor,
      UUID folderId,
      long afterUid,
      long toUid,
      int limit,
      ImapFilter filter) {
    if (filter.subjects().isEmpty() && filter.set().isEmpty() && filter.unset().isEmpty()) {
      return imapMessages(actor, folderId, afterUid + 1, toUid, limit);
    }
    Candidates found = candidates(actor, folderId, afterUid, toUid, limit, filter);
    List<Long> candidates = found.uids();
    Set<Long> unfolded = found.unfolded();
    List<ImapMessage> out = new ArrayList<>(candidates.size());
    for (List<Long> chunk : chunks(candidates)) {
      out.addAll(byUids(actor, folderId, chunk));
    }
    for (ImapMessage m : out) {
      String folded = unfolded.contains(m.uid()) ? subjectFolded(m.subject()) : null;
      if (folded != null) {
        jdbc.sql("UPDATE mail_message SET subject_folded = ? WHERE tenant_id = ? AND id = ?")
            .params(folded, actor.tenantId(), m.id())
            .update();
      }
    }
    return out;
  }

  /** Candidates of a SEARCH window, and those among them whose subject is not kept folded. */
  private record Candidates(List<Long> uids, Set<Long> unfolded) {}

  private Candidates candidates(
      MemberPrincipal actor,
      UUID folderId,
      long afterUid,
      long toUid,
      int limit,
      ImapFilter filter) {
    // First the candidates' UIDs, from the search index alone (every column named here is in
    // mail_message_imap_search_idx, V76), then only their rows: reading every row of the window
    // to test its subject read the stored summaries and response texts of each message too.
    StringBuilder sql =
        new StringBuilder(
            "SELECT uid, CASE WHEN subject_folded IS NULL THEN 1 ELSE 0 END AS unfolded"
                + " FROM mail_message WHERE tenant_id = ? AND member_id = ?"
                + " AND folder_id = ? AND uid > ? AND uid <= ?");
    List<Object> params = new ArrayList<>(List.of(actor.tenantId(), actor.memberId(), folderId));
    params.add(afterUid);
    params.add(toUid);
    for (String flag : filter.set()) {
      sql.append(" AND ").append(flagColumn(flag)).append(" = TRUE");
    }
    for (String flag : filter.unset()) {
      sql.append(" AND ").append(flagColumn(flag)).append(" = FALSE");
    }
    for (String subject : filter.subjects()) {
      // Rows whose folded subject is not kept yet (or too long to keep) are checked by the caller.
      sql.append(" AND (subject_folded IS NULL OR subject_folded LIKE ? ESCAPE '\\')");
      params.add(Jdbc.likeContains(subject));
    }
    sql.append(" ORDER BY uid LIMIT ?");
    params.add(limit);
    List<Long> candidates = new ArrayList<>();
    Set<Long> unfolded = new HashSet<>();
    jdbc.sql(sql.toString())
        .params(params)
        .query(
            rs -> {
              long uid = rs.getLong(1);
              candidates.add(uid);
              if (rs.getInt(2) == 1) {
                unfolded.add(uid);
              }
            });
    return new Candidates(candidates, unfolded);
  }

  /**
   * For a SEARCH that is the filter and nothing more (subject texts and flags, RFC 3501 §6.4.4):
   * the UIDs above {@code afterUid} up to {@code toUid} that pass it, ascending, from the search
   * index alone (V76) wherever the folded subject is kept, which compares as the caller would
   * (NFKC, lower case, contains). Only messages whose subject is not kept folded are read, checked
   * here and their folded subject kept.
   */
  @Transactional
  public long[] imapSearchUids(
      MemberPrincipal actor, UUID folderId, long afterUid, long toUid, ImapFilter filter) {
    int limit = (int) Math.min(Integer.MAX_VALUE, Math.max(0, toUid - afterUid));
    Candidates found = candidates(actor, folderId, afterUid, toUid, limit, filter);
    Set<Long> matching = new java.util.TreeSet<>(found.uids());
    matching.removeAll(found.unfolded());
    for (List<Long> chunk : chunks(new ArrayList<>(found.unfolded()))) {
      for (ImapMessage m : byUids(actor, folderId, chunk)) {
        String folded = fold(m.subject());
        if (filter.subjects().stream().allMatch(folded::contains)) {
          matching.add(m.uid());
        }
        String kept = subjectFolded(m.subject());
        if (kept != null) {
          jdbc.sql("UPDATE mail_message SET subject_folded = ? WHERE tenant_id = ? AND id = ?")
              .params(kept, actor.tenantId(), m.id())
              .update();
        }
      }
    }
    return matching.stream().mapToLong(Long::longValue).toArray();
  }

  private static String flagColumn(String flag) {
    if (!IMAP_FLAGS.contains(flag)) {
      throw new IllegalArgumentException("Unknown flag " + flag);
    }
    return flag;
  }

  /**
   * Keeps the IMAP summaries of messages stored before they were kept (or whose summary was lost),
   * worked out by the caller from the messages it read anyway. Another member's IDs change nothing.
   */
  @Transactional
  public void imapSaveSummaries(MemberPrincipal actor, Map<UUID, ImapSummary> summaries) {
    summaries.forEach(
        (id, summary) ->
            jdbc.sql(
                    "UPDATE mail_message SET imap_envelope = ?, imap_body = ?,"
                        + " imap_bodystructure = ? WHERE tenant_id = ? AND member_id = ? AND id = ?")
                .params(
                    summary.envelope(),
                    summary.body(),
                    summary.bodyStructure(),
                    actor.tenantId(),
                    actor.memberId(),
                    id)
                .update());
  }

  /**
   * The raw message of an {@link ImapMessage} this store gave the caller; the caller closes the
   * stream.
   */
  public InputStream imapRaw(MemberPrincipal actor, ImapMessage message) throws IOException {
    return blobs.open(actor.tenantId(), message.blob());
  }

  /**
   * For reading the raw messages of many {@link ImapMessage}s this store gave the caller (FETCH
   * BODY[] of a range): their blobs are looked up at once instead of one by one.
   */
  public ImapRawReader imapRawReader(MemberPrincipal actor, List<ImapMessage> messages) {
    BlobStore.Reader reader =
        blobs.reader(actor.tenantId(), messages.stream().map(ImapMessage::blob).toList());
    return message -> reader.open(message.blob());
  }

  /** Opens raw messages; the caller closes each stream. See {@link #imapRawReader}. */
  @FunctionalInterface
  public interface ImapRawReader {
    InputStream open(ImapMessage message) throws IOException;
  }

  /** Messages whose flags changed after {@code modseq} (for IDLE and CONDSTORE), ascending. */
  public List<ImapMessage> imapChangedSince(MemberPrincipal actor, UUID folderId, long modseq) {
    return imapChangedSince(actor, folderId, modseq, Long.MAX_VALUE);
  }

  /**
   * As {@link #imapChangedSince(MemberPrincipal, UUID, long)}, only messages with UIDs up to {@code
   * maxUid} (those a session knows; it learns of newer ones by EXISTS), from the earliest 10,000
   * changes. Found by the folder's mod-sequence index (V79_5), not by reading the folder; the UID
   * bound is applied here, not in the query, where H2 would take it for a range of the folder's UID
   * index and read every row up to it.
   */
  public List<ImapMessage> imapChangedSince(
      MemberPrincipal actor, UUID folderId, long modseq, long maxUid) {
    List<ImapMessage> changed = new ArrayList<>();
    jdbc
        .sql(
            "SELECT "
                + IMAP_COLUMNS
                + " FROM mail_message WHERE tenant_id = ? AND member_id = ? AND folder_id = ?"
                + " AND modseq > ? ORDER BY modseq LIMIT 10000")
        .params(actor.tenantId(), actor.memberId(), folderId, modseq)
        .query(IMAP_ROW)
        .list()
        .stream()
        .filter(m -> m.uid() <= maxUid)
        .forEach(changed::add);
    changed.sort(java.util.Comparator.comparingLong(ImapMessage::uid));
    return changed;
  }

  /**
   * Changes the flags of the given messages (unknown UIDs are skipped).
   *
   * @param flags lower-case names from {@link #IMAP_FLAGS}
   * @param unchangedSince when not null, messages changed after it are left alone and reported
   */
  @Transactional
  public ImapStoreResult imapStore(
      MemberPrincipal actor,
      UUID folderId,
      List<Long> uids,
      FlagChange change,
      Set<String> flags,
      @Nullable Long unchangedSince) {
    return imapStore(actor, folderId, uids, change, flags, Set.of(), unchangedSince);
  }

  /**
   * Changes the flags and keywords of the given messages (unknown UIDs are skipped); keywords
   * compare without regard to case and keep the case first used.
   *
   * @throws IllegalArgumentException when a message would carry more than {@link #MAX_KEYWORDS}
   */
  @Transactional
  public ImapStoreResult imapStore(
      MemberPrincipal actor,
      UUID folderId,
      List<Long> uids,
      FlagChange change,
      Set<String> flags,
      Set<String> keywords,
      @Nullable Long unchangedSince) {
    requireFolder(actor, folderId);
    List<ImapMessage> changed = new ArrayList<>();
    List<Long> modified = new ArrayList<>();
    for (List<Long> chunk : chunks(uids)) {
      for (ImapMessage m : byUids(actor, folderId, chunk)) {
        if (unchangedSince != null && m.modseq() > unchangedSince) {
          modified.add(m.uid());
          continue;
        }
        boolean seen = apply(change, flags, "seen", m.seen());
        boolean answered = apply(change, flags, "answered", m.answered());
        boolean flagged = apply(change, flags, "flagged", m.flagged());
        boolean deleted = apply(change, flags, "deleted", m.deleted());
        boolean draft = apply(change, flags, "draft", m.draft());
        List<String> words = applyKeywords(change, keywords, m.keywords());
        if (seen == m.seen()
            && answered == m.answered()
            && flagged == m.flagged()
            && deleted == m.deleted()
            && draft == m.draft()
            && words.equals(m.keywords())) {
          changed.add(m);
          continue;
        }
        long modseq = nextModseq(folderId);
        Counted now = lockCounted(actor.tenantId(), m.id());
        if (now != null && now.seen() != seen) {
          count(now.folderId(), 0, seen ? -1 : 1);
        }
        jdbc.sql(
                "UPDATE mail_message SET seen = ?, answered = ?, flagged = ?, deleted = ?, draft = ?,"
                    + " keywords = ?, modseq = ? WHERE tenant_id = ? AND id = ?")
            .params(
                seen,
                answered,
                flagged,
                deleted,
                draft,
                String.join(" ", words),
                modseq,
                actor.tenantId(),
                m.id())
            .update();
        changed.add(
            new ImapMessage(
                m.id(),
                m.uid(),
                modseq,
                m.size(),
                m.internalDate(),
                m.sentDate(),
                seen,
                answered,
                flagged,
                deleted,
                draft,
                m.subject(),
                m.from(),
                m.to(),
                m.cc(),
                m.bcc(),
                m.blob(),
                m.summary(),
                words));
      }
    }
    changed(actor.tenantId(), actor.memberId());
    return new ImapStoreResult(changed, modified);
  }

  /**
   * Deletes for good the messages marked deleted (only those among {@code uids} when given, RFC
   * 4315 UID EXPUNGE); returns their UIDs, ascending.
   */
  @Transactional
  public List<Long> imapExpunge(MemberPrincipal actor, UUID folderId, @Nullable List<Long> uids) {
    requireFolder(actor, folderId);
    List<Row> rows =
        jdbc.sql(
                "SELECT * FROM mail_message WHERE tenant_id = ? AND member_id = ? AND folder_id = ?"
                    + " AND deleted ORDER BY uid")
            .params(actor.tenantId(), actor.memberId(), folderId)
            .query(ROW)
            .list();
    Set<Long> only = uids == null ? null : new java.util.HashSet<>(uids);
    List<Long> gone = new ArrayList<>();
    for (Row r : rows) {
      long uid =
          jdbc.sql("SELECT uid FROM mail_message WHERE tenant_id = ? AND id = ?")
              .params(r.tenantId(), r.id())
              .query(Long.class)
              .single();
      if (only == null || only.contains(uid)) {
        purge(r);
        gone.add(uid);
      }
    }
    return gone;
  }

  /**
   * Copies (or moves) messages to another of the caller's folders; each gets the target's next UID.
   * Unknown UIDs are skipped. Moving keeps the message's ID (webmail links stay valid).
   */
  @Transactional
  public ImapCopyResult imapCopy(
      MemberPrincipal actor, UUID folderId, List<Long> uids, UUID targetId, boolean move) {
    requireFolder(actor, folderId);
    requireFolder(actor, targetId);
    List<Long> from = new ArrayList<>();
    List<Long> to = new ArrayList<>();
    for (List<Long> chunk : chunks(uids)) {
      for (ImapMessage m : byUids(actor, folderId, chunk)) {
        long newUid;
        if (move) {
          newUid = moveRow(actor.tenantId(), folderId, m.id(), targetId);
        } else {
          if (used(actor.tenantId(), actor.memberId()) + m.size()
              > domains.policy(actor.tenantId()).mailboxQuotaBytes()) {
            throw Problems.conflict("quota", "The mailbox is full.");
          }
          newUid = copyRow(actor.tenantId(), m.id(), targetId);
        }
        from.add(m.uid());
        to.add(newUid);
      }
    }
    changed(actor.tenantId(), actor.memberId());
    long validity =
        jdbc.sql("SELECT uid_validity FROM mail_folder WHERE id = ?")
            .params(targetId)
            .query(Long.class)
            .single();
    return new ImapCopyResult(validity, from, to);
  }

  /**
   * Stores a message a client uploads (RFC 3501 §6.3.11 APPEND) in the caller's folder, with flags
   * and internal date; refuses it beyond the company's message size or the quota (409).
   */
  public ImapCopyResult imapAppend(
      MemberPrincipal actor,
      UUID folderId,
      byte[] message,
      Set<String> flags,
      @Nullable Instant internalDate)
      throws IOException {
    return imapAppend(actor, folderId, message, flags, Set.of(), internalDate);
  }

  /** APPEND with keywords as well as flags. */
  public ImapCopyResult imapAppend(
      MemberPrincipal actor,
      UUID folderId,
      byte[] message,
      Set<String> flags,
      Set<String> keywords,
      @Nullable Instant internalDate)
      throws IOException {
    List<String> words = applyKeywords(FlagChange.REPLACE, keywords, List.of());
    long uidValidity =
        jdbc.sql(
                "SELECT uid_validity FROM mail_folder WHERE tenant_id = ? AND member_id = ?"
                    + " AND id = ?")
            .params(actor.tenantId(), actor.memberId(), folderId)
            .query(Long.class)
            .optional()
            .orElseThrow(Problems::notFound);
    MailPolicy policy = domains.policy(actor.tenantId());
    if (message.length > policy.maxMessageBytes()) {
      throw Problems.conflict("too-big", "The message is larger than the company allows.");
    }
    if (used(actor.tenantId(), actor.memberId()) + message.length > policy.mailboxQuotaBytes()) {
      throw Problems.conflict("quota", "The mailbox is full.");
    }
    ParsedMail parsed = MimeParser.parse(new java.io.ByteArrayInputStream(message));
    ImapSummary summary = ImapSummary.of(message);
    // The blob first, outside any transaction (it is durable on return), then the row.
    BlobRef blob =
        blobs.put(
            actor.tenantId(),
            actor.memberId(),
            new java.io.ByteArrayInputStream(message),
            message.length);
    Stored1 stored =
        ownTransaction.execute(
            s -> {
              Stored1 row =
                  store(
                      new NewMessage(
                          actor.tenantId(),
                          actor.memberId(),
                          "imap-append",
                          blob,
                          parsed,
                          internalDate == null ? clock.instant() : internalDate,
                          flags.contains("seen"),
                          flags.contains("draft"),
                          MailInbound.AuthResults.none(),
                          null),
                      folderId,
                      flags.contains("flagged"),
                      flags.contains("answered"),
                      flags.contains("deleted"),
                      summary);
              if (!words.isEmpty()) {
                jdbc.sql("UPDATE mail_message SET keywords = ? WHERE tenant_id = ? AND id = ?")
                    .params(String.join(" ", words), actor.tenantId(), row.id())
                    .update();
              }
              return row;
            });
    return new ImapCopyResult(
        uidValidity, List.of(), List.of(java.util.Objects.requireNonNull(stored).uid()));
  }

  private void requireFolder(MemberPrincipal actor, UUID folderId) {
    long n =
        jdbc.sql(
                "SELECT COUNT(*) FROM mail_folder WHERE tenant_id = ? AND member_id = ? AND id = ?")
            .params(actor.tenantId(), actor.memberId(), folderId)
            .query(Long.class)
            .single();
    if (n == 0) {
      throw Problems.notFound();
    }
  }

  /** The messages with the given UIDs that exist in the folder (at most 1000 UIDs), ascending. */
  public List<ImapMessage> imapMessagesByUid(
      MemberPrincipal actor, UUID folderId, List<Long> uids) {
    return imapMessagesByUid(actor, folderId, uids, false);
  }

  /** As {@link #imapMessagesByUid(MemberPrincipal, UUID, List)}, with summaries if asked. */
  public List<ImapMessage> imapMessagesByUid(
      MemberPrincipal actor, UUID folderId, List<Long> uids, boolean withSummary) {
    if (uids.size() > 1000) {
      throw new IllegalArgumentException("At most 1000 UIDs at once");
    }
    return byUids(actor, folderId, uids, withSummary);
  }

  private List<ImapMessage> byUids(MemberPrincipal actor, UUID folderId, List<Long> uids) {
    return byUids(actor, folderId, uids, false);
  }

  private List<ImapMessage> byUids(
      MemberPrincipal actor, UUID folderId, List<Long> uids, boolean withSummary) {
    if (uids.isEmpty()) {
      return List.of();
    }
    List<Long> wanted = uids.stream().distinct().toList();
    List<Object> params = new ArrayList<>(wanted);
    params.add(actor.tenantId());
    params.add(actor.memberId());
    params.add(folderId);
    // A join with the wanted UIDs, not "uid IN (…)": H2 uses an IN list only on an index's first
    // column, so it read the folder's whole (tenant, member, folder, uid) index for every page;
    // the join looks each UID up in it. LEFT JOIN because H2 keeps an outer join's order (an inner
    // one it may turn around on a large folder, scanning the folder and the list for each row);
    // PostgreSQL makes it an inner join again by the IS NOT NULL.
    return jdbc.sql(
            "SELECT "
                + (withSummary ? IMAP_SUMMARY_COLUMNS : IMAP_COLUMNS)
                + " FROM (VALUES "
                + String.join(
                    ", ", java.util.Collections.nCopies(wanted.size(), "(CAST(? AS BIGINT))"))
                + ") AS v (wanted) LEFT JOIN mail_message m ON m.tenant_id = ? AND m.member_id = ?"
                + " AND m.folder_id = ? AND m.uid = v.wanted WHERE m.uid IS NOT NULL ORDER BY m.uid")
        .params(params)
        .query(withSummary ? IMAP_SUMMARY_ROW : IMAP_ROW)
        .list();
  }

  private static List<List<Long>> chunks(List<Long> uids) {
    List<List<Long>> out = new ArrayList<>();
    for (int i = 0; i < uids.size(); i += 500) {
      out.add(uids.subList(i, Math.min(uids.size(), i + 500)));
    }
    return out;
  }

  private static boolean apply(FlagChange change, Set<String> flags, String flag, boolean now) {
    return switch (change) {
      case REPLACE -> flags.contains(flag);
      case ADD -> now || flags.contains(flag);
      case REMOVE -> now && !flags.contains(flag);
    };
  }

  /** Moves a row to another folder with the target's next UID; returns the UID. */
  private long moveRow(UUID tenantId, UUID fromFolder, UUID id, UUID toFolder) {
    long[] uid = nextUid(toFolder);
    Counted now = lockCounted(tenantId, id);
    jdbc.sql(
            "UPDATE mail_message SET folder_id = ?, uid = ?, modseq = ? WHERE tenant_id = ? AND id = ?")
        .params(toFolder, uid[0], uid[1], tenantId, id)
        .update();
    if (now == null) {
      nextModseq(fromFolder);
    } else {
      int unseen = now.seen() ? 0 : 1;
      count(toFolder, 1, unseen);
      nextModseq(now.folderId());
      count(now.folderId(), -1, -unseen);
    }
    return uid[0];
  }

  private long copyRow(UUID tenantId, UUID id, UUID toFolder) {
    long[] uid = nextUid(toFolder);
    UUID copy = ids.next();
    String columns =
        "thread_id, blob_sha256, size, message_id, in_reply_to, refs, subject, thread_subject,"
            + " from_name, from_address, to_json, cc_json, bcc_json, reply_to_json, preview,"
            + " sent_at, received_at, seen, flagged, answered, draft, has_attachments, spf, dkim,"
            + " dmarc, parse_error, log_id, deleted, subject_folded, imap_envelope, imap_body,"
            + " imap_bodystructure, keywords";
    jdbc.sql(
            "INSERT INTO mail_message (id, tenant_id, member_id, folder_id, uid, modseq, "
                + columns
                + ") SELECT ?, tenant_id, member_id, ?, ?, ?, "
                + columns
                + " FROM mail_message WHERE tenant_id = ? AND id = ?")
        .params(copy, toFolder, uid[0], uid[1], tenantId, id)
        .update();
    Row r =
        jdbc.sql("SELECT * FROM mail_message WHERE tenant_id = ? AND id = ?")
            .params(tenantId, copy)
            .query(ROW)
            .single();
    // the copy is this transaction's own row: what it holds is what was counted
    count(toFolder, 1, r.seen() ? 0 : 1);
    references.add(tenantId, r.blob(), "mail.message:" + copy);
    jdbc.sql(
            "INSERT INTO mail_message_ref (message_id, tenant_id, member_id, ref)"
                + " SELECT ?, tenant_id, member_id, ref FROM mail_message_ref WHERE message_id = ?")
        .params(copy, id)
        .update();
    addUsage(tenantId, r.memberId(), r.size());
    SearchDocument doc =
        new SearchDocument(
            tenantId, SEARCH_TYPE, copy.toString(), r.memberId().toString(), "", r.date(), "");
    String blob = r.blob();
    afterCommit(
        () ->
            index.ifAvailable(
                i -> {
                  try (InputStream in = blobs.open(tenantId, blob)) {
                    ParsedMail p = MimeParser.parse(in);
                    i.index(
                        new SearchDocument(
                            doc.tenantId(),
                            doc.type(),
                            doc.id(),
                            doc.scope(),
                            doc.author(),
                            doc.time(),
                            searchText(p)));
                  } catch (IOException e) {
                    i.index(doc);
                  }
                }));
    return uid[0];
  }

  /** Takes the folder's next UID and mod-sequence; the row lock serialises concurrent callers. */
  private long[] nextUid(UUID folderId) {
    return nextUid(folderId, 0, 0);
  }

  /**
   * As {@link #nextUid(UUID)}, adding to the folder's counts in the same statement (a message
   * stored: one statement on the folder row per delivery, as before the counts).
   */
  private long[] nextUid(UUID folderId, long messages, long unseen) {
    jdbc.sql(
            "UPDATE mail_folder SET uid_next = uid_next + 1, highest_modseq = highest_modseq + 1,"
                + " message_count = message_count + ?, unseen_count = unseen_count + ?"
                + " WHERE id = ?")
        .params(messages, unseen, folderId)
        .update();
    return jdbc.sql("SELECT uid_next - 1, highest_modseq FROM mail_folder WHERE id = ?")
        .params(folderId)
        .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
        .single();
  }

  /** A message's folder and seen flag as they are now, or null when it is gone. */
  private record Counted(UUID folderId, boolean seen) {}

  /**
   * Locks a message's row until the transaction ends and returns its folder and seen flag, so that
   * a change of either is counted from what the row held, not from an earlier read. Called where
   * the statement that changes the row would lock it anyway (after the folder row, as before).
   */
  private @Nullable Counted lockCounted(UUID tenantId, UUID id) {
    return jdbc.sql(
            "SELECT folder_id, seen FROM mail_message WHERE tenant_id = ? AND id = ? FOR UPDATE")
        .params(tenantId, id)
        .query((rs, n) -> new Counted(rs.getObject(1, UUID.class), rs.getBoolean(2)))
        .optional()
        .orElse(null);
  }

  /**
   * Adds to a folder's message and unseen counts (mail_folder.message_count, unseen_count), in the
   * caller's transaction. Every statement that adds, removes or moves a message or changes its seen
   * flag comes with one: store, copy, move, purge, seen from the web and from IMAP STORE.
   */
  private void count(UUID folderId, long messages, long unseen) {
    if (messages == 0 && unseen == 0) {
      return;
    }
    jdbc.sql(
            "UPDATE mail_folder SET message_count = message_count + ?,"
                + " unseen_count = unseen_count + ? WHERE id = ?")
        .params(messages, unseen, folderId)
        .update();
  }

  private long nextModseq(UUID folderId) {
    jdbc.sql("UPDATE mail_folder SET highest_modseq = highest_modseq + 1 WHERE id = ?")
        .params(folderId)
        .update();
    return jdbc.sql("SELECT highest_modseq FROM mail_folder WHERE id = ?")
        .params(folderId)
        .query(Long.class)
        .single();
  }

  private long newUidValidity() {
    return Math.max(1, clock.instant().getEpochSecond() & 0xFFFFFFFFL);
  }

  /** After commit, tells IMAP sessions of the member to look again (IDLE, NOOP). */
  private void changed(UUID tenantId, UUID memberId) {
    afterCommit(() -> events.publishEvent(new MailboxChanged(tenantId, memberId)));
  }

  private static final String IMAP_COLUMNS =
      "id, uid, modseq, size, received_at, sent_at, seen, answered, flagged, deleted, draft,"
          + " subject, from_name, from_address, to_json, cc_json, bcc_json, blob_sha256, keywords";

  private static final String IMAP_SUMMARY_COLUMNS =
      IMAP_COLUMNS + ", imap_envelope, imap_body, imap_bodystructure";

  private static final RowMapper<ImapMessage> IMAP_ROW = (rs, n) -> imapMessage(rs, null);

  private static final RowMapper<ImapMessage> IMAP_SUMMARY_ROW =
      (rs, n) -> {
        byte[] envelope = rs.getBytes("imap_envelope");
        byte[] body = rs.getBytes("imap_body");
        byte[] bodyStructure = rs.getBytes("imap_bodystructure");
        return imapMessage(
            rs,
            envelope == null || body == null || bodyStructure == null
                ? null
                : new ImapSummary(envelope, body, bodyStructure));
      };

  private static ImapMessage imapMessage(java.sql.ResultSet rs, @Nullable ImapSummary summary)
      throws java.sql.SQLException {
    String keywords = rs.getString("keywords");
    return new ImapMessage(
        rs.getObject("id", UUID.class),
        rs.getLong("uid"),
        rs.getLong("modseq"),
        rs.getLong("size"),
        Jdbc.requiredInstant(rs, "received_at"),
        Jdbc.requiredInstant(rs, "sent_at"),
        rs.getBoolean("seen"),
        rs.getBoolean("answered"),
        rs.getBoolean("flagged"),
        rs.getBoolean("deleted"),
        rs.getBoolean("draft"),
        rs.getString("subject"),
        rs.getString("from_name") + " " + rs.getString("from_address"),
        rs.getString("to_json"),
        rs.getString("cc_json"),
        rs.getString("bcc_json"),
        rs.getString("blob_sha256"),
        summary,
        keywords == null || keywords.isBlank() ? List.of() : List.of(keywords.split(" ")));
  }

  /** At most this many keywords per message (and their list fits the column). */
  public static final int MAX_KEYWORDS = 50;

  private static List<String> applyKeywords(
      FlagChange change, Set<String> keywords, List<String> now) {
    List<String> result = new ArrayList<>();
    switch (change) {
      case REPLACE -> addAllIgnoringCase(result, keywords);
      case ADD -> {
        addAllIgnoringCase(result, now);
        addAllIgnoringCase(result, keywords);
      }
      case REMOVE -> {
        for (String k : now) {
          if (keywords.stream().noneMatch(k::equalsIgnoreCase)) {
            result.add(k);
          }
        }
      }
    }
    if (result.size() > MAX_KEYWORDS || String.join(" ", result).length() > 2000) {
      throw new IllegalArgumentException("too many keywords");
    }
    return result;
  }

  private static void addAllIgnoringCase(List<String> into, java.util.Collection<String> add) {
    for (String k : add) {
      if (into.stream().noneMatch(k::equalsIgnoreCase)) {
        into.add(k);
      }
    }
  }

  /** A growable array of longs (UID lists of large folders without boxing). */
  private static final class LongList {
    private long[] values = new long[64];
    private int size;

    void add(long v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    long[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }

  // --- rules ---------------------------------------------------------------------------------

  public List<MailRule> rules(MemberPrincipal actor) {
    return rules(actor.tenantId(), actor.memberId());
  }

  @Transactional
  public MailRule addRule(
      MemberPrincipal actor,
      @Nullable String field,
      @Nullable String contains,
      @Nullable String action,
      @Nullable UUID folderId) {
    List<dev.musubi.platform.web.ProblemException.FieldError> errors = new ArrayList<>();
    if (field == null || !Set.of("from", "to", "subject").contains(field)) {
      errors.add(
          new dev.musubi.platform.web.ProblemException.FieldError(
              "field", "invalid", "Must be from, to or subject."));
    }
    if (contains == null || contains.isBlank() || contains.length() > 200) {
      errors.add(
          new dev.musubi.platform.web.ProblemException.FieldError(
              "contains", "invalid", "1 to 200 characters."));
    }
    if (action == null || !Set.of("move", "flag", "read").contains(action)) {
      errors.add(
          new dev.musubi.platform.web.ProblemException.FieldError(
              "action", "invalid", "Must be move, flag or read."));
    }
    if ("move".equals(action)) {
      if (folderId == null || folders(actor).stream().noneMatch(f -> f.id().equals(folderId))) {
        errors.add(
            new dev.musubi.platform.web.ProblemException.FieldError(
                "folderId", "unknown_folder", "No such folder."));
      }
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    List<MailRule> existing = rules(actor);
    if (existing.size() >= 100) {
      throw Problems.conflict("too-many-rules", "At most 100 rules.");
    }
    MailRule rule =
        new MailRule(
            ids.next(),
            field,
            contains.strip(),
            action,
            "move".equals(action) ? folderId : null,
            existing.isEmpty() ? 0 : existing.get(existing.size() - 1).position() + 1);
    jdbc.sql(
            "INSERT INTO mail_rule (id, tenant_id, member_id, field, match_text, action, folder_id,"
                + " position, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            rule.id(),
            actor.tenantId(),
            actor.memberId(),
            rule.field(),
            rule.contains(),
            rule.action(),
            rule.folderId(),
            rule.position(),
            ts(clock.instant()))
        .update();
    return rule;
  }

  @Transactional
  public void deleteRule(MemberPrincipal actor, UUID id) {
    int n =
        jdbc.sql("DELETE FROM mail_rule WHERE tenant_id = ? AND member_id = ? AND id = ?")
            .params(actor.tenantId(), actor.memberId(), id)
            .update();
    if (n == 0) {
      throw Problems.notFound();
    }
  }

  private List<MailRule> rules(UUID tenantId, UUID memberId) {
    return jdbc.sql(
            "SELECT * FROM mail_rule WHERE tenant_id = ? AND member_id = ? ORDER BY position, id")
        .params(tenantId, memberId)
        .query(
            (rs, n) ->
                new MailRule(
                    rs.getObject("id", UUID.class),
                    rs.getString("field"),
                    rs.getString("match_text"),
                    rs.getString("action"),
                    rs.getObject("folder_id", UUID.class),
                    rs.getInt("position")))
        .list();
  }

  private Optional<MailRule> firstMatch(UUID tenantId, UUID memberId, ParsedMail p) {
    for (MailRule r : rules(tenantId, memberId)) {
      String haystack =
          switch (r.field()) {
            case "from" ->
                p.from() == null
                    ? ""
                    : Optional.ofNullable(p.from().name()).orElse("") + " " + p.from().address();
            case "to" -> {
              StringBuilder b = new StringBuilder();
              for (MailAddress a : p.to()) {
                b.append(Optional.ofNullable(a.name()).orElse("")).append(' ').append(a.address());
              }
              for (MailAddress a : p.cc()) {
                b.append(Optional.ofNullable(a.name()).orElse("")).append(' ').append(a.address());
              }
              yield b.toString();
            }
            default -> p.subject();
          };
      if (fold(haystack).contains(fold(r.contains()))) {
        if (r.action().equals("move")
            && (r.folderId() == null
                || jdbc.sql(
                            "SELECT COUNT(*) FROM mail_folder WHERE tenant_id = ? AND member_id = ?"
                                + " AND id = ?")
                        .params(tenantId, memberId, r.folderId())
                        .query(Long.class)
                        .single()
                    == 0)) {
          continue; // the folder is gone
        }
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  private static String fold(String s) {
    return java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFKC)
        .toLowerCase(Locale.ROOT);
  }

  /**
   * Folded subjects longer than this are not kept (SEARCH checks those messages themselves): the
   * search index (V76) holds them, and a PostgreSQL B-tree entry must stay under about 2.7 KB.
   */
  private static final int MAX_SUBJECT_FOLDED = 500;

  /** The subject as SEARCH compares it, or null when it is too long to keep in the index. */
  private static @Nullable String subjectFolded(String subject) {
    String folded = fold(subject);
    return folded.length() <= MAX_SUBJECT_FOLDED ? folded : null;
  }

  /** The message IDs a message names (In-Reply-To, References), for threading later arrivals. */
  private void storeRefs(UUID tenantId, UUID memberId, UUID id, ParsedMail p) {
    Set<String> refs = new java.util.LinkedHashSet<>();
    if (!p.inReplyTo().isEmpty()) {
      refs.add(clip(p.inReplyTo(), 1000));
    }
    for (String ref : clip(String.join(" ", p.references()), 8000).split(" ")) {
      if (!ref.isEmpty()) {
        refs.add(clip(ref, 1000));
      }
    }
    for (String ref : refs) {
      jdbc.sql(
              "INSERT INTO mail_message_ref (message_id, tenant_id, member_id, ref)"
                  + " VALUES (?, ?, ?, ?)")
          .params(id, tenantId, memberId, ref)
          .update();
    }
  }

  private void purge(Row r) {
    Counted now = lockCounted(r.tenantId(), r.id());
    jdbc.sql("DELETE FROM mail_message WHERE tenant_id = ? AND id = ?")
        .params(r.tenantId(), r.id())
        .update();
    addUsage(r.tenantId(), r.memberId(), -r.size());
    if (now == null) {
      nextModseq(r.folderId());
    } else {
      nextModseq(now.folderId());
      count(now.folderId(), -1, now.seen() ? 0 : -1);
    }
    changed(r.tenantId(), r.memberId());
    references.remove(r.tenantId(), r.blob(), "mail.message:" + r.id());
    afterCommit(() -> indexer.delete(r.tenantId(), r.id()));
  }

  private static void afterCommit(Runnable action) {
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              action.run();
            }
          });
    } else {
      action.run();
    }
  }

  private Optional<UUID> thread(UUID tenantId, UUID memberId, ParsedMail p) {
    List<String> ids = new ArrayList<>(p.references());
    if (!p.inReplyTo().isEmpty()) {
      ids.add(p.inReplyTo());
    }
    for (int i = ids.size() - 1; i >= 0; i--) {
      Optional<UUID> t =
          jdbc.sql(
                  "SELECT thread_id FROM mail_message WHERE tenant_id = ? AND member_id = ?"
                      + " AND message_id = ? ORDER BY sent_at LIMIT 1")
              .params(tenantId, memberId, ids.get(i))
              .query(UUID.class)
              .optional();
      if (t.isPresent()) {
        return t;
      }
    }
    // Messages referring to one we have not got: others that name it join the same thread.
    if (!p.messageId().isEmpty()) {
      Optional<UUID> t =
          jdbc.sql(
                  "SELECT m.thread_id FROM mail_message_ref r JOIN mail_message m"
                      + " ON m.id = r.message_id WHERE r.tenant_id = ? AND r.member_id = ?"
                      + " AND r.ref = ? ORDER BY m.sent_at LIMIT 1")
              .params(tenantId, memberId, clip(p.messageId(), 1000))
              .query(UUID.class)
              .optional();
      if (t.isPresent()) {
        return t;
      }
    }
    // Subject fallback: a reply ("Re:", "返信:") whose headers were lost joins the latest thread
    // with the same subject from the last 30 days.
    String subject = threadSubject(p.subject());
    // Only when a reply prefix was taken off (threadSubject also folds case, which alone must not
    // send every subject with a capital letter down this query).
    if (!subject.isEmpty() && !subject.equals(p.subject().strip().toLowerCase(Locale.ROOT))) {
      return jdbc.sql(
              "SELECT thread_id FROM mail_message WHERE tenant_id = ? AND member_id = ?"
                  + " AND thread_subject = ? AND sent_at > ? ORDER BY sent_at DESC LIMIT 1")
          .params(tenantId, memberId, subject, ts(clock.instant().minus(Duration.ofDays(30))))
          .query(UUID.class)
          .optional();
    }
    return Optional.empty();
  }

  private static final Pattern REPLY_PREFIX =
      Pattern.compile(
          "^(?i)\\s*((re|fw|fwd|aw|wg|sv|vs|tr|rv|返信|転送|ｒｅ|ｆｗｄ?)\\s*(\\[\\d+\\]|\\(\\d+\\))?\\s*[:：]\\s*)+");

  /** The subject without reply and forward prefixes, for threading. */
  public static String threadSubject(String subject) {
    return REPLY_PREFIX.matcher(subject).replaceFirst("").strip().toLowerCase(Locale.ROOT);
  }

  private static String preview(ParsedMail p) {
    return preview(p.text().isEmpty() ? HtmlSanitizer.text(p.html()) : p.text(), 200);
  }

  /**
   * {@code clip(text.replaceAll("\\s+", " ").strip(), max)}, reading only as much of the text as
   * the preview needs (a delivery used to collapse the whole body with a regular expression).
   */
  static String preview(String text, int max) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), max + 1));
    boolean gap = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ' ' || (c >= '\t' && c <= '\r')) {
        gap = true;
        continue;
      }
      if (out.isEmpty() && Character.isWhitespace(c)) {
        continue; // stripped
      }
      if (gap && !out.isEmpty()) {
        out.append(' ');
      }
      gap = false;
      out.append(c);
      if (out.length() >= max && !Character.isWhitespace(c)) {
        // what follows cannot change the first max characters any more
        return out.substring(0, max);
      }
    }
    return clip(out.toString().strip(), max);
  }

  private static String searchText(ParsedMail p) {
    return MailIndexer.searchText(p);
  }

  private void ensureFolders(UUID tenantId, UUID memberId) {
    long have =
        jdbc.sql(
                "SELECT COUNT(*) FROM mail_folder WHERE tenant_id = ? AND member_id = ? AND role IS NOT NULL")
            .params(tenantId, memberId)
            .query(Long.class)
            .single();
    if (have >= ROLES.size()) {
      return;
    }
    try {
      ownTransaction.executeWithoutResult(
          s -> {
            List<String> existing =
                jdbc.sql(
                        "SELECT role FROM mail_folder WHERE tenant_id = ? AND member_id = ? AND role IS NOT NULL")
                    .params(tenantId, memberId)
                    .query(String.class)
                    .list();
            for (String role : ROLES) {
              if (!existing.contains(role)) {
                jdbc.sql(
                        "INSERT INTO mail_folder (id, tenant_id, member_id, name, role, created_at,"
                            + " uid_validity) VALUES (?, ?, ?, ?, ?, ?, ?)")
                    .params(
                        ids.next(),
                        tenantId,
                        memberId,
                        ROLE_NAMES.get(role),
                        role,
                        ts(clock.instant()),
                        newUidValidity())
                    .update();
              }
            }
          });
    } catch (DuplicateKeyException e) {
      // Created by a concurrent request, or a custom folder took a role folder's name.
      long now =
          jdbc.sql(
                  "SELECT COUNT(*) FROM mail_folder WHERE tenant_id = ? AND member_id = ? AND role IS NOT NULL")
              .params(tenantId, memberId)
              .query(Long.class)
              .single();
      if (now < ROLES.size()) {
        throw e;
      }
    }
  }

  private String folderName(MemberPrincipal actor, @Nullable String name, @Nullable UUID self) {
    if (name == null || name.isBlank()) {
      throw Problems.invalid("name", "required", "Required.");
    }
    String n = name.strip();
    if (n.length() > 200 || n.chars().anyMatch(Character::isISOControl) || n.contains("/")) {
      throw Problems.invalid(
          "name", "invalid", "At most 200 characters, no control characters or /.");
    }
    boolean taken =
        folders(actor).stream().anyMatch(f -> f.name().equalsIgnoreCase(n) && !f.id().equals(self));
    if (taken || ROLE_NAMES.values().stream().anyMatch(r -> r.equalsIgnoreCase(n))) {
      throw Problems.invalid("name", "taken", "A folder with this name exists.");
    }
    return n;
  }

  private Row row(MemberPrincipal actor, UUID id) {
    return jdbc.sql("SELECT * FROM mail_message WHERE tenant_id = ? AND member_id = ? AND id = ?")
        .params(actor.tenantId(), actor.memberId(), id)
        .query(ROW)
        .optional()
        .orElseThrow(Problems::notFound);
  }

  private record Row(
      UUID id,
      UUID tenantId,
      UUID memberId,
      UUID folderId,
      UUID threadId,
      String blob,
      long size,
      String messageId,
      String inReplyTo,
      String refs,
      String subject,
      @Nullable MailAddress from,
      List<MailAddress> to,
      String cc,
      String bcc,
      String replyTo,
      String preview,
      Instant date,
      boolean seen,
      boolean flagged,
      boolean answered,
      boolean draft,
      boolean hasAttachments,
      String spf,
      String dkim,
      String dmarc,
      String parseError) {

    MessageItem item() {
      return new MessageItem(
          id,
          threadId,
          folderId,
          from,
          to,
          subject,
          preview,
          date,
          size,
          seen,
          flagged,
          answered,
          draft,
          hasAttachments);
    }
  }

  private static final RowMapper<Row> ROW =
      (rs, n) -> {
        String fromAddress = rs.getString("from_address");
        String fromName = rs.getString("from_name");
        return new Row(
            rs.getObject("id", UUID.class),
            rs.getObject("tenant_id", UUID.class),
            rs.getObject("member_id", UUID.class),
            rs.getObject("folder_id", UUID.class),
            rs.getObject("thread_id", UUID.class),
            rs.getString("blob_sha256"),
            rs.getLong("size"),
            rs.getString("message_id"),
            rs.getString("in_reply_to"),
            rs.getString("refs"),
            rs.getString("subject"),
            fromAddress.isEmpty()
                ? null
                : new MailAddress(fromName.isEmpty() ? null : fromName, fromAddress),
            decodeList(rs.getString("to_json")),
            rs.getString("cc_json"),
            rs.getString("bcc_json"),
            rs.getString("reply_to_json"),
            rs.getString("preview"),
            Jdbc.requiredInstant(rs, "sent_at"),
            rs.getBoolean("seen"),
            rs.getBoolean("flagged"),
            rs.getBoolean("answered"),
            rs.getBoolean("draft"),
            rs.getBoolean("has_attachments"),
            rs.getString("spf"),
            rs.getString("dkim"),
            rs.getString("dmarc"),
            rs.getString("parse_error"));
      };

  /** Address lists are stored one per line as {@code name TAB address}. */
  static String encodeList(List<MailAddress> list, int max) {
    StringBuilder b = new StringBuilder();
    for (MailAddress a : list) {
      String line =
          (a.name() == null ? "" : a.name().replaceAll("[\\t\\r\\n]", " "))
              + "\t"
              + a.address().replaceAll("[\\t\\r\\n]", "");
      if (b.length() + line.length() + 1 > max) {
        break;
      }
      if (!b.isEmpty()) {
        b.append('\n');
      }
      b.append(line);
    }
    return b.toString();
  }

  static List<MailAddress> decodeList(String stored) {
    if (stored.isEmpty()) {
      return List.of();
    }
    List<MailAddress> out = new ArrayList<>();
    for (String line : stored.split("\n")) {
      int tab = line.indexOf('\t');
      String name = tab < 0 ? "" : line.substring(0, tab);
      out.add(new MailAddress(name.isEmpty() ? null : name, line.substring(tab + 1)));
    }
    return out;
  }

  static String clip(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  static Map<String, String> roleNames() {
    return new LinkedHashMap<>(ROLE_NAMES);
  }

  // --- calendar parts (for iMIP replies) -------------------------------------------------------

  /** A message's calendar part and the address in its From header (lower case). */
  public record CalendarPart(String from, String text) {}

  /**
   * The first {@code text/calendar} part of a message in a member's mailbox (RFC 6047 iMIP), as
   * text, with the sender's address; empty when the message has none, is not the member's, or is
   * larger than the calendar reads (2 MB). Never returns null.
   */
  public Optional<CalendarPart> calendarPart(UUID tenantId, UUID memberId, UUID messageId) {
    Optional<String[]> found =
        jdbc.sql(
                "SELECT blob_sha256, size, from_address FROM mail_message WHERE tenant_id = ? AND"
                    + " member_id = ? AND id = ?")
            .params(tenantId, memberId, messageId)
            .query(
                (rs, n) ->
                    new String[] {rs.getString(1), Long.toString(rs.getLong(2)), rs.getString(3)})
            .optional();
    if (found.isEmpty() || Long.parseLong(found.get()[1]) > 2 * 1024 * 1024) {
      return Optional.empty();
    }
    try (InputStream in = blobs.open(tenantId, found.get()[0])) {
      jakarta.mail.internet.MimeMessage msg =
          new jakarta.mail.internet.MimeMessage(
              jakarta.mail.Session.getInstance(new java.util.Properties()), in);
      String from = found.get()[2].toLowerCase(Locale.ROOT);
      return calendarPart(msg, 0).map(text -> new CalendarPart(from, text));
    } catch (IOException | jakarta.mail.MessagingException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> calendarPart(jakarta.mail.Part part, int depth)
      throws IOException, jakarta.mail.MessagingException {
    if (depth > 10) {
      return Optional.empty();
    }
    if (part.isMimeType("text/calendar")) {
      try (InputStream in = part.getInputStream()) {
        byte[] bytes = in.readNBytes(1024 * 1024);
        return Optional.of(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    if (part.isMimeType("multipart/*")
        && part.getContent() instanceof jakarta.mail.Multipart multipart) {
      for (int i = 0; i < multipart.getCount() && i < 50; i++) {
        Optional<String> inner = calendarPart(multipart.getBodyPart(i), depth + 1);
        if (inner.isPresent()) {
          return inner;
        }
      }
    }
    return Optional.empty();
  }
}
