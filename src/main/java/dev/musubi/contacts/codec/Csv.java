package dev.musubi.contacts.codec;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV: quoted fields with doubled quotes, embedded line breaks, CRLF or LF. Writing
 * neutralises spreadsheet formulas: a cell starting with {@code = + - @}, tab or carriage return
 * gets a leading apostrophe (OWASP CSV injection guidance).
 */
public final class Csv {

  /** A CSV syntax error at a 1-based record number. */
  public static final class CsvException extends Exception {
    private final int record;

    CsvException(String message, int record) {
      super(message, null, false, false);
      this.record = record;
    }

    public int record() {
      return record;
    }
  }

  private Csv() {}

  /** Parses every record; at most {@code maxRecords} (more is an error). */
  public static List<List<String>> parse(String text, int maxRecords) throws CsvException {
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < n && text.charAt(i + 1) == '"') {
            field.append('"');
            i += 2;
            continue;
          }
          quoted = false;
          i++;
          continue;
        }
        field.append(c);
        i++;
        continue;
      }
      switch (c) {
        case '"' -> {
          if (field.isEmpty() && !wasQuoted) {
            quoted = true;
            wasQuoted = true;
          } else {
            throw new CsvException("A quote inside an unquoted field.", records.size() + 1);
          }
          i++;
        }
        case ',' -> {
          record.add(field.toString());
          field.setLength(0);
          wasQuoted = false;
          i++;
        }
        case '\r', '\n' -> {
          record.add(field.toString());
          field.setLength(0);
          wasQuoted = false;
          if (!(record.size() == 1 && record.get(0).isEmpty())) {
            records.add(record);
            if (records.size() > maxRecords) {
              throw new CsvException("Too many rows (at most " + maxRecords + ").", records.size());
            }
          }
          record = new ArrayList<>();
          i += (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') ? 2 : 1;
        }
        default -> {
          if (wasQuoted) {
            throw new CsvException("Text after a closing quote.", records.size() + 1);
          }
          field.append(c);
          i++;
        }
      }
    }
    if (quoted) {
      throw new CsvException("A quoted field is not closed.", records.size() + 1);
    }
    if (!field.isEmpty() || !record.isEmpty() || wasQuoted) {
      record.add(field.toString());
      records.add(record);
    }
    if (records.size() > maxRecords) {
      throw new CsvException("Too many rows (at most " + maxRecords + ").", records.size());
    }
    return records;
  }

  /** Writes records with CRLF line ends, quoting where needed and neutralising formulas. */
  public static String write(List<List<String>> records) {
    StringBuilder out = new StringBuilder();
    for (List<String> r : records) {
      for (int i = 0; i < r.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        out.append(cell(r.get(i)));
      }
      out.append("\r\n");
    }
    return out.toString();
  }

  /** One cell: formula-neutralised and quoted when it holds a comma, quote or line break. */
  public static String cell(String value) {
    String v = value;
    if (!v.isEmpty()) {
      char first = v.charAt(0);
      if (first == '='
          || first == '+'
          || first == '-'
          || first == '@'
          || first == '\t'
          || first == '\r'
          || first == '＝'
          || first == '＋'
          || first == '－'
          || first == '＠') {
        v = "'" + v;
      }
    }
    if (v.indexOf(',') >= 0
        || v.indexOf('"') >= 0
        || v.indexOf('\n') >= 0
        || v.indexOf('\r') >= 0
        || !v.equals(v.strip())) {
      return '"' + v.replace("\"", "\"\"") + '"';
    }
    return v;
  }
}
