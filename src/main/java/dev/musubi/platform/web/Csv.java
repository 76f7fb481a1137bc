package dev.musubi.platform.web;

/**
 * CSV for spreadsheets (RFC 4180 quoting, CRLF line ends). Every cell is quoted, and a cell that
 * starts like a formula ({@code = + - @}, tab, CR) gets a leading apostrophe so that Excel shows it
 * as text instead of running it (CSV injection). Exports start with {@link #BOM} so that Excel
 * reads UTF-8.
 */
public final class Csv {

  /** The byte order mark that tells Excel the file is UTF-8. */
  public static final char BOM = '\uFEFF';

  private Csv() {}

  /** One quoted cell, formulas neutralised. */
  public static String cell(String value) {
    String v = value;
    if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
      v = "'" + v;
    }
    return '"' + v.replace("\"", "\"\"") + '"';
  }

  /** One line of quoted cells, ending in CRLF. */
  public static String row(String... cells) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(cell(cells[i]));
    }
    return sb.append("\r\n").toString();
  }
}
