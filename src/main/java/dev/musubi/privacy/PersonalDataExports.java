package dev.musubi.privacy;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.AdminAccess;
import dev.musubi.identity.Members;
import dev.musubi.identity.Permission;
import dev.musubi.platform.Ids;
import dev.musubi.platform.MusubiProperties;
import dev.musubi.platform.blob.BlobRef;
import dev.musubi.platform.blob.BlobReferences;
import dev.musubi.platform.blob.BlobStore;
import dev.musubi.platform.privacy.PersonalDataSource;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.Problems;
import dev.musubi.privacy.internal.PrivacyStore;
import dev.musubi.privacy.internal.ZipExportSink;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Personal-data exports (APPI and GDPR right of access). A member asks for their own archive; an
 * admin with {@code members.write} may ask for a member's (audited as admin access to personal
 * data). The archive is built in the background on a virtual thread from every {@link
 * PersonalDataSource} into a zip that streams straight into the encrypted blob store (no plaintext
 * copy on disk); the archive is given up after its first complete download or when it expires (24
 * hours by default), whichever comes first. One export per (member, requester) runs at a time.
 */
@Service
public class PersonalDataExports {

  private static final Logger log = LoggerFactory.getLogger(PersonalDataExports.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** An archive ready to stream; call {@link #downloaded} when it was sent completely. */
  public record Download(ExportJob job, UUID tenantId, String sha256, long size, String filename) {}

  private final PrivacyStore store;
  private final List<PersonalDataSource> sources;
  private final AdminAccess access;
  private final Members members;
  private final AuditTrail audit;
  private final TransactionTemplate tx;
  private final Ids ids;
  private final Clock clock;
  private final Path dir;
  private final Duration lifetime;
  private final BlobStore blobs;
  private final BlobReferences references;

  PersonalDataExports(
      PrivacyStore store,
      List<PersonalDataSource> sources,
      AdminAccess access,
      Members members,
      AuditTrail audit,
      TransactionTemplate tx,
      Ids ids,
      Clock clock,
      MusubiProperties properties,
      BlobStore blobs,
      BlobReferences references,
      @Value("${musubi.privacy.export-lifetime:PT24H}") Duration lifetime) {
    this.blobs = blobs;
    this.references = references;
    this.store = store;
    this.sources = sources.stream().sorted(Comparator.comparing(PersonalDataSource::name)).toList();
    this.access = access;
    this.members = members;
    this.audit = audit;
    this.tx = tx;
    this.ids = ids;
    this.clock = clock;
    this.dir = properties.dataDir().resolve("exports");
    this.lifetime = lifetime;
  }

  // ---- the member's own export ---------------------------------------------------------------

  /** Starts an export of the caller's own data, or returns the one already running. */
  public ExportJob requestOwn(MemberPrincipal me) {
    return request(me, me.memberId(), AuditAction.PERSONAL_DATA_EXPORT_REQUESTED);
  }

  /** The caller's latest own export; 404 when there is none. */
  public ExportJob own(MemberPrincipal me) {
    return store
        .latestExport(me.tenantId(), me.memberId(), me.memberId())
        .orElseThrow(Problems::notFound);
  }

  /** The caller's ready archive; 409 when it is not ready, 404 when there is none. */
  public Download openOwn(MemberPrincipal me) {
    return open(me, own(me));
  }

  // ---- an admin's export of a member ---------------------------------------------------------

  /** Starts an export of a member's data for an admin (members.write, within their scope). */
  public ExportJob requestFor(MemberPrincipal admin, UUID memberId) {
    checkAdmin(admin, memberId);
    return request(admin, memberId, AuditAction.ADMIN_PERSONAL_DATA_EXPORT_REQUESTED);
  }

  /** The admin's latest export of the member; 404 when there is none. */
  public ExportJob forMember(MemberPrincipal admin, UUID memberId) {
    checkAdmin(admin, memberId);
    return store
        .latestExport(admin.tenantId(), memberId, admin.memberId())
        .orElseThrow(Problems::notFound);
  }

  public Download openFor(MemberPrincipal admin, UUID memberId) {
    return open(admin, forMember(admin, memberId));
  }

  private void checkAdmin(MemberPrincipal admin, UUID memberId) {
    access.require(admin, Permission.MEMBERS_WRITE);
    members.get(admin, memberId);
  }

  // ---- shared --------------------------------------------------------------------------------

  private ExportJob request(MemberPrincipal actor, UUID memberId, AuditAction action) {
    ExportJob job =
        tx.execute(
            s -> {
              var running =
                  store
                      .latestExport(actor.tenantId(), memberId, actor.memberId())
                      .filter(ExportJob::active);
              if (running.isPresent()) {
                return running.get();
              }
              UUID id = ids.next();
              store.insertExport(id, actor.tenantId(), memberId, actor.memberId(), clock.instant());
              audit.record(
                  AuditRecord.of(actor.tenantId(), action)
                      .actor(actor.memberId(), actor.loginId())
                      .target("member", memberId)
                      .with("export", id));
              return store.export(actor.tenantId(), id).orElseThrow();
            });
    if (job != null && job.status().equals("pending")) {
      UUID tenant = actor.tenantId();
      Thread.ofVirtual().name("privacy-export-" + job.id()).start(() -> build(tenant, job));
    }
    return java.util.Objects.requireNonNull(job);
  }

  private Download open(MemberPrincipal actor, ExportJob job) {
    if (!job.status().equals("ready")) {
      throw Problems.conflict(
          "export-not-ready",
          "This export is "
              + job.status()
              + "; start a new one if it failed, expired or was"
              + " downloaded.");
    }
    PrivacyStore.Archive archive =
        store
            .archive(actor.tenantId(), job.id())
            .orElseThrow(
                () -> Problems.conflict("export-not-ready", "This export is no longer available."));
    return new Download(
        job,
        actor.tenantId(),
        archive.sha256(),
        archive.size(),
        "musubi-personal-data-" + job.id() + ".zip");
  }

  /** The archive's bytes, decrypted from the blob store; the caller closes the stream. */
  public InputStream content(Download d) throws IOException {
    return blobs.open(d.tenantId(), d.sha256());
  }

  /**
   * Records the download (audited; an admin's as admin access to personal data) and deletes the
   * archive when it was sent completely; a broken download is audited as failed and can be retried.
   */
  public void downloaded(MemberPrincipal actor, Download d, boolean complete) {
    boolean own = d.job().requestedBy().equals(d.job().memberId());
    var record =
        AuditRecord.of(
                actor.tenantId(),
                own
                    ? AuditAction.PERSONAL_DATA_EXPORT_DOWNLOADED
                    : AuditAction.ADMIN_PERSONAL_DATA_EXPORT_DOWNLOADED)
            .actor(actor.memberId(), actor.loginId())
            .target("member", d.job().memberId())
            .with("export", d.job().id())
            .with("bytes", d.job().bytes());
    if (!complete) {
      audit.record(record.failed());
      return;
    }
    tx.executeWithoutResult(
        s -> {
          store.transition(actor.tenantId(), d.job().id(), "ready", "downloaded");
          audit.record(record);
          drop(actor.tenantId(), d.job().id());
        });
  }

  /**
   * Builds the archive; runs on its own virtual thread. The zip is streamed straight into the
   * encrypted blob store through a pipe, so no plaintext copy ever touches the disk.
   */
  void build(UUID tenantId, ExportJob job) {
    if (!store.transition(tenantId, job.id(), "pending", "running")) {
      return;
    }
    String failedSource = "";
    try {
      List<String> names;
      long bytes;
      PipedInputStream pipeIn = new PipedInputStream(64 * 1024);
      CompletableFuture<BlobRef> stored = new CompletableFuture<>();
      try (PipedOutputStream pipeOut = new PipedOutputStream(pipeIn)) {
        Thread.ofVirtual()
            .name("privacy-export-store-" + job.id())
            .start(
                () -> {
                  try (pipeIn) {
                    stored.complete(blobs.put(tenantId, job.memberId(), pipeIn, Long.MAX_VALUE));
                  } catch (IOException | RuntimeException e) {
                    stored.completeExceptionally(e);
                  }
                });
        try {
          ZipExportSink sink = new ZipExportSink(pipeOut);
          for (PersonalDataSource source : sources) {
            failedSource = source.name();
            source.export(tenantId, job.memberId(), sink);
          }
          failedSource = "manifest";
          Map<String, Object> manifest = new LinkedHashMap<>();
          manifest.put("format", "musubi-personal-data/1");
          manifest.put("member", job.memberId().toString());
          manifest.put("createdAt", clock.instant().toString());
          manifest.put("sources", sources.stream().map(PersonalDataSource::name).toList());
          manifest.put("files", sink.names());
          sink.write(
              "manifest.json",
              JSON.writerWithDefaultPrettyPrinter()
                  .writeValueAsString(manifest)
                  .getBytes(StandardCharsets.UTF_8));
          sink.finish();
          names = sink.names();
          bytes = sink.bytes();
        } catch (IOException | RuntimeException e) {
          // The store must not keep a truncated archive: break its end of the pipe first.
          pipeIn.close();
          throw e;
        }
      }
      failedSource = "blob store";
      BlobRef ref = stored.join();
      Instant now = clock.instant();
      tx.executeWithoutResult(
          s -> {
            references.add(tenantId, ref.sha256(), owner(job.id()));
            store.setArchive(
                tenantId, job.id(), new PrivacyStore.Archive(ref.sha256(), ref.size()));
            store.finishExport(
                tenantId, job.id(), "ready", names.size(), bytes, null, now, now.plus(lifetime));
          });
    } catch (IOException | RuntimeException e) {
      log.warn("Personal-data export {} failed in {}: {}", job.id(), failedSource, e.toString());
      String where = failedSource;
      tx.executeWithoutResult(
          s -> {
            store.finishExport(
                tenantId, job.id(), "failed", 0, 0, "failed in " + where, clock.instant(), null);
            audit.record(
                AuditRecord.of(tenantId, AuditAction.PERSONAL_DATA_EXPORT_FAILED)
                    .actor(null, "system")
                    .target("member", job.memberId())
                    .with("export", job.id())
                    .with("source", where)
                    .failed());
          });
    }
  }

  private static String owner(UUID exportId) {
    return "privacy.export:" + exportId;
  }

  /** Lets the blob collector remove an archive: no longer downloadable. */
  private void drop(UUID tenantId, UUID exportId) {
    store
        .archive(tenantId, exportId)
        .ifPresent(
            a -> {
              references.remove(tenantId, a.sha256(), owner(exportId));
              store.setArchive(tenantId, exportId, null);
            });
  }

  /** Deletes archives nobody downloaded before they expired; returns how many. */
  public int expire() {
    int n = 0;
    for (ExportJob j : store.expiredExports(clock.instant())) {
      UUID tenant = tenantOf(j);
      Boolean expired =
          tx.execute(
              s -> {
                drop(tenant, j.id());
                return store.transition(tenant, j.id(), "ready", "expired");
              });
      if (Boolean.TRUE.equals(expired)) {
        n++;
      }
    }
    return n;
  }

  private UUID tenantOf(ExportJob j) {
    return store.tenantOfExport(j.id());
  }

  /**
   * Marks jobs that a restart interrupted as failed, and removes plain zip files that versions
   * before the blob store kept under {@code <data dir>/exports}.
   */
  public int failInterrupted() {
    if (Files.isDirectory(dir)) {
      try (var files = Files.list(dir)) {
        files.forEach(
            p -> {
              try {
                Files.deleteIfExists(p);
              } catch (IOException e) {
                log.warn("Could not remove {}: {}", p, e.toString());
              }
            });
      } catch (IOException e) {
        log.warn("Could not list {}: {}", dir, e.toString());
      }
    }
    return store.failInterrupted(clock.instant());
  }
}
