package dev.musubi.identity.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * RFC 4180 CSV, streamed: a reader that returns one record at a time (quoted fields, doubled
 * quotes, CRLF or LF, line breaks inside quotes) with bounded field and record sizes, and a writer
 * that quotes every field and neutralises spreadsheet formulas.
 */
public final class Csv {

  private Csv() {}

  /** A record that breaks the size limits or the quoting rules. */
  public static final class Malformed extends IOException {
    public Malformed(String message) {
      super(message);
    }
  }

  /** Reads records one by one; memory is bounded by the limits, not by the file. */
  public static final class CsvReader {
    private final Reader in;
    private final int maxField;
    private final int maxFields;
    private int line = 1;
    private int recordLine = 1;
    private boolean first = true;
    private int pushed = -2;

    public CsvReader(Reader in, int maxField, int maxFields) {
      this.in = in;
      this.maxField = maxField;
      this.maxFields = maxFields;
    }

    /** The line on which the last record returned started. */
    public int recordLine() {
      return recordLine;
    }

    private int read() throws IOException {
      if (pushed != -2) {
        int c = pushed;
        pushed = -2;
        return c;
      }
      int c = in.read();
      if (first) {
        first = false;
        if (c == '\uFEFF') {
          c = in.read();
        }
      }
      return c;
    }

    /** The next record, or null at the end. Blank lines are skipped. */
    public @Nullable List<String> next() throws IOException {
      while (true) {
        recordLine = line;
        List<String> fields = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        boolean any = false;
        int c;
        while (true) {
          c = read();
          if (c == -1) {
            if (quoted) {
              throw new Malformed("Line " + recordLine + ": a quoted field is not closed.");
            }
            break;
          }
          any = true;
          if (quoted) {
            if (c == '"') {
              int d = read();
              if (d == '"') {
                append(f, '"');
              } else {
                quoted = false;
                pushed = d;
              }
            } else {
              if (c == '\n') {
                line++;
              }
              append(f, (char) c);
            }
            continue;
          }
          if (c == '"' && f.isEmpty() && !wasQuoted) {
            quoted = true;
            wasQuoted = true;
          } else if (c == ',') {
            add(fields, f);
            f.setLength(0);
            wasQuoted = false;
          } else if (c == '\r') {
            int d = read();
            if (d != '\n') {
              pushed = d;
            }
            line++;
            break;
          } else if (c == '\n') {
            line++;
            break;
          } else if (c == '"') {
            throw new Malformed("Line " + line + ": a quote inside an unquoted field.");
          } else {
            append(f, (char) c);
          }
        }
        if (!any) {
          return null;
        }
        add(fields, f);
        if (fields.size() == 1 && fields.get(0).isEmpty() && !wasQuoted) {
          if (c == -1) {
            return null;
          }
          continue;
        }
        return fields;
      }
    }

    private void append(StringBuilder f, char c) throws Malformed {
      if (f.length() >= maxField) {
        throw new Malformed(
            "Line " + recordLine + ": a field is longer than " + maxField + " characters.");
      }
      f.append(c);
    }

    private void add(List<String> fields, StringBuilder f) throws Malformed {
      if (fields.size() >= maxFields) {
        throw new Malformed("Line " + recordLine + ": more than " + maxFields + " columns.");
      }
      fields.add(f.toString());
    }
  }

  /**
   * Writes one record: every field quoted, and a field that a spreadsheet would run as a formula
   * (starting with =, +, -, @, tab or carriage return) prefixed with an apostrophe.
   */
  public static void write(Writer out, List<String> fields) throws IOException {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.write('"');
      out.write(neutralise(fields.get(i)).replace("\"", "\"\""));
      out.write('"');
    }
    out.write("\r\n");
  }

  /** The cell as text a spreadsheet shows and never evaluates. */
  public static String neutralise(@Nullable String value) {
    if (value == null || value.isEmpty()) {
      return "";
    }
    char c = value.charAt(0);
    if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') {
      return "'" + value;
    }
    return value;
  }
}
