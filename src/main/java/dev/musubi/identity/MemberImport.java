package dev.musubi.identity;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.internal.CompanyStore;
import dev.musubi.identity.internal.Csv;
import dev.musubi.identity.internal.Fields;
import dev.musubi.identity.internal.MemberRow;
import dev.musubi.identity.internal.MemberStore;
import dev.musubi.identity.internal.MemberStore.DepartmentAssignment;
import dev.musubi.identity.internal.credentials.LoginIdPolicy;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.security.Role;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Bulk member import and export as CSV. An import is validated row by row first (a dry run stops
 * there and reports); a commit writes every row or none. Files are read as a stream from a
 * temporary file, so memory grows with the row count's ID sets only, not with the file. Imported
 * members get no password: an admin hands each a one-time reset link. Export neutralises
 * spreadsheet formulas.
 */
@Service
public class MemberImport {

  /** At most this many data rows per file. */
  public static final int MAX_ROWS = 100_000;

  /** At most this many bytes per file. */
  public static final long MAX_BYTES = 64L * 1024 * 1024;

  private static final int MAX_REPORTED = 1000;
  private static final int BATCH = 400;

  /** Column names (as exported) and Japanese aliases. */
  private static final Map<String, String> COLUMNS = new LinkedHashMap<>();

  static {
    String[][] names = {
      {"loginId", "ログインID"},
      {"displayName", "表示名"},
      {"familyName", "姓"},
      {"givenName", "名"},
      {"familyNameReading", "姓(よみ)"},
      {"givenNameReading", "名(よみ)"},
      {"email", "メールアドレス"},
      {"phone", "電話番号"},
      {"department", "部署"},
      {"position", "役職"},
    };
    for (String[] n : names) {
      COLUMNS.put(n[0].toLowerCase(Locale.ROOT), n[0]);
      COLUMNS.put(n[1], n[0]);
    }
  }

  /** Export-only columns that an import ignores (so an export can be edited and re-imported). */
  private static final Set<String> IGNORED =
      Set.of("status", "roles", "mfaenabled", "lastloginat", "createdat");

  /** One problem in one row ({@code row} is the line in the file). */
  public record RowError(int row, String loginId, String field, String code, String message) {}

  /**
   * What an import found or did.
   *
   * @param errors at most 1000, ordered by row; {@code truncated} when there were more
   */
  public record Report(
      boolean dryRun,
      boolean committed,
      String encoding,
      int rows,
      int valid,
      int invalid,
      List<RowError> errors,
      boolean truncated) {}

  private record Parsed(
      int line,
      String loginId,
      String key,
      String skeleton,
      String displayName,
      String familyName,
      String givenName,
      String familyNameReading,
      String givenNameReading,
      String email,
      String phone,
      @Nullable UUID department,
      String position) {}

  private final Members members;
  private final MemberStore store;
  private final CompanyStore companies;
  private final Departments departments;
  private final AdminAccess access;
  private final AuditTrail audit;
  private final Ids ids;
  private final Clock clock;
  private final TransactionTemplate tx;

  MemberImport(
      Members members,
      MemberStore store,
      CompanyStore companies,
      Departments departments,
      AdminAccess access,
      AuditTrail audit,
      Ids ids,
      Clock clock,
      TransactionTemplate tx) {
    this.members = members;
    this.store = store;
    this.companies = companies;
    this.departments = departments;
    this.access = access;
    this.audit = audit;
    this.ids = ids;
    this.clock = clock;
    this.tx = tx;
  }

  // Import ------------------------------------------------------------------------------------

  /**
   * Validates (and unless {@code dryRun}, creates) the members in the CSV.
   *
   * @param encoding {@code auto} (UTF-8 when the file is valid UTF-8, else Shift_JIS), {@code
   *     utf-8} or {@code shift_jis}
   */
  public Report importCsv(
      MemberPrincipal actor, InputStream body, @Nullable String encoding, boolean dryRun) {
    access.require(actor, Permission.MEMBERS_WRITE);
    Company company = companies.find(actor.tenantId()).orElseThrow(Problems::notFound);
    Path file = null;
    try {
      file = Files.createTempFile("musubi-import-", ".csv");
      copyLimited(body, file);
      Charset charset = charset(file, encoding);
      Map<String, UUID> deps = departmentPaths(actor.tenantId());
      Set<UUID> scope = access.scope(actor);
      Validation v = validate(file, charset, company, deps, scope);
      String enc = charset.equals(StandardCharsets.UTF_8) ? "utf-8" : "shift_jis";
      List<RowError> errors = v.errors;
      errors.sort(Comparator.comparingInt(RowError::row));
      boolean truncated = v.errorCount > errors.size();
      int invalid = v.invalidRows.cardinality();
      if (dryRun || invalid > 0 || v.rows == 0) {
        if (!dryRun && v.rows == 0) {
          errors.add(new RowError(0, "", "file", "empty", "The file has no member rows."));
        }
        return new Report(dryRun, false, enc, v.rows, v.rows - invalid, invalid, errors, truncated);
      }
      Path f = file;
      Integer created = tx.execute(status -> commit(actor, company, f, charset, deps));
      return new Report(
          false, true, enc, v.rows, created == null ? 0 : created, 0, List.of(), false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // The temporary directory is cleaned by the system.
        }
      }
    }
  }

  private static void copyLimited(InputStream in, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      byte[] buf = new byte[64 * 1024];
      long total = 0;
      int n;
      while ((n = in.read(buf)) > 0) {
        total += n;
        if (total > MAX_BYTES) {
          throw Problems.invalid(
              "file", "too_large", "The file is larger than " + MAX_BYTES / (1024 * 1024) + " MB.");
        }
        out.write(buf, 0, n);
      }
    }
  }

  private static Charset charset(Path file, @Nullable String encoding) throws IOException {
    String e = encoding == null ? "auto" : encoding.toLowerCase(Locale.ROOT).replace('-', '_');
    return switch (e) {
      case "utf_8", "utf8" -> StandardCharsets.UTF_8;
      case "shift_jis", "sjis", "windows_31j", "cp932" -> {
        if (startsWithUtf8Bom(file)) {
          throw Problems.invalid(
              "encoding", "mismatch", "The file is UTF-8 (it starts with a byte order mark).");
        }
        yield Charset.forName("windows-31j");
      }
      case "auto" -> isUtf8(file) ? StandardCharsets.UTF_8 : Charset.forName("windows-31j");
      default -> throw Problems.invalid("encoding", "invalid", "Must be auto, utf-8 or shift_jis.");
    };
  }

  private static boolean startsWithUtf8Bom(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] b = in.readNBytes(3);
      return b.length == 3
          && (b[0] & 0xff) == 0xEF
          && (b[1] & 0xff) == 0xBB
          && (b[2] & 0xff) == 0xBF;
    }
  }

  private static boolean isUtf8(Path file) throws IOException {
    try (Reader r = reader(file, StandardCharsets.UTF_8)) {
      char[] buf = new char[8192];
      while (r.read(buf) > 0) {
        // Decoding is the check.
      }
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static Reader reader(Path file, Charset charset) throws IOException {
    CharsetDecoder decoder =
        charset
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    return new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder), 65536);
  }

  private static final class Validation {
    int rows;
    int errorCount;
    final List<RowError> errors = new ArrayList<>();
    final BitSet invalidRows = new BitSet();

    void error(int line, String loginId, String field, String code, String message) {
      invalidRows.set(line);
      errorCount++;
      if (errors.size() < MAX_REPORTED) {
        errors.add(new RowError(line, cut(loginId), field, code, message));
      }
    }
  }

  private Validation validate(
      Path file,
      Charset charset,
      Company company,
      Map<String, UUID> deps,
      @Nullable Set<UUID> scope)
      throws IOException {
    Validation v = new Validation();
    Set<String> keys = new HashSet<>();
    Set<String> skeletons = new HashSet<>();
    List<Parsed> pending = new ArrayList<>();
    try (Reader r = reader(file, charset)) {
      Csv.CsvReader csv = new Csv.CsvReader(r, 1000, 40);
      int[] columns = header(csv.next());
      List<String> record;
      while ((record = csv.next()) != null) {
        v.rows++;
        if (v.rows > MAX_ROWS) {
          throw Problems.invalid(
              "file", "too_many_rows", "At most " + MAX_ROWS + " member rows per file.");
        }
        int line = csv.recordLine();
        List<FieldError> errors = new ArrayList<>();
        Parsed p = parse(line, record, columns, company, deps, errors);
        for (FieldError e : errors) {
          v.error(line, p.loginId(), e.field(), e.code(), e.message());
        }
        if (p.department() != null && scope != null && !scope.contains(p.department())) {
          v.error(
              line,
              p.loginId(),
              "department",
              "out_of_scope",
              "Outside the departments you administer.");
        }
        if (!p.key().isEmpty()) {
          if (!keys.add(p.key())) {
            v.error(
                line,
                p.loginId(),
                "loginId",
                "duplicate",
                "The same login ID appears earlier in the file.");
          } else if (!skeletons.add(p.skeleton())) {
            v.error(
                line,
                p.loginId(),
                "loginId",
                "look_alike",
                "A login ID earlier in the file looks the same.");
          }
          pending.add(p);
          if (pending.size() >= BATCH) {
            checkTaken(pending, v);
          }
        }
      }
      checkTaken(pending, v);
    } catch (CharacterCodingException e) {
      throw Problems.invalid(
          "encoding",
          "malformed",
          "The file is not valid "
              + (charset.equals(StandardCharsets.UTF_8) ? "UTF-8" : "Shift_JIS")
              + "; choose the encoding it was saved in.");
    } catch (Csv.Malformed e) {
      throw Problems.invalid("file", "malformed", e.getMessage());
    }
    return v;
  }

  private void checkTaken(List<Parsed> pending, Validation v) {
    if (pending.isEmpty()) {
      return;
    }
    Set<String> taken =
        store.takenKeys(
            pending.stream().map(Parsed::key).toList(),
            pending.stream().map(Parsed::skeleton).toList());
    for (Parsed p : pending) {
      if (taken.contains("k:" + p.key())) {
        v.error(p.line(), p.loginId(), "loginId", "taken", "This login ID is already in use.");
      } else if (taken.contains("s:" + p.skeleton())) {
        v.error(
            p.line(),
            p.loginId(),
            "loginId",
            "look_alike",
            "A login ID that looks the same is already in use.");
      }
    }
    pending.clear();
  }

  private static int[] header(@Nullable List<String> header) {
    if (header == null) {
      throw Problems.invalid("file", "empty", "The file is empty.");
    }
    int[] columns = new int[COLUMNS.size()];
    java.util.Arrays.fill(columns, -1);
    List<String> names = new ArrayList<>(new java.util.LinkedHashSet<>(COLUMNS.values()));
    for (int i = 0; i < header.size(); i++) {
      String raw = header.get(i).strip();
      String name = COLUMNS.get(raw.toLowerCase(Locale.ROOT));
      if (name == null) {
        name = COLUMNS.get(raw);
      }
      if (name == null) {
        if (IGNORED.contains(raw.toLowerCase(Locale.ROOT)) || raw.isEmpty()) {
          continue;
        }
        throw Problems.invalid("file", "unknown_column", "Unknown column: " + cut(raw));
      }
      int idx = names.indexOf(name);
      if (columns[idx] >= 0) {
        throw Problems.invalid("file", "duplicate_column", "Column given twice: " + name);
      }
      columns[idx] = i;
    }
    if (columns[0] < 0) {
      throw Problems.invalid("file", "missing_column", "The loginId column is required.");
    }
    return columns;
  }

  private Parsed parse(
      int line,
      List<String> record,
      int[] columns,
      Company company,
      Map<String, UUID> deps,
      List<FieldError> errors) {
    String[] v = new String[columns.length];
    for (int i = 0; i < columns.length; i++) {
      v[i] = columns[i] >= 0 && columns[i] < record.size() ? record.get(columns[i]).strip() : "";
    }
    String rawLogin = v[0];
    String loginId = members.fullLoginId(rawLogin, company.domain(), errors);
    String display = v[1];
    if (display.isEmpty()) {
      display = (v[2] + " " + v[3]).strip();
    }
    Fields.text(errors, "displayName", display, 1, 200);
    Fields.text(errors, "familyName", v[2], 0, 100);
    Fields.text(errors, "givenName", v[3], 0, 100);
    Fields.text(errors, "familyNameReading", v[4], 0, 100);
    Fields.text(errors, "givenNameReading", v[5], 0, 100);
    Fields.email(errors, "email", v[6].isEmpty() ? null : v[6]);
    Fields.phone(errors, "phone", v[7]);
    Fields.text(errors, "position", v[9], 0, 100);
    UUID department = null;
    if (!v[8].isEmpty()) {
      department = deps.get(v[8].replaceAll("\\s*/\\s*", "/"));
      if (department == null) {
        errors.add(new FieldError("department", "unknown_department", "No such department."));
      }
    }
    boolean loginOk = !loginId.isEmpty();
    return new Parsed(
        line,
        loginOk ? loginId : rawLogin,
        loginOk ? LoginIdPolicy.key(loginId) : "",
        loginOk ? LoginIdPolicy.skeleton(loginId) : "",
        display,
        v[2],
        v[3],
        v[4],
        v[5],
        v[6].isEmpty() ? loginId : v[6],
        v[7],
        department,
        v[9]);
  }

  /** Paths ("本社/営業部") and, where unique, bare names of the company's departments. */
  private Map<String, UUID> departmentPaths(UUID tenantId) {
    List<Department> all = departments.list(tenantId);
    Map<UUID, Department> byId = new HashMap<>();
    all.forEach(d -> byId.put(d.id(), d));
    Map<String, UUID> result = new HashMap<>();
    Map<String, Integer> nameCount = new HashMap<>();
    for (Department d : all) {
      result.put(path(d, byId), d.id());
      nameCount.merge(d.name(), 1, Integer::sum);
    }
    for (Department d : all) {
      if (nameCount.get(d.name()) == 1) {
        result.putIfAbsent(d.name(), d.id());
      }
    }
    return result;
  }

  static String path(Department d, Map<UUID, Department> byId) {
    List<String> parts = new ArrayList<>();
    Department cur = d;
    for (int depth = 0; cur != null && depth < 100; depth++) {
      parts.add(0, cur.name());
      cur = cur.parentId() == null ? null : byId.get(cur.parentId());
    }
    return String.join("/", parts);
  }

  private Integer commit(
      MemberPrincipal actor, Company company, Path file, Charset charset, Map<String, UUID> deps) {
    int created = 0;
    Instant now = clock.instant();
    try (Reader r = reader(file, charset)) {
      Csv.CsvReader csv = new Csv.CsvReader(r, 1000, 40);
      int[] columns = header(csv.next());
      List<String> record;
      while ((record = csv.next()) != null) {
        List<FieldError> errors = new ArrayList<>();
        Parsed p = parse(csv.recordLine(), record, columns, company, deps, errors);
        if (!errors.isEmpty()) {
          throw Problems.conflict(
              "import-changed", "The data changed during the import; try again.");
        }
        UUID id = ids.next();
        MemberRow row =
            new MemberRow(
                id,
                company.id(),
                p.loginId(),
                p.displayName(),
                p.familyName(),
                p.givenName(),
                p.familyNameReading(),
                p.givenNameReading(),
                p.email(),
                p.phone(),
                MemberStatus.ACTIVE,
                "ja",
                "Asia/Tokyo",
                null,
                null,
                null,
                null,
                0,
                null,
                now);
        store.insert(row, p.key(), p.skeleton());
        store.setRoles(company.id(), id, java.util.EnumSet.of(Role.MEMBER));
        if (p.department() != null) {
          store.setDepartments(
              company.id(),
              id,
              List.of(new DepartmentAssignment(p.department(), p.position(), true)));
        }
        audit.record(
            AuditRecord.of(company.id(), AuditAction.MEMBER_CREATED)
                .actor(actor.memberId(), actor.loginId())
                .target("member", id)
                .with("loginId", p.loginId())
                .with("via", "import"));
        created++;
      }
    } catch (DuplicateKeyException e) {
      throw Problems.conflict(
          "import-conflict", "A login ID was taken while importing; nothing was imported.");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    audit.record(
        AuditRecord.of(company.id(), AuditAction.MEMBERS_IMPORTED)
            .actor(actor.memberId(), actor.loginId())
            .target("company", company.id())
            .with("count", created));
    return created;
  }

  // Export ------------------------------------------------------------------------------------

  /** Writes the members the caller may see as CSV (UTF-8 with BOM, or Shift_JIS). */
  public void exportCsv(MemberPrincipal actor, @Nullable String encoding, OutputStream out)
      throws IOException {
    access.require(actor, Permission.MEMBERS_READ);
    boolean sjis =
        encoding != null
            && encoding.toLowerCase(Locale.ROOT).replace('-', '_').matches("shift_jis|sjis|cp932");
    Set<UUID> scope = access.scope(actor);
    Map<UUID, Department> byId = new HashMap<>();
    departments.list(actor.tenantId()).forEach(d -> byId.put(d.id(), d));
    Charset cs = sjis ? Charset.forName("windows-31j") : StandardCharsets.UTF_8;
    Writer w =
        new java.io.BufferedWriter(
            new OutputStreamWriter(
                out, cs.newEncoder().onUnmappableCharacter(CodingErrorAction.REPLACE)));
    if (!sjis) {
      w.write('\uFEFF');
    }
    Csv.write(
        w,
        List.of(
            "loginId",
            "displayName",
            "familyName",
            "givenName",
            "familyNameReading",
            "givenNameReading",
            "email",
            "phone",
            "department",
            "position",
            "status",
            "roles",
            "mfaEnabled",
            "lastLoginAt"));
    int count = 0;
    for (int page = 0; ; page++) {
      MemberStore.Page p = store.search(actor.tenantId(), null, null, scope, page, 500);
      List<MemberRow> rows = p.rows();
      Map<UUID, List<Member.DepartmentMembership>> deps =
          store.departmentsOf(actor.tenantId(), rows.stream().map(MemberRow::id).toList());
      for (MemberRow m : rows) {
        Member.DepartmentMembership primary =
            deps.getOrDefault(m.id(), List.of()).stream().findFirst().orElse(null);
        Department d = primary == null ? null : byId.get(primary.id());
        Csv.write(
            w,
            List.of(
                m.loginId(),
                m.displayName(),
                m.familyName(),
                m.givenName(),
                m.familyNameReading(),
                m.givenNameReading(),
                m.email(),
                m.phone(),
                d == null ? "" : path(d, byId),
                primary == null ? "" : primary.position(),
                m.status().code(),
                String.join(
                    " ",
                    store.roles(m.id()).stream()
                        .filter(r -> r != Role.MEMBER)
                        .map(Role::code)
                        .sorted()
                        .toList()),
                Boolean.toString(m.totpEnabled()),
                m.lastLoginAt() == null ? "" : m.lastLoginAt().toString()));
        count++;
      }
      if (rows.size() < 500) {
        break;
      }
    }
    w.flush();
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.MEMBERS_EXPORTED)
            .actor(actor.memberId(), actor.loginId())
            .target("company", actor.tenantId())
            .with("count", count)
            .with("encoding", sjis ? "shift_jis" : "utf-8"));
  }

  private static String cut(@Nullable String s) {
    if (s == null) {
      return "";
    }
    return s.length() > 100 ? s.substring(0, 100) : s;
  }
}
