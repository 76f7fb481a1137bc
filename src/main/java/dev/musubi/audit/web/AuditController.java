package dev.musubi.audit.web;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditEntry;
import dev.musubi.audit.AuditFilter;
import dev.musubi.audit.AuditLog;
import dev.musubi.audit.AuditPage;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditRecord.Outcome;
import dev.musubi.audit.AuditTrail;
import dev.musubi.audit.AuditVerification;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.security.Role;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The audit trail for security staff (super admins, security admins, auditors): search, CSV export
 * and chain verification of the signed-in member's own company. Exports and verifications are
 * themselves audited.
 */
@RestController
@RequestMapping("/api/v1/admin/audit")
class AuditController {

  private static final Role[] READERS = {Role.SUPER_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR};

  private final AuditLog log;
  private final AuditTrail trail;
  private final Clock clock;

  AuditController(AuditLog log, AuditTrail trail, Clock clock) {
    this.log = log;
    this.trail = trail;
    this.clock = clock;
  }

  @GetMapping
  AuditPage search(
      @RequestParam(required = false) @Nullable String from,
      @RequestParam(required = false) @Nullable String to,
      @RequestParam(required = false) @Nullable String actor,
      @RequestParam(required = false) @Nullable String action,
      @RequestParam(required = false) @Nullable String targetType,
      @RequestParam(required = false) @Nullable String targetId,
      @RequestParam(required = false) @Nullable String outcome,
      @RequestParam(required = false) @Nullable String page,
      @RequestParam(required = false) @Nullable String size) {
    MemberPrincipal me = CurrentMember.requireAny(READERS);
    AuditFilter filter = filter(from, to, actor, action, targetType, targetId, outcome, page, size);
    return log.search(me.tenantId(), filter);
  }

  @GetMapping("/export")
  void export(
      @RequestParam(required = false) @Nullable String from,
      @RequestParam(required = false) @Nullable String to,
      @RequestParam(required = false) @Nullable String actor,
      @RequestParam(required = false) @Nullable String action,
      @RequestParam(required = false) @Nullable String targetType,
      @RequestParam(required = false) @Nullable String targetId,
      @RequestParam(required = false) @Nullable String outcome,
      HttpServletResponse response)
      throws IOException {
    MemberPrincipal me = CurrentMember.requireAny(READERS);
    AuditFilter filter = filter(from, to, actor, action, targetType, targetId, outcome, null, null);
    String name = "audit-" + LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC) + ".csv";
    response.setContentType("text/csv; charset=UTF-8");
    response.setCharacterEncoding("UTF-8");
    response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "\"");
    response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    var record =
        AuditRecord.of(me.tenantId(), AuditAction.AUDIT_EXPORTED)
            .actor(me.memberId(), me.loginId())
            .target("audit", me.tenantId())
            .with("filter", describe(filter));
    long[] rows = {0};
    boolean done = false;
    try {
      Writer out =
          new BufferedWriter(
              new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8));
      out.write(AuditCsv.BOM);
      out.write(AuditCsv.HEADER);
      rows[0] =
          log.forEach(
              me.tenantId(),
              filter,
              (AuditEntry e) -> {
                AuditCsv.write(out, e);
                rows[0]++;
              });
      out.flush();
      done = true;
    } finally {
      var written = record.with("rows", rows[0]);
      trail.record(done ? written : written.failed());
    }
  }

  @GetMapping("/verify")
  AuditVerification verifyByGet() {
    return verify();
  }

  @PostMapping("/verify")
  AuditVerification verify() {
    MemberPrincipal me = CurrentMember.requireAny(READERS);
    AuditVerification result = log.verify(me.tenantId());
    var record =
        AuditRecord.of(me.tenantId(), AuditAction.AUDIT_VERIFIED)
            .actor(me.memberId(), me.loginId())
            .target("audit", me.tenantId())
            .with("valid", result.valid())
            .with("checked", result.checked());
    if (result.firstBrokenSeq() != null) {
      record =
          record.with("firstBrokenSeq", result.firstBrokenSeq()).with("reason", result.reason());
    }
    trail.record(record);
    return result;
  }

  private static String describe(AuditFilter f) {
    var parts = new ArrayList<String>();
    if (f.from() != null) parts.add("from=" + f.from());
    if (f.to() != null) parts.add("to=" + f.to());
    if (f.actor() != null) parts.add("actor=" + f.actor());
    if (f.action() != null) parts.add("action=" + f.action());
    if (f.targetType() != null) parts.add("targetType=" + f.targetType());
    if (f.targetId() != null) parts.add("targetId=" + f.targetId());
    if (f.outcome() != null) parts.add("outcome=" + f.outcome());
    return parts.isEmpty() ? "all" : String.join(" ", parts);
  }

  /** Parses the query parameters; every bad one is reported at once as a 422 problem. */
  static AuditFilter filter(
      @Nullable String from,
      @Nullable String to,
      @Nullable String actor,
      @Nullable String action,
      @Nullable String targetType,
      @Nullable String targetId,
      @Nullable String outcome,
      @Nullable String page,
      @Nullable String size) {
    List<FieldError> errors = new ArrayList<>();
    Instant fromAt = instant("from", from, errors);
    Instant toAt = instant("to", to, errors);
    if (fromAt != null && toAt != null && fromAt.isAfter(toAt)) {
      errors.add(new FieldError("from", "range", "Must not be after 'to'."));
    }
    AuditAction act = null;
    if (!blank(action)) {
      act = action(action.trim()).orElse(null);
      if (act == null) {
        errors.add(new FieldError("action", "unknown", "Is not a known audit action."));
      }
    }
    Outcome out = null;
    if (!blank(outcome)) {
      try {
        out = Outcome.valueOf(outcome.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        errors.add(new FieldError("outcome", "unknown", "Must be SUCCESS or FAILURE."));
      }
    }
    int pageNo = integer("page", page, 0, 0, Integer.MAX_VALUE / AuditFilter.MAX_SIZE, errors);
    int pageSize = integer("size", size, AuditFilter.DEFAULT_SIZE, 1, AuditFilter.MAX_SIZE, errors);
    if (!blank(actor) && actor.length() > 320) {
      errors.add(new FieldError("actor", "length", "Is too long."));
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    return new AuditFilter(
        fromAt,
        toAt,
        blank(actor) ? null : actor.trim(),
        act,
        blank(targetType) ? null : targetType.trim(),
        blank(targetId) ? null : targetId.trim(),
        out,
        pageNo,
        pageSize);
  }

  private static Optional<AuditAction> action(String text) {
    return Arrays.stream(AuditAction.values())
        .filter(a -> a.name().equalsIgnoreCase(text) || Integer.toString(a.code()).equals(text))
        .findFirst();
  }

  private static @Nullable Instant instant(
      String field, @Nullable String text, List<FieldError> errors) {
    if (blank(text)) {
      return null;
    }
    String t = text.trim();
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      try {
        return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e2) {
        errors.add(
            new FieldError(
                field, "format", "Must be an ISO-8601 instant (2026-04-01T09:00:00Z) or date."));
        return null;
      }
    }
  }

  private static int integer(
      String field, @Nullable String text, int absent, int min, int max, List<FieldError> errors) {
    if (blank(text)) {
      return absent;
    }
    try {
      int value = Integer.parseInt(text.trim());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    errors.add(
        new FieldError(field, "range", "Must be a whole number from " + min + " to " + max + "."));
    return absent;
  }

  private static boolean blank(@Nullable String text) {
    return text == null || text.isBlank();
  }
}
