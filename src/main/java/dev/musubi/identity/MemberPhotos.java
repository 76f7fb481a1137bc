package dev.musubi.identity;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.internal.PhotoImages;
import dev.musubi.platform.Jdbc;
import dev.musubi.platform.blob.BlobNotFoundException;
import dev.musubi.platform.blob.BlobRef;
import dev.musubi.platform.blob.BlobReferences;
import dev.musubi.platform.blob.BlobStore;
import dev.musubi.platform.blob.BlobTooLargeException;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.security.Role;
import dev.musubi.platform.web.ProblemException;
import dev.musubi.platform.web.Problems;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Members' profile photos. A member sets their own, member admins set or remove anyone's in their
 * company. An upload is decoded with bounds ({@link PhotoImages}), cropped to a square JPEG and
 * kept in the company's encrypted blob store; the member row names it and holds a blob reference,
 * so the blob collector frees a replaced or removed photo. Colleagues in the same company read it;
 * anyone else gets 404.
 */
@Service
public class MemberPhotos {

  /** The largest upload accepted, in bytes (16 MiB); larger uploads answer 413. */
  public static final int MAX_UPLOAD_BYTES = 16 * 1024 * 1024;

  /** A stored photo: the SHA-256 of its JPEG (its version, for ETags) and the JPEG itself. */
  public record Photo(String sha256, byte[] jpeg) {
    public static final String CONTENT_TYPE = "image/jpeg";
  }

  private final JdbcClient jdbc;
  private final BlobStore blobs;
  private final BlobReferences references;
  private final AuditTrail audit;
  private final TransactionTemplate tx;
  private final Clock clock;

  MemberPhotos(
      JdbcClient jdbc,
      BlobStore blobs,
      BlobReferences references,
      AuditTrail audit,
      PlatformTransactionManager transactions,
      Clock clock) {
    this.jdbc = jdbc;
    this.blobs = blobs;
    this.references = references;
    this.audit = audit;
    this.tx = new TransactionTemplate(transactions);
    this.clock = clock;
  }

  /**
   * Sets the member's photo from an uploaded image and returns the new photo's SHA-256. Who may,
   * and whether the member exists, is checked before a byte is read.
   *
   * @param declaredLength the request's Content-Length, or -1 when unknown
   * @throws ProblemException 404 for a member who is not active in the caller's company, 403 for a
   *     member who is not the caller without a member admin role, 413 over {@link
   *     #MAX_UPLOAD_BYTES}, 422 ({@code photo}: {@code not_an_image}, {@code too_many_pixels},
   *     {@code empty}) for anything but a JPEG, PNG or GIF image that decodes within bounds
   */
  public String set(
      MemberPrincipal actor, UUID memberId, long declaredLength, InputStream content) {
    requireMayChange(actor, memberId);
    if (declaredLength > MAX_UPLOAD_BYTES) {
      throw tooLarge();
    }
    byte[] upload;
    try {
      upload = content.readNBytes(MAX_UPLOAD_BYTES + 1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (upload.length > MAX_UPLOAD_BYTES) {
      throw tooLarge();
    }
    if (upload.length == 0) {
      throw Problems.invalid("photo", "empty", "Choose an image file.");
    }
    byte[] jpeg;
    try {
      jpeg = PhotoImages.square(upload);
    } catch (PhotoImages.RefusedException e) {
      throw Problems.invalid("photo", e.code(), e.getMessage());
    }
    BlobRef blob;
    try {
      blob =
          blobs.put(actor.tenantId(), memberId, new ByteArrayInputStream(jpeg), MAX_UPLOAD_BYTES);
    } catch (BlobTooLargeException e) {
      throw tooLarge();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    tx.executeWithoutResult(
        s -> {
          requireMayChange(actor, memberId);
          replace(actor.tenantId(), memberId, blob.sha256());
          audit.record(
              AuditRecord.of(actor.tenantId(), AuditAction.DIRECTORY_PROFILE_UPDATED)
                  .actor(actor.memberId(), actor.loginId())
                  .target("member", memberId)
                  .with("fields", "photo")
                  .with("photo", "set"));
        });
    return blob.sha256();
  }

  /** Removes the member's photo; nothing happens when there is none. Same rules as {@link #set}. */
  public void remove(MemberPrincipal actor, UUID memberId) {
    tx.executeWithoutResult(
        s -> {
          requireMayChange(actor, memberId);
          if (current(actor.tenantId(), memberId).isEmpty()) {
            return;
          }
          replace(actor.tenantId(), memberId, null);
          audit.record(
              AuditRecord.of(actor.tenantId(), AuditAction.DIRECTORY_PROFILE_UPDATED)
                  .actor(actor.memberId(), actor.loginId())
                  .target("member", memberId)
                  .with("fields", "photo")
                  .with("photo", "removed"));
        });
  }

  /**
   * The photo of an active member of the caller's company.
   *
   * @throws ProblemException 404 when the member is not active in the caller's company or has no
   *     photo
   */
  public Photo get(MemberPrincipal actor, UUID memberId) {
    return of(actor.tenantId(), memberId).orElseThrow(Problems::notFound);
  }

  /** The photo of an active member of the company, if they have one; never null. */
  public Optional<Photo> of(UUID tenantId, UUID memberId) {
    Optional<String> sha = current(tenantId, memberId);
    if (sha.isEmpty()) {
      return Optional.empty();
    }
    try (InputStream in = blobs.open(tenantId, sha.get())) {
      return Optional.of(new Photo(sha.get(), in.readAllBytes()));
    } catch (BlobNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Drops the photo of a member being deleted (in the caller's transaction); the blob collector
   * frees the blob.
   */
  void forget(UUID tenantId, UUID memberId) {
    String sha =
        jdbc.sql("SELECT photo_sha256 FROM member WHERE tenant_id = ? AND id = ?")
            .params(tenantId, memberId)
            .query((rs, n) -> Optional.ofNullable(rs.getString(1)))
            .optional()
            .flatMap(o -> o)
            .orElse(null);
    if (sha == null) {
      return;
    }
    jdbc.sql("UPDATE member SET photo_sha256 = NULL WHERE tenant_id = ? AND id = ?")
        .params(tenantId, memberId)
        .update();
    references.remove(tenantId, sha, owner(memberId));
  }

  // ------------------------------------------------------------------------------------------

  private void replace(UUID tenantId, UUID memberId, @Nullable String sha) {
    Optional<String> old = current(tenantId, memberId);
    if (sha != null) {
      references.add(tenantId, sha, owner(memberId));
    }
    jdbc.sql("UPDATE member SET photo_sha256 = ?, updated_at = ? WHERE tenant_id = ? AND id = ?")
        .params(sha, Jdbc.ts(clock.instant()), tenantId, memberId)
        .update();
    old.filter(o -> !o.equals(sha)).ifPresent(o -> references.remove(tenantId, o, owner(memberId)));
  }

  private Optional<String> current(UUID tenantId, UUID memberId) {
    return jdbc.sql(
            "SELECT photo_sha256 FROM member WHERE tenant_id = ? AND id = ? AND status = 'ACTIVE'")
        .params(tenantId, memberId)
        .query((rs, n) -> Optional.ofNullable(rs.getString(1)))
        .optional()
        .flatMap(o -> o);
  }

  private void requireMayChange(MemberPrincipal actor, UUID memberId) {
    long found =
        jdbc.sql("SELECT COUNT(*) FROM member WHERE tenant_id = ? AND id = ? AND status = 'ACTIVE'")
            .params(actor.tenantId(), memberId)
            .query(Long.class)
            .single();
    if (found == 0) {
      throw Problems.notFound();
    }
    if (!actor.memberId().equals(memberId) && !actor.hasAny(Role.SUPER_ADMIN, Role.MEMBER_ADMIN)) {
      throw Problems.forbidden("Only member admins can change another member's photo.");
    }
  }

  private static String owner(UUID memberId) {
    return "identity.member-photo:" + memberId;
  }

  private static ProblemException tooLarge() {
    return new ProblemException(
        HttpStatus.CONTENT_TOO_LARGE,
        "photo-too-large",
        "The photo is larger than " + MAX_UPLOAD_BYTES / (1024 * 1024) + " MB.",
        List.of());
  }
}
