package dev.musubi.messaging;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.drive.Drives;
import dev.musubi.messaging.Rooms.Access;
import dev.musubi.messaging.internal.AttachmentStore;
import dev.musubi.messaging.internal.AttachmentStore.AttachmentRow;
import dev.musubi.messaging.internal.Thumbnails;
import dev.musubi.platform.Ids;
import dev.musubi.platform.blob.BlobRef;
import dev.musubi.platform.blob.BlobReferences;
import dev.musubi.platform.blob.BlobStore;
import dev.musubi.platform.blob.BlobTooLargeException;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.ProblemException;
import dev.musubi.platform.web.Problems;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.text.Normalizer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Files and images of talk messages. An upload streams into the blob store (encrypted at rest, at
 * most the company's {@link TalkSettings#attachmentMaxMb}) and stays pending until its uploader
 * sends it with a message; images get a thumbnail. Each row holds blob references, dropped when the
 * message is recalled or a pending upload expires, so the blob collector frees the contents. Only
 * members of the room reach a room's attachments (404 for everyone else).
 */
@Service
public class TalkAttachments {

  /** The most attachments one message may carry. */
  public static final int MAX_PER_MESSAGE = 10;

  /** The most uploads a member may hold that were not sent yet. */
  public static final int MAX_PENDING = 50;

  /** How long an upload that was never sent is kept. */
  public static final Duration PENDING_TTL = Duration.ofHours(24);

  private static final Logger log = LoggerFactory.getLogger(TalkAttachments.class);
  private static final Pattern MEDIA_TYPE =
      Pattern.compile("[a-z0-9][a-z0-9!#$&^_.+-]{0,40}/[a-z0-9][a-z0-9!#$&^_.+-]{0,60}");

  private final Rooms rooms;
  private final TalkPolicies policies;
  private final Drives drives;
  private final AttachmentStore store;
  private final Thumbnails thumbnails;
  private final BlobStore blobs;
  private final BlobReferences references;
  private final AuditTrail audit;
  private final Ids ids;
  private final Clock clock;
  private final TransactionTemplate tx;

  TalkAttachments(
      Rooms rooms,
      TalkPolicies policies,
      Drives drives,
      AttachmentStore store,
      Thumbnails thumbnails,
      BlobStore blobs,
      BlobReferences references,
      AuditTrail audit,
      Ids ids,
      Clock clock,
      PlatformTransactionManager transactions) {
    this.rooms = rooms;
    this.policies = policies;
    this.drives = drives;
    this.store = store;
    this.thumbnails = thumbnails;
    this.blobs = blobs;
    this.references = references;
    this.audit = audit;
    this.ids = ids;
    this.clock = clock;
    this.tx = new TransactionTemplate(transactions);
  }

  /**
   * Stores an upload for the room, pending until the caller sends it with a message. The name,
   * blocked extensions and the declared length ({@code -1} when unknown) are checked before a byte
   * is read; the blob store then reads at most the company's limit, so an oversized upload stops
   * while streaming with 413 and nothing is kept.
   */
  public Attachment upload(
      MemberPrincipal actor,
      UUID roomId,
      @Nullable String rawName,
      @Nullable String declaredType,
      long declaredLength,
      InputStream content) {
    Access a = rooms.access(actor, roomId);
    if (a.room().type() == RoomType.ANNOUNCEMENT && !a.me().owner()) {
      throw Problems.forbidden("not-owner", "Only the owners post in an announcement room.");
    }
    return uploadAs(
        actor.tenantId(), roomId, actor.memberId(), rawName, declaredType, declaredLength, content);
  }

  /**
   * Stores an upload of a bot (or a member whose access the caller checked) for the room, under the
   * same company limits as a member's: name, blocked extensions, size and image pixels.
   */
  Attachment uploadAs(
      UUID tenantId,
      UUID roomId,
      UUID uploader,
      @Nullable String rawName,
      @Nullable String declaredType,
      long declaredLength,
      InputStream content) {
    String name = checkedName(rawName);
    checkExtension(tenantId, name);
    if (store.pendingCount(tenantId, uploader) >= MAX_PENDING) {
      throw Problems.conflict(
          "too-many-uploads",
          "You have "
              + MAX_PENDING
              + " uploads that were not sent yet; send or remove some first.");
    }
    long limit = policies.of(tenantId).attachmentMaxMb() * 1024L * 1024L;
    if (declaredLength > limit) {
      throw tooLarge(limit);
    }
    BlobRef blob;
    try {
      blob = blobs.put(tenantId, content, limit);
    } catch (BlobTooLargeException e) {
      throw tooLarge(limit);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Optional<Thumbnails.Image> image;
    try (InputStream in = blobs.open(tenantId, blob.sha256())) {
      image = thumbnails.probe(in);
    } catch (Thumbnails.TooManyPixelsException e) {
      // The blob stays unreferenced; the collector removes it after its grace period.
      throw new ProblemException(
          HttpStatus.UNPROCESSABLE_CONTENT,
          "image-too-large",
          "The image declares "
              + e.width()
              + " × "
              + e.height()
              + " pixels; at most "
              + Thumbnails.MAX_PIXELS / 1_000_000
              + " megapixels are accepted.",
          List.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    BlobRef thumb = null;
    if (image.isPresent()) {
      try {
        thumb =
            blobs.put(
                tenantId,
                new ByteArrayInputStream(image.get().thumbnail()),
                image.get().thumbnail().length);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    String type = image.map(Thumbnails.Image::contentType).orElse(mediaType(declaredType));
    AttachmentRow row =
        new AttachmentRow(
            ids.next(),
            tenantId,
            roomId,
            null,
            uploader,
            name,
            type,
            blob.size(),
            blob.sha256(),
            image.isPresent(),
            image.map(Thumbnails.Image::width).orElse(null),
            image.map(Thumbnails.Image::height).orElse(null),
            thumb == null ? null : thumb.sha256(),
            image.map(Thumbnails.Image::thumbnailType).orElse(null),
            clock.instant());
    tx.executeWithoutResult(
        s -> {
          store.insert(row, 0);
          references.add(tenantId, row.sha256(), owner(row.id()));
          if (row.thumbSha256() != null) {
            references.add(tenantId, row.thumbSha256(), thumbOwner(row.id()));
          }
        });
    return row.view();
  }

  /**
   * Removes one of the caller's pending uploads (not sent yet). 404 for anything else the caller
   * cannot see; 409 {@code sent} once it belongs to a message (recall the message instead).
   */
  public void discard(MemberPrincipal actor, UUID roomId, UUID attachmentId) {
    rooms.access(actor, roomId);
    AttachmentRow a =
        store
            .find(actor.tenantId(), roomId, attachmentId)
            .filter(r -> r.messageId() != null || r.uploadedBy().equals(actor.memberId()))
            .orElseThrow(Problems::notFound);
    if (a.messageId() != null) {
      throw Problems.conflict("sent", "The file was sent; recall the message instead.");
    }
    tx.executeWithoutResult(s -> remove(a));
  }

  /** What a download sends: which blob, under which name and type, and whether inline. */
  public record Download(
      UUID tenantId,
      String sha256,
      String name,
      String contentType,
      long size,
      String etag,
      boolean inline) {}

  /**
   * Opens an attachment (or its thumbnail) of a sent message, or the caller's own pending upload.
   * 404 for anyone who is not a member of the room. Downloads of the file itself are audited, like
   * drive downloads; thumbnails are not.
   */
  public Download download(
      MemberPrincipal actor, UUID roomId, UUID attachmentId, boolean thumbnail) {
    rooms.access(actor, roomId);
    AttachmentRow a =
        store
            .find(actor.tenantId(), roomId, attachmentId)
            .filter(r -> r.messageId() != null || r.uploadedBy().equals(actor.memberId()))
            .orElseThrow(Problems::notFound);
    if (thumbnail) {
      if (a.thumbSha256() == null || a.thumbType() == null) {
        throw Problems.notFound();
      }
      String base = a.name().replaceFirst("\\.[^.]*$", "");
      String ext = a.thumbType().equals("image/png") ? ".png" : ".jpg";
      long size = blobs.find(actor.tenantId(), a.thumbSha256()).map(BlobRef::size).orElse(0L);
      return new Download(
          actor.tenantId(),
          a.thumbSha256(),
          base + "-thumbnail" + ext,
          a.thumbType(),
          size,
          "\"" + a.thumbSha256() + "\"",
          true);
    }
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.TALK_ATTACHMENT_DOWNLOADED)
            .actor(actor.memberId(), actor.loginId())
            .target("talk.attachment", a.id())
            .with("room", roomId.toString()));
    return new Download(
        actor.tenantId(),
        a.sha256(),
        a.name(),
        a.image() ? a.contentType() : "application/octet-stream",
        a.size(),
        "\"" + a.sha256() + "\"",
        a.image());
  }

  /** The content from {@code offset} on; the caller closes the stream. */
  public InputStream open(Download d, long offset) throws IOException {
    return blobs.open(d.tenantId(), d.sha256(), offset);
  }

  // ---- with messages -------------------------------------------------------------------------

  /** Parses the IDs a message names: at most {@link #MAX_PER_MESSAGE}, no repeats. */
  static List<UUID> parseIds(@Nullable List<String> raw) {
    if (raw == null || raw.isEmpty()) {
      return List.of();
    }
    if (raw.size() > MAX_PER_MESSAGE) {
      throw Problems.invalid(
          "attachments", "too_many", "At most " + MAX_PER_MESSAGE + " files per message.");
    }
    List<UUID> parsed =
        raw.stream().map(s -> s == null ? null : Ids.parseOrNull(s)).distinct().toList();
    if (parsed.contains(null) || parsed.size() != raw.size()) {
      throw Problems.invalid("attachments", "unknown_attachment", "Not one of your uploads.");
    }
    return parsed;
  }

  /**
   * Attaches the caller's pending uploads to a new message, in the caller's transaction; 422 (and
   * the transaction rolls back) when one is not a pending upload of the caller in this room.
   */
  void attach(UUID tenantId, UUID roomId, UUID uploader, UUID messageId, List<UUID> attachments) {
    for (int i = 0; i < attachments.size(); i++) {
      if (!store.claim(tenantId, roomId, attachments.get(i), uploader, messageId, i)) {
        throw Problems.invalid("attachments", "unknown_attachment", "Not one of your uploads.");
      }
    }
  }

  /**
   * Checks that a message's files may be shared again under the company's current policy (it may
   * have blocked an extension or lowered the size limit since they were sent): 422 {@code
   * extension-blocked} or {@code attachment-too-large} otherwise.
   */
  void checkForwardable(UUID tenantId, UUID messageId) {
    List<AttachmentRow> rows = store.rowsOf(tenantId, messageId);
    if (rows.isEmpty()) {
      return;
    }
    long limit = policies.of(tenantId).attachmentMaxMb() * 1024L * 1024L;
    for (AttachmentRow a : rows) {
      checkExtension(tenantId, a.name());
      if (a.size() > limit) {
        throw new ProblemException(
            HttpStatus.UNPROCESSABLE_CONTENT,
            "attachment-too-large",
            "A file is larger than your company's limit of " + limit / (1024 * 1024) + " MB.",
            List.of());
      }
    }
  }

  /** Whether a message carries files. */
  boolean hasFiles(UUID tenantId, UUID messageId) {
    return !store.rowsOf(tenantId, messageId).isEmpty();
  }

  /**
   * Copies a message's files to a forwarded copy in another room (caller's transaction): new rows
   * with their own blob references, so recalling one message leaves the other's files intact.
   */
  void copy(UUID tenantId, UUID fromMessageId, UUID toRoomId, UUID sender, UUID toMessageId) {
    List<AttachmentRow> rows = store.rowsOf(tenantId, fromMessageId);
    for (int i = 0; i < rows.size(); i++) {
      AttachmentRow a = rows.get(i);
      AttachmentRow c =
          new AttachmentRow(
              ids.next(),
              tenantId,
              toRoomId,
              toMessageId,
              sender,
              a.name(),
              a.contentType(),
              a.size(),
              a.sha256(),
              a.image(),
              a.width(),
              a.height(),
              a.thumbSha256(),
              a.thumbType(),
              clock.instant());
      store.insert(c, i);
      references.add(tenantId, c.sha256(), owner(c.id()));
      if (c.thumbSha256() != null) {
        references.add(tenantId, c.thumbSha256(), thumbOwner(c.id()));
      }
    }
  }

  /**
   * Removes a message's attachments and their blob references, for a message that is recalled,
   * erased with its sender's personal data or past the company's retention. Runs in the caller's
   * transaction; the blob collector removes the contents once no reference is left.
   */
  public void release(UUID tenantId, UUID messageId) {
    for (AttachmentRow a : store.rowsOf(tenantId, messageId)) {
      remove(a);
    }
  }

  /** Removes uploads that were never sent within {@link #PENDING_TTL}. */
  @Scheduled(
      fixedDelayString = "${musubi.talk.attachment-sweep-interval:PT1H}",
      initialDelayString = "${musubi.talk.attachment-sweep-interval:PT1H}")
  public int removeExpiredUploads() {
    Instant cutoff = clock.instant().minus(PENDING_TTL);
    int removed = 0;
    while (true) {
      List<AttachmentRow> batch = store.pendingBefore(cutoff, 200);
      for (AttachmentRow a : batch) {
        tx.executeWithoutResult(s -> remove(a));
      }
      removed += batch.size();
      if (batch.size() < 200) {
        break;
      }
    }
    if (removed > 0) {
      log.info("Removed {} talk uploads that were never sent", removed);
    }
    return removed;
  }

  private void remove(AttachmentRow a) {
    if (store.delete(a.tenantId(), a.id())) {
      references.remove(a.tenantId(), a.sha256(), owner(a.id()));
      if (a.thumbSha256() != null) {
        references.remove(a.tenantId(), a.thumbSha256(), thumbOwner(a.id()));
      }
    }
  }

  // ---- checks --------------------------------------------------------------------------------

  /** The file name without any path, NFC, 1 to 255 characters, no control characters. */
  static String checkedName(@Nullable String raw) {
    if (raw == null) {
      throw Problems.invalid("name", "required", "Name the file.");
    }
    String n = Normalizer.normalize(raw, Normalizer.Form.NFC);
    n = n.substring(Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\')) + 1).strip();
    if (n.isEmpty() || n.equals(".") || n.equals("..")) {
      throw Problems.invalid("name", "required", "Name the file.");
    }
    if (n.length() > 255) {
      throw Problems.invalid("name", "too_long", "At most 255 characters.");
    }
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      if (Character.isISOControl(c) || c == '\u202e' || c == '\u202d') {
        throw Problems.invalid("name", "control", "Control characters are not allowed.");
      }
    }
    return n;
  }

  private void checkExtension(UUID tenantId, String name) {
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1).strip().toLowerCase(Locale.ROOT);
    if (!ext.isEmpty() && drives.policyOf(tenantId).blockedExtensions().contains(ext)) {
      throw new ProblemException(
          HttpStatus.UNPROCESSABLE_CONTENT,
          "extension-blocked",
          "Your company does not allow files ending in ." + ext + ".",
          List.of());
    }
  }

  private static String mediaType(@Nullable String declared) {
    if (declared == null) {
      return "application/octet-stream";
    }
    String t = declared.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    // An image type the server could not decode is not shown as an image.
    if (!MEDIA_TYPE.matcher(t).matches() || t.startsWith("image/") || t.startsWith("multipart/")) {
      return "application/octet-stream";
    }
    return t;
  }

  private static ProblemException tooLarge(long limit) {
    return new ProblemException(
        HttpStatus.CONTENT_TOO_LARGE,
        "attachment-too-large",
        "The file is larger than your company's limit of " + limit / (1024 * 1024) + " MB.",
        List.of());
  }

  private static String owner(UUID attachmentId) {
    return "talk.attachment:" + attachmentId;
  }

  private static String thumbOwner(UUID attachmentId) {
    return "talk.thumbnail:" + attachmentId;
  }
}
