package dev.musubi.ops.web;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.ops.internal.BackupProperties;
import dev.musubi.ops.internal.Backups;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.Problems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The operator's backups: start one now, list them, verify one. Archives go only into the
 * configured {@code MUSUBI_BACKUP_DIR}; the API never takes a path.
 */
@RestController
@RequestMapping("/api/v1/operator/backups")
class OperatorBackupsController {

  record ArchiveView(
      String name,
      Instant createdAt,
      long files,
      long bytes,
      Map<String, Long> rows,
      long tookMillis) {}

  record ListedArchive(String name, Instant modifiedAt) {}

  record VerificationView(String name, boolean valid, List<String> problems, long files) {}

  private final Backups backups;
  private final BackupProperties properties;
  private final AuditTrail audit;

  OperatorBackupsController(Backups backups, BackupProperties properties, AuditTrail audit) {
    this.backups = backups;
    this.properties = properties;
    this.audit = audit;
  }

  private Path dir() {
    Path dir = properties.dir();
    if (dir == null) {
      throw Problems.conflict(
          "backup-dir-not-set", "Set MUSUBI_BACKUP_DIR to say where backups are written.");
    }
    return dir;
  }

  @PostMapping
  ResponseEntity<ArchiveView> backupNow() throws IOException {
    MemberPrincipal operator = CurrentMember.get();
    Backups.Archive a = backups.backup(dir());
    backups.prune(dir(), properties.keep());
    audit.record(
        AuditRecord.of(operator.tenantId(), AuditAction.BACKUP_CREATED)
            .actor(operator.memberId(), operator.loginId())
            .target("backup", a.name())
            .with("files", Long.toString(a.files()))
            .with("bytes", Long.toString(a.bytes())));
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(
            new ArchiveView(
                a.name(), a.createdAt(), a.files(), a.bytes(), a.rows(), a.took().toMillis()));
  }

  @GetMapping
  List<ListedArchive> list() throws IOException {
    List<ListedArchive> out = new ArrayList<>();
    for (Path p : backups.archives(dir())) {
      out.add(
          new ListedArchive(
              p.getFileName().toString(),
              Files.getLastModifiedTime(p.resolve("manifest.json")).toInstant()));
    }
    return out;
  }

  @PostMapping("/{name}/verify")
  VerificationView verify(@PathVariable String name) throws IOException {
    MemberPrincipal operator = CurrentMember.get();
    Path archive =
        backups.archives(dir()).stream()
            .filter(p -> p.getFileName().toString().equals(name))
            .findFirst()
            .orElseThrow(Problems::notFound);
    Backups.Verification v = backups.verify(archive);
    audit.record(
        AuditRecord.of(operator.tenantId(), AuditAction.BACKUP_VERIFIED)
            .actor(operator.memberId(), operator.loginId())
            .target("backup", name)
            .with("valid", Boolean.toString(v.valid())));
    return new VerificationView(name, v.valid(), v.problems(), v.files());
  }
}
