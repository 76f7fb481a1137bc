package dev.musubi.drive;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.drive.internal.DriveStore;
import dev.musubi.drive.internal.DriveStore.DriveRow;
import dev.musubi.drive.internal.DriveStore.Grant;
import dev.musubi.drive.internal.DriveStore.NodeRow;
import dev.musubi.drive.internal.DriveStore.VersionRow;
import dev.musubi.identity.AdminAccess;
import dev.musubi.identity.IpRanges;
import dev.musubi.identity.RecentAuthentication;
import dev.musubi.platform.Ids;
import dev.musubi.platform.PageResult;
import dev.musubi.platform.blob.BlobRef;
import dev.musubi.platform.blob.BlobReferences;
import dev.musubi.platform.blob.BlobStore;
import dev.musubi.platform.blob.BlobTooLargeException;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.security.Role;
import dev.musubi.platform.web.ProblemException;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import dev.musubi.platform.web.RequestInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The drive: personal and shared drives, folders, files, versions, trash and quotas. Every method
 * takes the acting member, loads what it names within their company only (another company's IDs
 * answer 404, as do items of drives the member cannot see) and checks their role in the drive.
 * Contents go only through the blob store: a file version holds a blob reference added in the same
 * transaction as its row.
 */
@Service
public class Drives {

  /** An opened file version, ready to stream: the caller reads it from {@link BlobStore}. */
  public record Download(
      UUID tenantId,
      UUID fileId,
      UUID versionId,
      String name,
      long size,
      String contentType,
      String sha256,
      String etag) {}

  private static final int MAX_TREE = 10_000;
  private static final int CHILDREN_PAGE = 1_000;
  private static final int MAX_DEPTH = 200;

  private final DriveStore store;
  private final BlobStore blobs;
  private final BlobReferences refs;
  private final AuditTrail audit;
  private final Ids ids;
  private final Clock clock;
  private final TransactionTemplate tx;

  private final RecentAuthentication recentAuthentication;
  private final AdminAccess adminAccess;
  private final RequestInfo requestInfo;
  private final TransactionTemplate independentTx;

  Drives(
      DriveStore store,
      BlobStore blobs,
      BlobReferences refs,
      AuditTrail audit,
      Ids ids,
      Clock clock,
      PlatformTransactionManager transactions,
      RecentAuthentication recentAuthentication,
      AdminAccess adminAccess,
      RequestInfo requestInfo) {
    this.recentAuthentication = recentAuthentication;
    this.adminAccess = adminAccess;
    this.requestInfo = requestInfo;
    this.independentTx = new TransactionTemplate(transactions);
    this.independentTx.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.store = store;
    this.blobs = blobs;
    this.refs = refs;
    this.audit = audit;
    this.ids = ids;
    this.clock = clock;
    this.tx = new TransactionTemplate(transactions);
  }

  // ---- drives and rights ---------------------------------------------------------------------

  /** My personal drive (created on first use) and the shared drives I can see. */
  public List<DriveInfo> drives(MemberPrincipal actor) {
    List<DriveInfo> out = new ArrayList<>();
    DriveRow mine = personalDrive(actor);
    out.add(info(mine, DriveRole.MANAGER));
    for (DriveRow d : store.sharedDrives(actor.tenantId())) {
      DriveRole r = role(actor, d);
      if (r != null) {
        out.add(info(d, r));
      }
    }
    return out;
  }

  /** The member's personal drive, created on first use. */
  public DriveRow personalDrive(MemberPrincipal actor) {
    Optional<DriveRow> found = store.personal(actor.tenantId(), actor.memberId());
    if (found.isPresent()) {
      return found.get();
    }
    Instant now = clock.instant();
    DriveRow d =
        new DriveRow(
            ids.next(),
            actor.tenantId(),
            "personal",
            actor.memberId(),
            "My drive",
            ids.next(),
            now);
    tx.executeWithoutResult(s -> store.insertDrive(d, actor.memberId()));
    return store.personal(actor.tenantId(), actor.memberId()).orElseThrow();
  }

  public DriveInfo drive(MemberPrincipal actor, UUID driveId) {
    DriveRow d = store.drive(actor.tenantId(), driveId).orElseThrow(Problems::notFound);
    DriveRole r = role(actor, d);
    if (r == null) {
      throw Problems.notFound();
    }
    return info(d, r);
  }

  /** The caller's role in a drive, or null when they have none. */
  @Nullable DriveRole role(MemberPrincipal actor, DriveRow d) {
    if (d.personal()) {
      return actor.memberId().equals(d.ownerId()) ? DriveRole.MANAGER : null;
    }
    DriveRole best = actor.has(Role.SUPER_ADMIN) ? DriveRole.MANAGER : null;
    List<Grant> grants = store.grants(actor.tenantId(), d.id());
    Set<UUID> departments = null;
    for (Grant g : grants) {
      boolean applies =
          switch (g.principalType()) {
            case "member" -> g.principalId().equals(actor.memberId());
            case "company" -> g.principalId().equals(actor.tenantId());
            case "department" -> {
              if (departments == null) {
                departments =
                    new HashSet<>(store.departmentsOf(actor.tenantId(), actor.memberId()));
              }
              yield departments.contains(g.principalId());
            }
            default -> false;
          };
      if (applies) {
        DriveRole r = DriveRole.fromCode(g.role()).orElse(null);
        if (r != null && (best == null || r.atLeast(best))) {
          best = r;
        }
      }
    }
    return best;
  }

  /** A node of a drive the caller may at least view; 404 otherwise. */
  private Access access(MemberPrincipal actor, UUID nodeId) {
    NodeRow n = store.node(actor.tenantId(), nodeId).orElseThrow(Problems::notFound);
    DriveRow d = store.drive(actor.tenantId(), n.driveId()).orElseThrow(Problems::notFound);
    DriveRole r = role(actor, d);
    if (r == null) {
      throw Problems.notFound();
    }
    return new Access(n, d, r);
  }

  private Access access(MemberPrincipal actor, UUID nodeId, DriveRole needed) {
    Access a = access(actor, nodeId);
    if (!a.role().atLeast(needed)) {
      throw Problems.forbidden(
          "drive-role", "You need the " + needed.code() + " role in this drive for this.");
    }
    return a;
  }

  /** A live (not trashed, no trashed ancestor) node; trashed ones answer 404. */
  private Access live(MemberPrincipal actor, UUID nodeId, DriveRole needed) {
    Access a = access(actor, nodeId, needed);
    if (trashedAncestor(a.node()) != null) {
      throw Problems.notFound();
    }
    return a;
  }

  private record Access(NodeRow node, DriveRow drive, DriveRole role) {}

  /** The path from the root to the node, both included. */
  private List<NodeRow> path(NodeRow node) {
    List<NodeRow> path = new ArrayList<>();
    NodeRow cursor = node;
    for (int depth = 0; depth < MAX_DEPTH; depth++) {
      path.add(0, cursor);
      if (cursor.parentId() == null) {
        return path;
      }
      cursor = store.node(node.tenantId(), cursor.parentId()).orElse(null);
      if (cursor == null) {
        return path;
      }
    }
    return path;
  }

  private @Nullable NodeRow trashedAncestor(NodeRow node) {
    for (NodeRow n : path(node)) {
      if (n.trashedAt() != null) {
        return n;
      }
    }
    return null;
  }

  /** The item if it is live and the caller holds at least {@code needed}; 404/403 otherwise. */
  public DriveItem requireLive(MemberPrincipal actor, UUID id, DriveRole needed) {
    return view(live(actor, id, needed).node());
  }

  /** The item (trashed or not) if the caller holds at least {@code needed}; 404/403 otherwise. */
  public DriveItem requireAccess(MemberPrincipal actor, UUID id, DriveRole needed) {
    return view(access(actor, id, needed).node());
  }

  boolean isTrashed(NodeRow n) {
    return trashedAncestor(n) != null;
  }

  // ---- by name (WebDAV) ----------------------------------------------------------------------

  /** The live child of a folder with this name (compared in NFC ignoring case). */
  public Optional<DriveItem> child(MemberPrincipal actor, UUID folderId, String name) {
    Access a = live(actor, folderId, DriveRole.VIEWER);
    if (!a.node().folder()) {
      return Optional.empty();
    }
    return store.child(actor.tenantId(), folderId, DriveNames.key(name)).map(Drives::view);
  }

  /** Every live child of a folder, by name, read in pages of {@value #CHILDREN_PAGE}. */
  public List<DriveItem> children(MemberPrincipal actor, UUID folderId) {
    Access a = live(actor, folderId, DriveRole.VIEWER);
    requireFolder(a.node());
    List<DriveItem> all = new ArrayList<>();
    String after = null;
    while (true) {
      List<NodeRow> page =
          store.liveChildrenAfter(actor.tenantId(), folderId, after, CHILDREN_PAGE);
      page.forEach(n -> all.add(view(n)));
      if (page.size() < CHILDREN_PAGE) {
        return all;
      }
      after = DriveNames.key(page.get(page.size() - 1).name());
    }
  }

  /** The WebDAV dead properties of an item. */
  public List<DeadProperty> properties(MemberPrincipal actor, UUID id) {
    live(actor, id, DriveRole.VIEWER);
    return store.props(actor.tenantId(), id);
  }

  /**
   * The WebDAV dead properties of a folder's live children, by child ID (children without any are
   * absent), read at once. Needs the viewer role on the folder, as {@link #children} does.
   */
  public java.util.Map<UUID, List<DeadProperty>> childProperties(
      MemberPrincipal actor, UUID folderId) {
    Access a = live(actor, folderId, DriveRole.VIEWER);
    requireFolder(a.node());
    return store.childProps(actor.tenantId(), folderId);
  }

  /** Applies PROPPATCH changes in order, all or nothing (a null value removes the property). */
  public void patchProperties(MemberPrincipal actor, UUID id, List<DeadProperty> changes) {
    live(actor, id, DriveRole.EDITOR);
    tx.executeWithoutResult(
        s -> {
          for (DeadProperty p : changes) {
            if (p.value() == null) {
              store.removeProp(actor.tenantId(), id, p.namespace(), p.name());
            } else {
              store.setProp(actor.tenantId(), id, p.namespace(), p.name(), p.value());
            }
          }
        });
  }

  // ---- reading -------------------------------------------------------------------------------

  public DriveItem item(MemberPrincipal actor, UUID id) {
    return view(live(actor, id, DriveRole.VIEWER).node());
  }

  public FolderPage folder(
      MemberPrincipal actor,
      UUID folderId,
      @Nullable String sort,
      @Nullable String order,
      int page,
      int size) {
    PageResult.check(page, size, 500);
    String s = sort == null ? "name" : sort;
    if (!Set.of("name", "size", "updated").contains(s)) {
      throw Problems.invalid("sort", "invalid", "Must be name, size or updated.");
    }
    if (order != null && !order.equals("asc") && !order.equals("desc")) {
      throw Problems.invalid("order", "invalid", "Must be asc or desc.");
    }
    Access a = live(actor, folderId, DriveRole.VIEWER);
    if (!a.node().folder()) {
      throw Problems.notFound();
    }
    UUID t = actor.tenantId();
    List<DriveItem> items =
        store.children(t, folderId, s, "desc".equals(order), page * size, size).stream()
            .map(Drives::view)
            .toList();
    return new FolderPage(
        view(a.node()),
        path(a.node()).stream().map(Drives::view).toList(),
        items,
        page,
        size,
        store.countChildren(t, folderId));
  }

  /** Live items of the drive whose name contains {@code q} (case-insensitive), at most 200. */
  public List<DriveItem> search(MemberPrincipal actor, UUID driveId, @Nullable String q) {
    drive(actor, driveId);
    if (q == null || q.isBlank()) {
      throw Problems.invalid("q", "required", "Required.");
    }
    if (q.length() > 255) {
      throw Problems.invalid("q", "too_long", "At most 255 characters.");
    }
    List<DriveItem> out = new ArrayList<>();
    for (NodeRow n :
        store.searchByName(actor.tenantId(), driveId, DriveNames.key(q.strip()), 400)) {
      if (trashedAncestor(n) == null) {
        out.add(view(n));
        if (out.size() == 200) {
          break;
        }
      }
    }
    return out;
  }

  public Quota quota(MemberPrincipal actor) {
    DrivePolicy p = store.policy(actor.tenantId());
    DriveRow mine = personalDrive(actor);
    String refusal = downloadRefusal(actor, p);
    return new Quota(
        store.driveUsage(actor.tenantId(), mine.id()),
        p.memberQuotaBytes(),
        store.companyUsage(actor.tenantId()),
        p.companyQuotaBytes(),
        p.maxFileBytes(),
        refusal == null,
        refusal);
  }

  // ---- folders -------------------------------------------------------------------------------

  public DriveItem createFolder(MemberPrincipal actor, UUID parentId, @Nullable String rawName) {
    Access parent = live(actor, parentId, DriveRole.EDITOR);
    requireFolder(parent.node());
    String name = validName("name", rawName);
    Instant now = clock.instant();
    NodeRow n =
        new NodeRow(
            ids.next(),
            actor.tenantId(),
            parent.drive().id(),
            parentId,
            "folder",
            name,
            0,
            null,
            null,
            actor.memberId(),
            now,
            now,
            null);
    return tx.execute(
        s -> {
          insertUnique(n);
          return view(n);
        });
  }

  // ---- uploads -------------------------------------------------------------------------------

  /**
   * Stores a new file in a folder. The name and the declared length (−1 when unknown) are checked
   * before a byte is read; the blob store then reads at most what the size limit and both quotas
   * still allow, so an oversized upload stops while streaming and leaves nothing behind.
   */
  public DriveItem upload(
      MemberPrincipal actor,
      UUID folderId,
      @Nullable String rawName,
      @Nullable String contentType,
      long declaredLength,
      InputStream content) {
    Access parent = live(actor, folderId, DriveRole.EDITOR);
    requireFolder(parent.node());
    String name = validName("file", rawName);
    DrivePolicy policy = store.policy(actor.tenantId());
    checkExtension(policy, name);
    String key = DriveNames.key(name);
    if (store.child(actor.tenantId(), folderId, key).isPresent()) {
      throw nameTaken(store.child(actor.tenantId(), folderId, key).get());
    }
    long allowance = allowance(actor.tenantId(), parent.drive(), policy, declaredLength);
    BlobRef blob = put(actor.tenantId(), parent.drive(), content, allowance, policy);
    String type = contentType(contentType, name);
    Instant now = clock.instant();
    UUID versionId = ids.next();
    NodeRow n =
        new NodeRow(
            ids.next(),
            actor.tenantId(),
            parent.drive().id(),
            folderId,
            "file",
            name,
            blob.size(),
            type,
            versionId,
            actor.memberId(),
            now,
            now,
            null);
    return tx.execute(
        s -> {
          recheckQuota(actor.tenantId(), parent.drive(), policy, blob.size());
          insertUnique(n);
          addVersion(n, versionId, 1, blob, type, actor.memberId(), now);
          return view(n);
        });
  }

  /**
   * Checks, before any byte is sent, that an upload of {@code length} bytes named {@code rawName}
   * into the folder would be accepted (rights, name, extension, size limit, quotas); returns the
   * normalised name.
   */
  public String checkUpload(
      MemberPrincipal actor, UUID folderId, @Nullable String rawName, long length) {
    Access parent = live(actor, folderId, DriveRole.EDITOR);
    requireFolder(parent.node());
    String name = validName("filename", rawName);
    DrivePolicy policy = store.policy(actor.tenantId());
    checkExtension(policy, name);
    store
        .child(actor.tenantId(), folderId, DriveNames.key(name))
        .ifPresent(
            n -> {
              throw nameTaken(n);
            });
    allowance(actor.tenantId(), parent.drive(), policy, length);
    return name;
  }

  /**
   * Uploads a new version of a file. With {@code ifMatch} the upload only succeeds while the file's
   * current ETag is that value (412 otherwise), checked before streaming and again under the file's
   * row lock.
   */
  public DriveItem uploadVersion(
      MemberPrincipal actor,
      UUID fileId,
      @Nullable String ifMatch,
      @Nullable String contentType,
      long declaredLength,
      InputStream content) {
    Access a = live(actor, fileId, DriveRole.EDITOR);
    requireFile(a.node());
    checkIfMatch(a.node(), ifMatch);
    DrivePolicy policy = store.policy(actor.tenantId());
    long allowance = allowance(actor.tenantId(), a.drive(), policy, declaredLength);
    BlobRef blob = put(actor.tenantId(), a.drive(), content, allowance, policy);
    String type =
        contentType == null || contentType.isBlank() || contentType.startsWith("multipart/")
            ? contentType(null, a.node().name())
            : contentType(contentType, a.node().name());
    return tx.execute(
        s -> {
          UUID t = actor.tenantId();
          store.lock(t, fileId);
          NodeRow current = store.node(t, fileId).orElseThrow(Problems::notFound);
          checkIfMatch(current, ifMatch);
          recheckQuota(t, a.drive(), policy, blob.size());
          Instant now = clock.instant();
          UUID versionId = ids.next();
          addVersion(
              current, versionId, store.nextSeq(t, fileId), blob, type, actor.memberId(), now);
          store.setCurrent(t, fileId, versionId, blob.size(), type, now);
          prune(t, fileId, versionId, policy.versionsKept());
          return view(store.node(t, fileId).orElseThrow());
        });
  }

  private void checkIfMatch(NodeRow node, @Nullable String ifMatch) {
    if (ifMatch == null || ifMatch.isBlank() || ifMatch.strip().equals("*")) {
      return;
    }
    String etag = etag(node);
    for (String candidate : ifMatch.split(",")) {
      String c = candidate.strip();
      if (c.startsWith("W/")) {
        c = c.substring(2);
      }
      if (c.equals(etag)) {
        return;
      }
    }
    throw new ProblemException(
        HttpStatus.PRECONDITION_FAILED,
        "precondition-failed",
        "The file has changed since you read it (If-Match does not match its ETag).",
        List.of());
  }

  private long allowance(UUID tenantId, DriveRow drive, DrivePolicy policy, long declared) {
    long companyLeft = Math.max(0, policy.companyQuotaBytes() - store.companyUsage(tenantId));
    long left = companyLeft;
    if (drive.personal()) {
      left =
          Math.min(
              left,
              Math.max(0, policy.memberQuotaBytes() - store.driveUsage(tenantId, drive.id())));
    }
    if (declared > policy.maxFileBytes()) {
      throw tooLarge(policy);
    }
    if (declared > left) {
      throw quotaExceeded();
    }
    return Math.min(policy.maxFileBytes(), left);
  }

  private void recheckQuota(UUID tenantId, DriveRow drive, DrivePolicy policy, long adding) {
    if (store.companyUsage(tenantId) + adding > policy.companyQuotaBytes()) {
      throw quotaExceeded();
    }
    if (drive.personal()
        && store.driveUsage(tenantId, drive.id()) + adding > policy.memberQuotaBytes()) {
      throw quotaExceeded();
    }
  }

  /** A personal drive's files are under its owner's own key (erased with the owner). */
  private BlobRef put(
      UUID tenantId, DriveRow drive, InputStream content, long allowance, DrivePolicy policy) {
    try {
      return blobs.put(tenantId, drive.personal() ? drive.ownerId() : null, content, allowance);
    } catch (BlobTooLargeException e) {
      throw allowance >= policy.maxFileBytes() ? tooLarge(policy) : quotaExceeded();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ProblemException tooLarge(DrivePolicy policy) {
    return new ProblemException(
        HttpStatus.CONTENT_TOO_LARGE,
        "file-too-large",
        "The file is larger than the company's limit of " + policy.maxFileBytes() + " bytes.",
        List.of(),
        Map.of());
  }

  static ProblemException quotaExceeded() {
    return new ProblemException(
        HttpStatus.CONTENT_TOO_LARGE,
        "quota-exceeded",
        "The drive quota would be exceeded; delete files or empty the trash first.",
        List.of(),
        Map.of());
  }

  private void addVersion(
      NodeRow node, UUID versionId, int seq, BlobRef blob, String type, UUID by, Instant now) {
    store.insertVersion(
        new VersionRow(
            versionId, node.tenantId(), node.id(), seq, blob.sha256(), blob.size(), type, by, now));
    refs.add(node.tenantId(), blob.sha256(), owner(versionId));
  }

  private void prune(UUID tenantId, UUID fileId, UUID current, int keep) {
    List<VersionRow> versions = store.versions(tenantId, fileId);
    int kept = 0;
    for (VersionRow v : versions) {
      if (v.id().equals(current) || kept < keep) {
        kept++;
        continue;
      }
      dropVersion(v);
    }
  }

  private void dropVersion(VersionRow v) {
    store.deleteVersion(v.tenantId(), v.id());
    refs.remove(v.tenantId(), v.sha256(), owner(v.id()));
  }

  private static String owner(UUID versionId) {
    return "drive.version:" + versionId;
  }

  // ---- downloads -----------------------------------------------------------------------------

  /** Opens the current (or a given) version for download and audits it. */
  public Download download(MemberPrincipal actor, UUID fileId, @Nullable UUID versionId) {
    Access a = live(actor, fileId, DriveRole.VIEWER);
    requireFile(a.node());
    VersionRow v = version(a.node(), versionId);
    requireDownload(actor, fileId, "drive");
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.DRIVE_FILE_DOWNLOADED)
            .actor(actor.memberId(), actor.loginId())
            .target("drive.file", fileId)
            .with("version", v.seq()));
    return download(a.node(), v);
  }

  /**
   * Opens the current version of a live file of the reader's company for a download that another
   * module has authorised on its own terms (a calendar event's attachment: the reader may see the
   * event, and the member who attached the file could read it then). No drive role is checked here.
   * The download is audited as the reader's, naming what the file was attached to. Empty when the
   * file is no longer there (in the trash or deleted).
   */
  public Optional<Download> openAttached(
      MemberPrincipal reader, UUID fileId, String attachedToType, UUID attachedToId) {
    NodeRow n = store.node(reader.tenantId(), fileId).orElse(null);
    if (n == null || n.folder() || trashedAncestor(n) != null || n.currentVersionId() == null) {
      return Optional.empty();
    }
    VersionRow v = store.version(n.tenantId(), n.currentVersionId()).orElse(null);
    if (v == null || !v.nodeId().equals(n.id())) {
      return Optional.empty();
    }
    requireDownload(reader, fileId, attachedToType);
    audit.record(
        AuditRecord.of(reader.tenantId(), AuditAction.DRIVE_FILE_DOWNLOADED)
            .actor(reader.memberId(), reader.loginId())
            .target("drive.file", fileId)
            .with("version", v.seq())
            .with(attachedToType, attachedToId));
    return Optional.of(download(n, v));
  }

  /**
   * Why the company's drive policy refuses the caller's downloads from the current request: {@code
   * network} when the policy names download networks and the client address is in none of them (or
   * unknown), {@code role} when the caller holds a denied role ({@link DrivePolicy#PLAIN_MEMBERS}
   * for members without any admin role); null when downloads are allowed. Previews are not
   * downloads.
   */
  public @Nullable String downloadRefusal(MemberPrincipal actor) {
    return downloadRefusal(actor, store.policy(actor.tenantId()));
  }

  private @Nullable String downloadRefusal(MemberPrincipal actor, DrivePolicy p) {
    if (!p.downloadNetworks().isEmpty()) {
      String ip = currentIp();
      if (ip == null || !IpRanges.allows(p.downloadNetworks(), ip)) {
        return "network";
      }
    }
    if (!p.downloadDeniedRoles().isEmpty()) {
      Set<String> held = adminAccess.roleKeysOf(actor);
      if (held.isEmpty()) {
        held = Set.of(DrivePolicy.PLAIN_MEMBERS);
      }
      for (String key : p.downloadDeniedRoles()) {
        if (held.contains(key)) {
          return "role";
        }
      }
    }
    return null;
  }

  /** Throws 403 {@code download-not-allowed} (audited on its own) when the policy refuses. */
  private void requireDownload(MemberPrincipal actor, UUID fileId, String via) {
    String refusal = downloadRefusal(actor);
    if (refusal == null) {
      return;
    }
    // The request fails and may roll its own transaction back; the refusal is kept.
    independentTx.executeWithoutResult(
        s ->
            audit.record(
                AuditRecord.of(actor.tenantId(), AuditAction.DRIVE_DOWNLOAD_REFUSED)
                    .actor(actor.memberId(), actor.loginId())
                    .target("drive.file", fileId)
                    .with("reason", refusal)
                    .with("via", via)
                    .failed()));
    throw Problems.forbidden(
        "download-not-allowed",
        refusal.equals("network")
            ? "Your company allows downloads only from its managed networks; this address is not"
                + " one of them. You can still preview the file."
            : "Your company does not allow members with your role to download files. You can still"
                + " preview the file.");
  }

  private @Nullable String currentIp() {
    if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes a) {
      return requestInfo.clientIp(a.getRequest());
    }
    return null;
  }

  /** The current version of a file the caller may view, for a preview (not audited). */
  Download openForPreview(MemberPrincipal actor, UUID fileId) {
    Access a = live(actor, fileId, DriveRole.VIEWER);
    requireFile(a.node());
    return download(a.node(), version(a.node(), null));
  }

  Download download(NodeRow n, VersionRow v) {
    return new Download(
        n.tenantId(),
        n.id(),
        v.id(),
        n.name(),
        v.size(),
        v.contentType(),
        v.sha256(),
        "\"" + v.id() + "\"");
  }

  private VersionRow version(NodeRow n, @Nullable UUID versionId) {
    UUID id = versionId == null ? n.currentVersionId() : versionId;
    if (id == null) {
      throw Problems.notFound();
    }
    VersionRow v = store.version(n.tenantId(), id).orElseThrow(Problems::notFound);
    if (!v.nodeId().equals(n.id())) {
      throw Problems.notFound();
    }
    return v;
  }

  public InputStream open(Download d, long offset) throws IOException {
    return blobs.open(d.tenantId(), d.sha256(), offset);
  }

  // ---- versions ------------------------------------------------------------------------------

  public List<FileVersion> versions(MemberPrincipal actor, UUID fileId) {
    Access a = live(actor, fileId, DriveRole.VIEWER);
    requireFile(a.node());
    return store.versions(actor.tenantId(), fileId).stream()
        .map(
            v ->
                new FileVersion(
                    v.id(),
                    v.seq(),
                    v.size(),
                    v.contentType(),
                    v.createdBy(),
                    v.createdAt(),
                    v.id().equals(a.node().currentVersionId())))
        .toList();
  }

  /** Makes an old version current again, as a new version with the same content. */
  public DriveItem restoreVersion(MemberPrincipal actor, UUID fileId, UUID versionId) {
    Access a = live(actor, fileId, DriveRole.EDITOR);
    requireFile(a.node());
    VersionRow old = version(a.node(), versionId);
    DrivePolicy policy = store.policy(actor.tenantId());
    return tx.execute(
        s -> {
          UUID t = actor.tenantId();
          store.lock(t, fileId);
          recheckQuota(t, a.drive(), policy, old.size());
          Instant now = clock.instant();
          UUID id = ids.next();
          addVersion(
              a.node(),
              id,
              store.nextSeq(t, fileId),
              new BlobRef(old.sha256(), old.size()),
              old.contentType(),
              actor.memberId(),
              now);
          store.setCurrent(t, fileId, id, old.size(), old.contentType(), now);
          prune(t, fileId, id, policy.versionsKept());
          audit.record(
              AuditRecord.of(t, AuditAction.DRIVE_VERSION_RESTORED)
                  .actor(actor.memberId(), actor.loginId())
                  .target("drive.file", fileId)
                  .with("fromVersion", old.seq()));
          return view(store.node(t, fileId).orElseThrow());
        });
  }

  // ---- rename, move, copy --------------------------------------------------------------------

  /** Renames and/or moves an item (either may be null). */
  public DriveItem update(
      MemberPrincipal actor, UUID id, @Nullable String rawName, @Nullable UUID newParentId) {
    Access a = live(actor, id, DriveRole.EDITOR);
    if (a.node().parentId() == null) {
      throw Problems.conflict("root", "A drive's root folder cannot be renamed or moved.");
    }
    String name = rawName == null ? a.node().name() : validName("name", rawName);
    if (rawName != null && !a.node().folder()) {
      checkExtension(store.policy(actor.tenantId()), name);
    }
    Access target = a;
    if (newParentId != null && !newParentId.equals(a.node().parentId())) {
      target = live(actor, newParentId, DriveRole.EDITOR);
      requireFolder(target.node());
      for (NodeRow p : path(target.node())) {
        if (p.id().equals(id)) {
          throw Problems.invalid("parentId", "cycle", "A folder cannot move into itself.");
        }
      }
    }
    UUID parent = newParentId == null ? a.node().parentId() : newParentId;
    DriveRow targetDrive = target.drive();
    return tx.execute(
        s -> {
          UUID t = actor.tenantId();
          Instant now = clock.instant();
          String key = DriveNames.key(name);
          store
              .child(t, parent, key)
              .filter(other -> !other.id().equals(id))
              .ifPresent(
                  other -> {
                    throw nameTaken(other);
                  });
          if (!targetDrive.id().equals(a.drive().id())) {
            long bytes = treeBytes(a.node());
            recheckQuota(t, targetDrive, store.policy(t), bytes);
            forEachInTree(a.node(), n -> store.setDrive(t, n.id(), targetDrive.id()));
          }
          store.move(t, id, parent, now);
          try {
            store.rename(t, id, name, key, now);
          } catch (DuplicateKeyException e) {
            throw nameTaken(store.child(t, parent, key).orElse(a.node()));
          }
          return view(store.node(t, id).orElseThrow());
        });
  }

  /** Copies a file or a folder (with everything in it) into a folder. */
  public DriveItem copy(
      MemberPrincipal actor, UUID id, @Nullable UUID targetFolderId, @Nullable String rawName) {
    Access a = live(actor, id, DriveRole.VIEWER);
    if (a.node().parentId() == null) {
      throw Problems.conflict("root", "A drive's root folder cannot be copied.");
    }
    if (targetFolderId == null) {
      throw Problems.invalid("parentId", "required", "Required.");
    }
    Access target = live(actor, targetFolderId, DriveRole.EDITOR);
    requireFolder(target.node());
    if (a.node().folder()) {
      for (NodeRow p : path(target.node())) {
        if (p.id().equals(id)) {
          throw Problems.invalid("parentId", "cycle", "A folder cannot be copied into itself.");
        }
      }
    }
    String name = rawName == null ? a.node().name() : validName("name", rawName);
    DrivePolicy policy = store.policy(actor.tenantId());
    return tx.execute(
        s -> {
          UUID t = actor.tenantId();
          int[] count = {0};
          forEachInTree(a.node(), n -> count[0]++);
          if (count[0] > MAX_TREE) {
            throw Problems.conflict(
                "too-many", "At most " + MAX_TREE + " items can be copied at once.");
          }
          recheckQuota(t, target.drive(), policy, currentBytes(a.node()));
          NodeRow copy =
              copyTree(a.node(), target.drive().id(), targetFolderId, name, actor.memberId());
          return view(copy);
        });
  }

  private NodeRow copyTree(NodeRow src, UUID driveId, UUID parentId, String name, UUID by) {
    Instant now = clock.instant();
    UUID newId = ids.next();
    UUID versionId = src.folder() ? null : ids.next();
    NodeRow n =
        new NodeRow(
            newId,
            src.tenantId(),
            driveId,
            parentId,
            src.kind(),
            name,
            src.size(),
            src.contentType(),
            versionId,
            by,
            now,
            now,
            null);
    insertUnique(n);
    store.copyProps(src.tenantId(), src.id(), newId);
    if (!src.folder() && src.currentVersionId() != null) {
      VersionRow v = store.version(src.tenantId(), src.currentVersionId()).orElseThrow();
      addVersion(n, versionId, 1, new BlobRef(v.sha256(), v.size()), v.contentType(), by, now);
    }
    if (src.folder()) {
      for (NodeRow child : store.allChildren(src.tenantId(), src.id())) {
        if (child.trashedAt() == null) {
          copyTree(child, driveId, newId, child.name(), by);
        }
      }
    }
    return n;
  }

  // ---- trash ---------------------------------------------------------------------------------

  public void trash(MemberPrincipal actor, UUID id) {
    Access a = live(actor, id, DriveRole.EDITOR);
    if (a.node().parentId() == null) {
      throw Problems.conflict("root", "A drive's root folder cannot be deleted.");
    }
    tx.executeWithoutResult(
        s -> {
          store.trashNode(actor.tenantId(), id, actor.memberId(), clock.instant());
          audit.record(
              AuditRecord.of(actor.tenantId(), AuditAction.DRIVE_ITEM_TRASHED)
                  .actor(actor.memberId(), actor.loginId())
                  .target("drive." + a.node().kind(), id));
        });
  }

  /** Items put in the trash in this drive (only the items deleted, not their contents). */
  public List<DriveItem> trashOf(MemberPrincipal actor, UUID driveId) {
    drive(actor, driveId);
    return store.trash(actor.tenantId(), driveId).stream().map(Drives::view).toList();
  }

  /**
   * Takes an item out of the trash into its old folder (or the drive's root when that folder is
   * gone or itself in the trash); a name taken meanwhile gets a number appended.
   */
  public DriveItem restore(MemberPrincipal actor, UUID id) {
    Access a = access(actor, id, DriveRole.EDITOR);
    if (a.node().trashedAt() == null) {
      throw Problems.conflict("not-trashed", "The item is not in the trash.");
    }
    return tx.execute(
        s -> {
          UUID t = actor.tenantId();
          NodeRow n = a.node();
          UUID parent = n.parentId();
          NodeRow p = parent == null ? null : store.node(t, parent).orElse(null);
          if (p == null || trashedAncestor(p) != null || !p.driveId().equals(n.driveId())) {
            parent = a.drive().rootFolderId();
          }
          String name = freeName(t, parent, n.name());
          store.untrash(t, id, parent, name, DriveNames.key(name), clock.instant());
          audit.record(
              AuditRecord.of(t, AuditAction.DRIVE_ITEM_RESTORED)
                  .actor(actor.memberId(), actor.loginId())
                  .target("drive." + n.kind(), id));
          return view(store.node(t, id).orElseThrow());
        });
  }

  /** Removes a trashed item for good (with its contents and versions). */
  public void purge(MemberPrincipal actor, UUID id) {
    Access a = access(actor, id, DriveRole.EDITOR);
    if (a.node().trashedAt() == null) {
      throw Problems.conflict("not-trashed", "Only items in the trash can be deleted for good.");
    }
    tx.executeWithoutResult(
        s -> {
          removeTree(a.node());
          audit.record(
              AuditRecord.of(actor.tenantId(), AuditAction.DRIVE_ITEM_PURGED)
                  .actor(actor.memberId(), actor.loginId())
                  .target("drive." + a.node().kind(), id));
        });
  }

  /**
   * Removes everything that has been in the trash longer than its company's retention; returns how
   * many items were removed. Runs hourly.
   */
  public int emptyExpiredTrash() {
    Instant now = clock.instant();
    int removed = 0;
    Map<UUID, DrivePolicy> policies = new java.util.HashMap<>();
    for (NodeRow n : store.trashedBefore(now, 1000)) {
      DrivePolicy p = policies.computeIfAbsent(n.tenantId(), store::policy);
      if (n.trashedAt() != null
          && n.trashedAt().plus(Duration.ofDays(p.trashRetentionDays())).isBefore(now)) {
        tx.executeWithoutResult(
            s -> {
              removeTree(n);
              audit.record(
                  AuditRecord.of(n.tenantId(), AuditAction.DRIVE_ITEM_PURGED)
                      .target("drive." + n.kind(), n.id())
                      .with("reason", "retention"));
            });
        removed++;
      }
    }
    return removed;
  }

  private void removeTree(NodeRow n) {
    if (n.folder()) {
      for (NodeRow child : store.allChildren(n.tenantId(), n.id())) {
        removeTree(child);
      }
    } else {
      for (VersionRow v : store.versions(n.tenantId(), n.id())) {
        dropVersion(v);
      }
    }
    store.deleteNode(n.tenantId(), n.id());
  }

  // ---- shared drives -------------------------------------------------------------------------

  /** A new shared drive (super admins only); the creator becomes its manager. */
  public DriveInfo createShared(MemberPrincipal actor, @Nullable String rawName) {
    if (!actor.has(Role.SUPER_ADMIN)) {
      throw Problems.forbidden("Only a super admin can create shared drives.");
    }
    String name = validName("name", rawName);
    Instant now = clock.instant();
    DriveRow d = new DriveRow(ids.next(), actor.tenantId(), "shared", null, name, ids.next(), now);
    tx.executeWithoutResult(
        s -> {
          store.insertDrive(d, actor.memberId());
          store.putGrant(
              actor.tenantId(),
              d.id(),
              new Grant("member", actor.memberId(), DriveRole.MANAGER.code()),
              actor.memberId(),
              now);
          audit.record(
              AuditRecord.of(actor.tenantId(), AuditAction.DRIVE_CREATED)
                  .actor(actor.memberId(), actor.loginId())
                  .target("drive", d.id()));
        });
    return info(d, DriveRole.MANAGER);
  }

  /** Who has access to a shared drive. */
  public List<Grant> members(MemberPrincipal actor, UUID driveId) {
    DriveRow d = sharedFor(actor, driveId, DriveRole.VIEWER);
    return store.grants(actor.tenantId(), d.id());
  }

  /**
   * Grants a role in a shared drive to a member, a department or the whole company. Editors and
   * managers may share; nobody can grant a role above their own, and only managers change or remove
   * a grant that already exists.
   */
  public List<Grant> grant(
      MemberPrincipal actor,
      UUID driveId,
      @Nullable String principalType,
      @Nullable UUID principalId,
      @Nullable String roleCode,
      java.util.function.Predicate<UUID> principalExists) {
    DriveRow d = sharedFor(actor, driveId, DriveRole.EDITOR);
    DriveRole mine = role(actor, d);
    List<FieldError> errors = new ArrayList<>();
    DriveRole wanted = roleCode == null ? null : DriveRole.fromCode(roleCode).orElse(null);
    if (wanted == null) {
      errors.add(new FieldError("role", "invalid", "Must be viewer, editor or manager."));
    }
    if (principalType == null
        || !Set.of("member", "department", "company").contains(principalType)) {
      errors.add(new FieldError("type", "invalid", "Must be member, department or company."));
    }
    UUID principal = "company".equals(principalType) ? actor.tenantId() : principalId;
    if (principal == null
        || (!"company".equals(principalType) && !principalExists.test(principal))) {
      errors.add(new FieldError("id", "unknown", "No such member or department."));
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    if (mine == null || !mine.atLeast(wanted)) {
      throw Problems.forbidden(
          "reshare",
          "You cannot grant a role above your own ("
              + (mine == null ? "none" : mine.code())
              + ").");
    }
    List<Grant> existing = store.grants(actor.tenantId(), d.id());
    boolean exists =
        existing.stream()
            .anyMatch(
                g -> g.principalId().equals(principal) && g.principalType().equals(principalType));
    if (exists && !mine.atLeast(DriveRole.MANAGER)) {
      throw Problems.forbidden("drive-role", "Only a manager can change an existing grant.");
    }
    tx.executeWithoutResult(
        s -> {
          store.putGrant(
              actor.tenantId(),
              d.id(),
              new Grant(principalType, principal, wanted.code()),
              actor.memberId(),
              clock.instant());
          audit.record(
              AuditRecord.of(actor.tenantId(), AuditAction.DRIVE_MEMBER_GRANTED)
                  .actor(actor.memberId(), actor.loginId())
                  .target("drive", d.id())
                  .with("principal", principalType + ":" + principal)
                  .with("role", wanted.code()));
        });
    return store.grants(actor.tenantId(), d.id());
  }

  public void revoke(MemberPrincipal actor, UUID driveId, UUID principalId) {
    DriveRow d = sharedFor(actor, driveId, DriveRole.MANAGER);
    tx.executeWithoutResult(
        s -> {
          if (!store.removeGrant(actor.tenantId(), d.id(), principalId)) {
            throw Problems.notFound();
          }
          audit.record(
              AuditRecord.of(actor.tenantId(), AuditAction.DRIVE_MEMBER_REVOKED)
                  .actor(actor.memberId(), actor.loginId())
                  .target("drive", d.id())
                  .with("principal", principalId));
        });
  }

  private DriveRow sharedFor(MemberPrincipal actor, UUID driveId, DriveRole needed) {
    DriveRow d = store.drive(actor.tenantId(), driveId).orElseThrow(Problems::notFound);
    DriveRole r = role(actor, d);
    if (r == null) {
      throw Problems.notFound();
    }
    if (d.personal()) {
      throw Problems.conflict("personal", "A personal drive has no members.");
    }
    if (!r.atLeast(needed)) {
      throw Problems.forbidden(
          "drive-role", "You need the " + needed.code() + " role in this drive for this.");
    }
    return d;
  }

  // ---- policy --------------------------------------------------------------------------------

  public DrivePolicy policy(MemberPrincipal actor) {
    if (!actor.hasAny(Role.SUPER_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR)) {
      throw Problems.forbidden("You need an admin role for this.");
    }
    return store.policy(actor.tenantId());
  }

  public DrivePolicy policyOf(UUID tenantId) {
    return store.policy(tenantId);
  }

  public DrivePolicy updatePolicy(MemberPrincipal actor, DrivePolicy p) {
    if (!actor.hasAny(Role.SUPER_ADMIN, Role.SECURITY_ADMIN)) {
      throw Problems.forbidden("You need the super admin or security admin role for this.");
    }
    recentAuthentication.require(actor);
    List<FieldError> e = new ArrayList<>();
    if (p.memberQuotaBytes() < 0) {
      e.add(new FieldError("memberQuotaBytes", "range", "Must be 0 or more."));
    }
    if (p.companyQuotaBytes() < 0) {
      e.add(new FieldError("companyQuotaBytes", "range", "Must be 0 or more."));
    }
    if (p.maxFileBytes() < 1) {
      e.add(new FieldError("maxFileBytes", "range", "Must be 1 or more."));
    }
    if (p.versionsKept() < 1 || p.versionsKept() > 1000) {
      e.add(new FieldError("versionsKept", "range", "Must be between 1 and 1000."));
    }
    if (p.trashRetentionDays() < 1 || p.trashRetentionDays() > 3650) {
      e.add(new FieldError("trashRetentionDays", "range", "Must be between 1 and 3650."));
    }
    List<String> exts = new ArrayList<>();
    if (p.blockedExtensions() != null) {
      if (p.blockedExtensions().size() > 100) {
        e.add(new FieldError("blockedExtensions", "too_many", "At most 100."));
      }
      for (String x : p.blockedExtensions()) {
        String v = x == null ? "" : x.strip().toLowerCase(Locale.ROOT);
        if (v.startsWith(".")) {
          v = v.substring(1);
        }
        if (!v.matches("[a-z0-9_-]{1,20}")) {
          e.add(new FieldError("blockedExtensions", "invalid", "Letters and digits only."));
          break;
        }
        exts.add(v);
      }
    }
    List<String> networks = new ArrayList<>();
    if (p.downloadNetworks() != null) {
      if (p.downloadNetworks().size() > 100) {
        e.add(new FieldError("downloadNetworks", "too_many", "At most 100."));
      } else {
        for (String x : p.downloadNetworks()) {
          String v = x == null ? "" : x.strip();
          if (v.isEmpty() || v.length() > 64 || !IpRanges.isValid(v)) {
            e.add(
                new FieldError(
                    "downloadNetworks", "invalid", "Not an IP address or CIDR block: " + clip(v)));
            break;
          }
          if (!networks.contains(v)) {
            networks.add(v);
          }
        }
      }
    }
    List<String> deniedRoles = new ArrayList<>();
    if (p.downloadDeniedRoles() != null) {
      if (p.downloadDeniedRoles().size() > 100) {
        e.add(new FieldError("downloadDeniedRoles", "too_many", "At most 100."));
      } else {
        Set<String> known = new HashSet<>(adminAccess.roleKeys(actor.tenantId()));
        known.add(DrivePolicy.PLAIN_MEMBERS);
        for (String x : p.downloadDeniedRoles()) {
          String v = x == null ? "" : x.strip();
          if (!known.contains(v)) {
            e.add(
                new FieldError("downloadDeniedRoles", "unknown_role", "No such role: " + clip(v)));
            break;
          }
          if (!deniedRoles.contains(v)) {
            deniedRoles.add(v);
          }
        }
      }
    }
    if (!e.isEmpty()) {
      throw Problems.invalid(e);
    }
    DrivePolicy clean =
        new DrivePolicy(
            p.memberQuotaBytes(),
            p.companyQuotaBytes(),
            p.maxFileBytes(),
            p.versionsKept(),
            p.trashRetentionDays(),
            p.outsideLinks(),
            exts,
            networks,
            deniedRoles);
    tx.executeWithoutResult(
        s -> {
          DrivePolicy before = store.policy(actor.tenantId());
          store.savePolicy(actor.tenantId(), clean, clock.instant());
          audit.record(
              AuditRecord.of(actor.tenantId(), AuditAction.DRIVE_POLICY_CHANGED)
                  .actor(actor.memberId(), actor.loginId())
                  .target("policy", "drive")
                  .with("before", before.toString())
                  .with("after", clean.toString()));
        });
    return clean;
  }

  private static String clip(String s) {
    return s.length() > 64 ? s.substring(0, 64) + "…" : s;
  }

  void checkExtension(DrivePolicy policy, String name) {
    String ext = DriveNames.extension(name);
    if (!ext.isEmpty() && policy.blockedExtensions().contains(ext)) {
      throw Problems.forbidden(
          "extension-blocked", "Your company does not allow files ending in ." + ext + ".");
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private String validName(String field, @Nullable String raw) {
    FieldError error = DriveNames.check(field, raw);
    if (error != null) {
      throw Problems.invalid(List.of(error));
    }
    return DriveNames.normalise(raw);
  }

  private void insertUnique(NodeRow n) {
    String key = DriveNames.key(n.name());
    if (n.parentId() != null) {
      store.lock(n.tenantId(), n.parentId());
      Optional<NodeRow> other = store.child(n.tenantId(), n.parentId(), key);
      if (other.isPresent()) {
        throw nameTaken(other.get());
      }
    }
    try {
      store.insertNode(n, key);
    } catch (DuplicateKeyException e) {
      throw Problems.conflict("name-taken", "An item with this name already exists here.");
    }
  }

  private static ProblemException nameTaken(NodeRow existing) {
    return new ProblemException(
        HttpStatus.CONFLICT,
        "name-taken",
        "An item with this name already exists here (names are compared ignoring case).",
        List.of(),
        Map.of("X-Existing-Id", existing.id().toString()));
  }

  private String freeName(UUID tenantId, UUID parentId, String name) {
    if (store.child(tenantId, parentId, DriveNames.key(name)).isEmpty()) {
      return name;
    }
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot) : "";
    for (int i = 2; i < 1000; i++) {
      String candidate = stem + " (" + i + ")" + ext;
      if (candidate.codePointCount(0, candidate.length()) <= DriveNames.MAX_LENGTH
          && store.child(tenantId, parentId, DriveNames.key(candidate)).isEmpty()) {
        return candidate;
      }
    }
    throw Problems.conflict("name-taken", "No free name for the restored item.");
  }

  private void forEachInTree(NodeRow n, java.util.function.Consumer<NodeRow> f) {
    f.accept(n);
    if (n.folder()) {
      for (NodeRow c : store.allChildren(n.tenantId(), n.id())) {
        forEachInTree(c, f);
      }
    }
  }

  private long treeBytes(NodeRow n) {
    long[] sum = {0};
    forEachInTree(
        n,
        x -> {
          if (!x.folder()) {
            for (VersionRow v : store.versions(x.tenantId(), x.id())) {
              sum[0] += v.size();
            }
          }
        });
    return sum[0];
  }

  private long currentBytes(NodeRow n) {
    long[] sum = {0};
    forEachInTree(
        n,
        x -> {
          if (!x.folder() && x.trashedAt() == null) {
            sum[0] += x.size();
          }
        });
    return sum[0];
  }

  private static void requireFolder(NodeRow n) {
    if (!n.folder()) {
      throw Problems.invalid("parentId", "not_folder", "Not a folder.");
    }
  }

  private static void requireFile(NodeRow n) {
    if (n.folder()) {
      throw Problems.notFound();
    }
  }

  private static String contentType(@Nullable String given, String name) {
    if (given != null && given.matches("[a-zA-Z0-9.+-]{1,60}/[a-zA-Z0-9.+-]{1,100}")) {
      return given.toLowerCase(Locale.ROOT);
    }
    String guessed = java.net.URLConnection.guessContentTypeFromName(name);
    return guessed == null ? "application/octet-stream" : guessed;
  }

  static String etag(NodeRow n) {
    return n.currentVersionId() == null ? "" : "\"" + n.currentVersionId() + "\"";
  }

  private static DriveInfo info(DriveRow d, DriveRole r) {
    return new DriveInfo(d.id(), d.kind(), d.name(), d.rootFolderId(), r);
  }

  static DriveItem view(NodeRow n) {
    return new DriveItem(
        n.id(),
        n.driveId(),
        n.parentId(),
        n.kind(),
        n.name(),
        n.size(),
        n.contentType(),
        n.folder() ? null : etag(n),
        n.currentVersionId(),
        n.createdAt(),
        n.updatedAt(),
        n.trashedAt());
  }
}
