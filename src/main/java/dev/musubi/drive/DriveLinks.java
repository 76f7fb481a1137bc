package dev.musubi.drive;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.drive.internal.DriveStore;
import dev.musubi.drive.internal.DriveStore.LinkRow;
import dev.musubi.drive.internal.DriveStore.NodeRow;
import dev.musubi.drive.internal.DriveStore.VersionRow;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.ProblemException;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Sharing links for people outside the company: a random token (only its SHA-256 is stored), an
 * optional expiry, an optional password (Argon2id) and an optional maximum number of downloads;
 * revocable. Creating one needs the editor role in the file's drive and a company policy that
 * allows outside links and the file's extension; the policy is checked again on every use.
 */
@Service
public class DriveLinks {

  /** What an outsider may see of a link before downloading. */
  public record PublicView(String name, long size, boolean passwordRequired) {}

  private static final int MAX_DAYS = 365;

  private final DriveStore store;
  private final Drives drives;
  private final AuditTrail audit;
  private final Ids ids;
  private final Clock clock;
  private final Argon2PasswordEncoder passwords =
      new Argon2PasswordEncoder(16, 32, 1, 19 * 1024, 2);

  DriveLinks(DriveStore store, Drives drives, AuditTrail audit, Ids ids, Clock clock) {
    this.store = store;
    this.drives = drives;
    this.audit = audit;
    this.ids = ids;
    this.clock = clock;
  }

  @Transactional
  public ShareLink create(
      MemberPrincipal actor,
      UUID fileId,
      @Nullable Integer expiresInDays,
      @Nullable String password,
      @Nullable Integer maxDownloads) {
    DriveItem file = drives.requireLive(actor, fileId, DriveRole.EDITOR);
    if (file.folder()) {
      throw Problems.notFound();
    }
    DrivePolicy policy = store.policy(actor.tenantId());
    if (!policy.outsideLinks()) {
      throw Problems.forbidden(
          "outside-links-forbidden", "Your company does not allow links for people outside it.");
    }
    drives.checkExtension(policy, file.name());
    List<FieldError> errors = new ArrayList<>();
    if (expiresInDays != null && (expiresInDays < 1 || expiresInDays > MAX_DAYS)) {
      errors.add(
          new FieldError("expiresInDays", "range", "Must be between 1 and " + MAX_DAYS + "."));
    }
    if (password != null && (password.length() < 8 || password.length() > 128)) {
      errors.add(new FieldError("password", "length", "Must be 8 to 128 characters."));
    }
    if (maxDownloads != null && (maxDownloads < 1 || maxDownloads > 100_000)) {
      errors.add(new FieldError("maxDownloads", "range", "Must be between 1 and 100000."));
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    Instant now = clock.instant();
    String token = ids.secret(32);
    LinkRow row =
        new LinkRow(
            ids.next(),
            actor.tenantId(),
            fileId,
            hash(token),
            password == null ? null : passwords.encode(password),
            expiresInDays == null ? null : now.plus(Duration.ofDays(expiresInDays)),
            maxDownloads,
            0,
            actor.memberId(),
            now,
            null);
    store.insertLink(row);
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.DRIVE_LINK_CREATED)
            .actor(actor.memberId(), actor.loginId())
            .target("drive.file", fileId)
            .with("link", row.id())
            .with("expiresAt", String.valueOf(row.expiresAt()))
            .with("password", password != null)
            .with("maxDownloads", String.valueOf(maxDownloads)));
    return view(row, token);
  }

  public List<ShareLink> list(MemberPrincipal actor, UUID fileId) {
    DriveItem file = drives.requireLive(actor, fileId, DriveRole.EDITOR);
    return store.links(actor.tenantId(), file.id()).stream().map(l -> view(l, null)).toList();
  }

  @Transactional
  public void revoke(MemberPrincipal actor, UUID linkId) {
    LinkRow l = store.link(actor.tenantId(), linkId).orElseThrow(Problems::notFound);
    drives.requireAccess(actor, l.nodeId(), DriveRole.EDITOR);
    store.revokeLink(actor.tenantId(), linkId, clock.instant());
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.DRIVE_LINK_REVOKED)
            .actor(actor.memberId(), actor.loginId())
            .target("drive.file", l.nodeId())
            .with("link", linkId));
  }

  /** What the link points at; 404 for unknown or revoked links, 410 once it has expired. */
  public PublicView inspect(String token) {
    Resolved r = resolve(token);
    return new PublicView(r.node().name(), r.node().size(), r.link().passwordHash() != null);
  }

  /**
   * Checks the link and its password, counts the download and audits it; the caller then streams
   * the returned version.
   */
  @Transactional(noRollbackFor = ProblemException.class)
  public Drives.Download use(String token, @Nullable String password) {
    Resolved r = resolve(token);
    LinkRow l = r.link();
    Instant now = clock.instant();
    if (l.passwordHash() != null) {
      long retryAfter = guessing.secondsBlocked(l.id(), now);
      if (retryAfter > 0) {
        audit.record(
            AuditRecord.of(l.tenantId(), AuditAction.DRIVE_LINK_REFUSED)
                .target("drive.file", l.nodeId())
                .with("link", l.id())
                .with("reason", "password_throttled")
                .failed());
        throw Problems.tooManyRequests(retryAfter);
      }
    }
    if (l.passwordHash() != null
        && (password == null
            || password.length() > 256
            || !passwords.matches(password, l.passwordHash()))) {
      if (password != null) {
        guessing.wrong(l.id(), now);
      }
      audit.record(
          AuditRecord.of(l.tenantId(), AuditAction.DRIVE_LINK_REFUSED)
              .target("drive.file", l.nodeId())
              .with("link", l.id())
              .with("reason", password == null ? "password_missing" : "password_wrong")
              .failed());
      throw new ProblemException(
          HttpStatus.UNAUTHORIZED,
          "link-password",
          "This link needs its password (header X-Link-Password).",
          List.of());
    }
    if (!store.countDownload(l.tenantId(), l.id())) {
      throw exhausted();
    }
    VersionRow v =
        store.version(l.tenantId(), r.node().currentVersionId()).orElseThrow(Problems::notFound);
    audit.record(
        AuditRecord.of(l.tenantId(), AuditAction.DRIVE_LINK_USED)
            .target("drive.file", l.nodeId())
            .with("link", l.id())
            .with("version", v.seq()));
    return drives.download(r.node(), v);
  }

  private record Resolved(LinkRow link, NodeRow node) {}

  private Resolved resolve(String token) {
    if (token.length() < 20 || token.length() > 100) {
      throw Problems.notFound();
    }
    LinkRow l = store.linkByToken(hash(token)).orElseThrow(Problems::notFound);
    if (l.revokedAt() != null) {
      throw Problems.notFound();
    }
    NodeRow n = store.node(l.tenantId(), l.nodeId()).orElseThrow(Problems::notFound);
    if (drives.isTrashed(n) || n.currentVersionId() == null) {
      throw Problems.notFound();
    }
    if (l.expiresAt() != null && !clock.instant().isBefore(l.expiresAt())) {
      throw new ProblemException(
          HttpStatus.GONE, "link-expired", "This link has expired.", List.of());
    }
    if (l.maxDownloads() != null && l.downloads() >= l.maxDownloads()) {
      throw exhausted();
    }
    DrivePolicy policy = store.policy(l.tenantId());
    if (!policy.outsideLinks()) {
      throw Problems.forbidden(
          "outside-links-forbidden", "The company that shared this file no longer allows links.");
    }
    drives.checkExtension(policy, n.name());
    return new Resolved(l, n);
  }

  /**
   * Wrong link passwords per link: after {@link #MAX_WRONG} within {@link #WINDOW} the link refuses
   * every password (even the right one) with 429 until the oldest wrong try leaves the window, so
   * nobody can guess a link password online; the Argon2 check is skipped while blocked. Kept in
   * memory (one node); a restart forgets it, which gives a guesser at most one more window.
   */
  static final class Guessing {
    static final int MAX_WRONG = 10;
    static final Duration WINDOW = Duration.ofMinutes(15);
    private static final int MAX_LINKS = 10_000;
    private final ConcurrentHashMap<UUID, ArrayDeque<Instant>> wrong = new ConcurrentHashMap<>();

    long secondsBlocked(UUID link, Instant now) {
      ArrayDeque<Instant> tries = wrong.get(link);
      if (tries == null) {
        return 0;
      }
      synchronized (tries) {
        prune(tries, now);
        if (tries.size() < MAX_WRONG) {
          return 0;
        }
        return Math.max(1, Duration.between(now, tries.peekFirst().plus(WINDOW)).toSeconds());
      }
    }

    void wrong(UUID link, Instant now) {
      if (wrong.size() > MAX_LINKS) {
        wrong.values().removeIf(d -> d.isEmpty() || prunedEmpty(d, now));
      }
      ArrayDeque<Instant> tries = wrong.computeIfAbsent(link, k -> new ArrayDeque<>());
      synchronized (tries) {
        prune(tries, now);
        tries.addLast(now);
      }
    }

    private static boolean prunedEmpty(ArrayDeque<Instant> tries, Instant now) {
      synchronized (tries) {
        prune(tries, now);
        return tries.isEmpty();
      }
    }

    private static void prune(ArrayDeque<Instant> tries, Instant now) {
      while (!tries.isEmpty() && !tries.peekFirst().plus(WINDOW).isAfter(now)) {
        tries.removeFirst();
      }
    }
  }

  private final Guessing guessing = new Guessing();

  private static ProblemException exhausted() {
    return new ProblemException(
        HttpStatus.GONE, "link-exhausted", "This link has reached its download limit.", List.of());
  }

  private static ShareLink view(LinkRow l, @Nullable String token) {
    return new ShareLink(
        l.id(),
        l.nodeId(),
        token,
        l.expiresAt(),
        l.maxDownloads(),
        l.downloads(),
        l.passwordHash() != null,
        l.createdAt(),
        l.revokedAt());
  }

  static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
