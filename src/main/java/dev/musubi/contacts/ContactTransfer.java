package dev.musubi.contacts;

import dev.musubi.contacts.codec.Csv;
import dev.musubi.contacts.codec.CsvContacts;
import dev.musubi.contacts.codec.Photos;
import dev.musubi.contacts.codec.TextDecoding;
import dev.musubi.contacts.codec.VCards;
import dev.musubi.contacts.internal.ContactDraft;
import dev.musubi.contacts.internal.ContactStore;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.ProblemException;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import ezvcard.VCardVersion;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Import and export of address books: vCard 3.0/4.0 and CSV (UTF-8 with or without BOM, or
 * Shift_JIS). An import is previewed (column mapping, row errors, likely duplicates) and committed
 * all or nothing: one bad row and nothing is imported.
 */
@Service
public class ContactTransfer {

  /** Most contacts in one import. */
  public static final int MAX_ROWS = 10_000;

  /** A column of a CSV file and the field it fills (null: ignored). */
  public record MappedColumn(String header, @Nullable String field) {}

  /** One contact of the file: 1-based row (CSV data row or vCard number), errors and warnings. */
  public record ImportRow(
      int row,
      String displayName,
      List<FieldError> errors,
      List<String> warnings,
      List<UUID> duplicates) {}

  /** What an import found (preview) or did (commit). */
  public record ImportReport(
      String format,
      String encoding,
      boolean dryRun,
      int total,
      int valid,
      int imported,
      List<MappedColumn> mapping,
      List<ImportRow> rows) {}

  /** An exported file. */
  public record Export(byte[] body, String contentType, String filename) {}

  private final Contacts contacts;
  private final ContactStore store;

  ContactTransfer(Contacts contacts, ContactStore store) {
    this.contacts = contacts;
    this.store = store;
  }

  /**
   * Reads a vCard or CSV file ({@code format} vcf, csv, or null to tell by content) into the book.
   * With {@code dryRun}, nothing is stored; otherwise everything or, on any row error, nothing (422
   * naming the rows).
   */
  public ImportReport importFile(
      MemberPrincipal actor, Book book, byte[] data, @Nullable String format, boolean dryRun) {
    if (!contacts.mayWrite(actor, book)) {
      throw Problems.forbidden("Only admins may change the shared address book.");
    }
    if (data.length == 0) {
      throw Problems.invalid("file", "empty", "The file is empty.");
    }
    TextDecoding.Decoded decoded;
    try {
      decoded = TextDecoding.decode(data);
    } catch (TextDecoding.EncodingException e) {
      String lines =
          e.lines().isEmpty() ? "" : " Lines: " + e.lines().toString().replaceAll("[\\[\\]]", "");
      throw Problems.invalid("file", e.code(), e.getMessage() + lines);
    }
    String text = decoded.text();
    String kind =
        format == null || format.isBlank() ? sniff(text) : format.toLowerCase(Locale.ROOT);
    List<Candidate> candidates = new ArrayList<>();
    List<MappedColumn> mapping = new ArrayList<>();
    switch (kind) {
      case "vcf", "vcard" -> {
        kind = "vcard";
        List<VCards.Parsed> cards;
        try {
          cards = VCards.read(text, MAX_ROWS);
        } catch (VCards.VCardException e) {
          throw Problems.invalid("file", "vcard", e.getMessage());
        }
        int n = 1;
        for (VCards.Parsed p : cards) {
          candidates.add(new Candidate(n++, p.input(), p.uid(), p.photo(), p.warnings()));
        }
      }
      case "csv" -> {
        List<List<String>> records;
        try {
          records = Csv.parse(text, MAX_ROWS + 1);
        } catch (Csv.CsvException e) {
          throw Problems.invalid("file", "csv", e.getMessage() + " (row " + e.record() + ")");
        }
        if (records.size() < 2) {
          throw Problems.invalid(
              "file", "csv", "The file needs a header row and at least one row.");
        }
        List<CsvContacts.Column> columns = CsvContacts.mapping(records.get(0));
        columns.forEach(c -> mapping.add(new MappedColumn(c.header(), c.field())));
        if (columns.stream().allMatch(c -> c.field() == null)) {
          throw Problems.invalid(
              "file", "csv_header", "No column header was recognised (e.g. 姓, 名, 会社名, メール).");
        }
        for (int i = 1; i < records.size(); i++) {
          candidates.add(
              new Candidate(i, CsvContacts.input(columns, records.get(i)), null, null, List.of()));
        }
      }
      default -> throw Problems.invalid("format", "unknown_format", "Use vcf or csv.");
    }

    List<ImportRow> rows = new ArrayList<>();
    List<ContactDraft> drafts = new ArrayList<>();
    List<FieldError> rowErrors = new ArrayList<>();
    for (Candidate c : candidates) {
      List<String> warnings =
          new ArrayList<>(c.warnings().size() > 5 ? c.warnings().subList(0, 5) : c.warnings());
      byte[] photo = null;
      if (c.photo() != null) {
        try {
          photo = Photos.normalise(c.photo());
        } catch (Photos.PhotoException e) {
          warnings.add("Photo refused (" + e.code() + "): " + e.getMessage());
        }
      }
      List<FieldError> errors = new ArrayList<>();
      ContactDraft d = contacts.check(c.input(), photo, errors);
      if (c.uid() != null && !c.uid().isBlank() && c.uid().length() <= 200) {
        d = d.withUid(c.uid().strip());
      }
      List<UUID> duplicates = List.of();
      if (errors.isEmpty()) {
        drafts.add(d);
        if (dryRun) {
          duplicates = contacts.duplicatesOf(actor, book, d).stream().map(Contact::id).toList();
        }
      } else {
        for (FieldError e : errors) {
          rowErrors.add(
              new FieldError("rows[" + c.row() + "]." + e.field(), e.code(), e.message()));
        }
      }
      rows.add(new ImportRow(c.row(), d.displayName(), errors, warnings, duplicates));
    }
    int valid = drafts.size();
    if (dryRun) {
      return new ImportReport(
          kind, decoded.encoding(), true, candidates.size(), valid, 0, mapping, rows);
    }
    if (!rowErrors.isEmpty()) {
      throw new ProblemException(
          HttpStatus.UNPROCESSABLE_CONTENT,
          "import-rows",
          rowErrors.size()
              + " problem(s) in the file; nothing was imported. Preview the import to see them.",
          rowErrors.size() > 200 ? rowErrors.subList(0, 200) : rowErrors);
    }
    contacts.addAll(actor, book, drafts);
    return new ImportReport(
        kind, decoded.encoding(), false, candidates.size(), valid, valid, mapping, rows);
  }

  /**
   * The whole book as vCard ({@code version} 3.0 or 4.0) or CSV ({@code encoding} utf-8 with BOM,
   * or shift_jis), formulas neutralised.
   */
  public Export export(
      MemberPrincipal actor,
      Book book,
      String format,
      @Nullable String version,
      @Nullable String encoding) {
    List<Contact> all = contacts.all(actor, book);
    String stamp = book.code();
    Export out;
    switch (format.toLowerCase(Locale.ROOT)) {
      case "vcf", "vcard" -> {
        VCardVersion v =
            version == null || version.isBlank() || version.equals("3.0")
                ? VCardVersion.V3_0
                : version.equals("4.0") ? VCardVersion.V4_0 : null;
        if (v == null) {
          throw Problems.invalid("version", "unknown_version", "Use 3.0 or 4.0.");
        }
        List<VCards.Written> written = new ArrayList<>();
        for (Contact c : all) {
          byte[] photo =
              c.hasPhoto()
                  ? store
                      .find(actor.tenantId(), c.id(), actor.memberId())
                      .map(ContactStore.Row::photo)
                      .orElse(null)
                  : null;
          written.add(new VCards.Written(c, photo));
        }
        out =
            new Export(
                VCards.write(written, v).getBytes(StandardCharsets.UTF_8),
                "text/vcard; charset=utf-8",
                "contacts-" + stamp + ".vcf");
      }
      case "csv" -> {
        String csv = Csv.write(CsvContacts.rows(all));
        boolean sjis =
            encoding != null
                && (encoding.equalsIgnoreCase("shift_jis") || encoding.equalsIgnoreCase("sjis"));
        if (encoding != null
            && !encoding.isBlank()
            && !sjis
            && !encoding.equalsIgnoreCase("utf-8")) {
          throw Problems.invalid("encoding", "unknown_encoding", "Use utf-8 or shift_jis.");
        }
        byte[] body;
        if (sjis) {
          Charset cs = TextDecoding.SHIFT_JIS;
          body = csv.getBytes(cs);
        } else {
          byte[] text = csv.getBytes(StandardCharsets.UTF_8);
          body = new byte[text.length + 3];
          body[0] = (byte) 0xEF;
          body[1] = (byte) 0xBB;
          body[2] = (byte) 0xBF;
          System.arraycopy(text, 0, body, 3, text.length);
        }
        out =
            new Export(
                body,
                "text/csv; charset=" + (sjis ? "Shift_JIS" : "utf-8"),
                "contacts-" + stamp + ".csv");
      }
      default -> throw Problems.invalid("format", "unknown_format", "Use vcf or csv.");
    }
    contacts.exported(actor, book, format.toLowerCase(Locale.ROOT), all.size());
    return out;
  }

  private record Candidate(
      int row,
      ContactInput input,
      @Nullable String uid,
      byte @Nullable [] photo,
      List<String> warnings) {}

  private static String sniff(String text) {
    return text.stripLeading().regionMatches(true, 0, "BEGIN:VCARD", 0, 11) ? "vcard" : "csv";
  }
}
