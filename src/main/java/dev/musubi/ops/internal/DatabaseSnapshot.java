package dev.musubi.ops.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * A logical snapshot of every table of Musubi's schema, the same on H2 and PostgreSQL: read in one
 * read-only snapshot transaction (so it is consistent while Musubi keeps writing), written as a
 * JSON stream, and loaded back into a schema that Flyway migrated to the same version. Rows of a
 * table that refers to itself (a department's parent) are loaded parents first.
 */
final class DatabaseSnapshot {

  static final String FLYWAY_TABLE = "flyway_schema_history";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private DatabaseSnapshot() {}

  /** What a dump holds: rows per table and the schema version it was taken at. */
  record Summary(String schemaVersion, Map<String, Long> rows) {}

  /** Writes a consistent snapshot of the connection's schema to {@code out}. */
  static Summary dump(Connection c, OutputStream out) throws SQLException, IOException {
    boolean autoCommit = c.getAutoCommit();
    int isolation = c.getTransactionIsolation();
    c.setAutoCommit(false);
    try {
      beginSnapshot(c);
      String version = schemaVersion(c);
      List<String> tables = insertionOrder(c);
      Map<String, Long> counts = new LinkedHashMap<>();
      try (JsonGenerator g = JSON.createGenerator(out)) {
        g.writeStartObject();
        g.writeStringProperty("schemaVersion", version);
        g.writeName("sequences");
        g.writeStartObject();
        for (Map.Entry<String, Long> s : sequences(c).entrySet()) {
          g.writeNumberProperty(s.getKey(), s.getValue());
        }
        g.writeEndObject();
        g.writeName("tables");
        g.writeStartArray();
        for (String table : tables) {
          counts.put(table, dumpTable(c, table, g));
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      c.commit();
      return new Summary(version, counts);
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setTransactionIsolation(isolation);
      c.setAutoCommit(autoCommit);
    }
  }

  private static void beginSnapshot(Connection c) throws SQLException {
    if (isH2(c)) {
      try (Statement s = c.createStatement()) {
        s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SNAPSHOT");
      }
    } else {
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try (Statement s = c.createStatement()) {
        s.execute("SET TRANSACTION READ ONLY");
      }
    }
  }

  private static long dumpTable(Connection c, String table, JsonGenerator g) throws SQLException {
    long count = 0;
    try (Statement s = c.createStatement()) {
      s.setFetchSize(500);
      try (ResultSet rs = s.executeQuery("SELECT * FROM " + quote(table) + orderBy(c, table))) {
        ResultSetMetaData md = rs.getMetaData();
        int n = md.getColumnCount();
        g.writeStartObject();
        g.writeStringProperty("name", table);
        g.writeName("columns");
        g.writeStartArray();
        for (int i = 1; i <= n; i++) {
          g.writeString(md.getColumnLabel(i).toLowerCase(Locale.ROOT));
        }
        g.writeEndArray();
        g.writeName("rows");
        g.writeStartArray();
        while (rs.next()) {
          g.writeStartArray();
          for (int i = 1; i <= n; i++) {
            writeValue(g, rs, i, md.getColumnType(i), md.getColumnTypeName(i));
          }
          g.writeEndArray();
          count++;
        }
        g.writeEndArray();
        g.writeEndObject();
      }
    }
    return count;
  }

  /** Orders by primary key so that two dumps of the same data are byte for byte the same. */
  private static String orderBy(Connection c, String table) throws SQLException {
    List<String> keys = new ArrayList<>();
    Map<Short, String> bySeq = new java.util.TreeMap<>();
    try (ResultSet rs = c.getMetaData().getPrimaryKeys(null, c.getSchema(), table)) {
      while (rs.next()) {
        bySeq.put(rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME"));
      }
    }
    keys.addAll(bySeq.values());
    if (keys.isEmpty()) {
      return "";
    }
    return " ORDER BY " + String.join(", ", keys.stream().map(DatabaseSnapshot::quote).toList());
  }

  private static void writeValue(JsonGenerator g, ResultSet rs, int i, int type, String typeName)
      throws SQLException {
    Object v;
    if (typeName.toLowerCase(Locale.ROOT).contains("uuid")) {
      // H2 reports UUID columns as BINARY; both databases return java.util.UUID.
      v = rs.getObject(i, UUID.class);
      if (v == null) {
        g.writeNull();
      } else {
        g.writeString(v.toString());
      }
      return;
    }
    switch (withTimeZone(type, typeName)) {
      case Types.TIMESTAMP_WITH_TIMEZONE -> v = rs.getObject(i, OffsetDateTime.class);
      case Types.TIMESTAMP -> v = rs.getObject(i, LocalDateTime.class);
      case Types.DATE -> v = rs.getObject(i, LocalDate.class);
      case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> {
        byte[] bytes = rs.getBytes(i);
        v = bytes == null ? null : Base64.getEncoder().encodeToString(bytes);
      }
      case Types.CLOB, Types.NCLOB -> v = rs.getString(i);
      default -> v = rs.getObject(i);
    }
    if (v == null) {
      g.writeNull();
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof BigDecimal d) {
      g.writeString(d.toPlainString());
    } else if (v instanceof Double || v instanceof Float) {
      g.writeNumber(((Number) v).doubleValue());
    } else {
      g.writeString(v.toString());
    }
  }

  /**
   * Loads a dump into an empty schema at the same version: every table but Flyway's is emptied
   * first, rows are inserted in foreign-key order, sequences restarted past the dumped values.
   */
  static Summary load(Connection c, InputStream in) throws SQLException, IOException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try (JsonParser p = JSON.createParser(in)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      expect(p.nextToken(), JsonToken.PROPERTY_NAME);
      String version = p.nextStringValue();
      String current = schemaVersion(c);
      if (!current.equals(version)) {
        throw new IllegalStateException(
            "the archive is at schema version "
                + version
                + " but this Musubi is at "
                + current
                + ": restore with the Musubi version that made the archive, then upgrade");
      }
      List<String> order = insertionOrder(c);
      List<String> reversed = new ArrayList<>(order);
      java.util.Collections.reverse(reversed);
      try (Statement s = c.createStatement()) {
        for (String table : reversed) {
          s.executeUpdate("DELETE FROM " + quote(table));
        }
      }
      expect(p.nextToken(), JsonToken.PROPERTY_NAME);
      Map<String, Long> sequences = new LinkedHashMap<>();
      expect(p.nextToken(), JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        String name = p.currentName();
        p.nextToken();
        sequences.put(name, p.getLongValue());
      }
      expect(p.nextToken(), JsonToken.PROPERTY_NAME);
      expect(p.nextToken(), JsonToken.START_ARRAY);
      Map<String, Long> counts = new LinkedHashMap<>();
      while (p.nextToken() == JsonToken.START_OBJECT) {
        Loaded loaded = loadTable(c, p, order);
        counts.put(loaded.table(), loaded.rows());
      }
      try (Statement s = c.createStatement()) {
        for (Map.Entry<String, Long> seq : sequences.entrySet()) {
          s.execute(
              "ALTER SEQUENCE " + quote(seq.getKey()) + " RESTART WITH " + (seq.getValue() + 1));
        }
      }
      c.commit();
      return new Summary(version, counts);
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /** Rows per table in a dump, reading it through without a database (to verify an archive). */
  static Map<String, Long> count(InputStream in) throws IOException {
    Map<String, Long> counts = new LinkedHashMap<>();
    try (JsonParser p = JSON.createParser(in)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      String table = null;
      int depth = 1;
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.PROPERTY_NAME && "name".equals(p.currentName()) && depth == 3) {
          table = p.nextStringValue();
          counts.put(table, 0L);
          continue;
        }
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          depth++;
          // depth 1: root, 2: tables array, 3: a table, 4: its rows array, 5: a row
          if (depth == 5 && table != null) {
            counts.merge(table, 1L, Long::sum);
            p.skipChildren();
            depth--;
          }
        } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
          depth--;
        }
      }
    }
    return counts;
  }

  private record TableData(String name, List<String> columns, List<List<@Nullable Object>> rows) {}

  private record Loaded(String table, long rows) {}

  /** Reads one table of the dump and inserts its rows, streaming unless it refers to itself. */
  private static Loaded loadTable(Connection c, JsonParser p, List<String> known)
      throws IOException, SQLException {
    expect(p.nextToken(), JsonToken.PROPERTY_NAME);
    String name = p.nextStringValue();
    if (name == null || !known.contains(name)) {
      throw new IllegalStateException("the archive holds an unknown table " + name);
    }
    expect(p.nextToken(), JsonToken.PROPERTY_NAME);
    expect(p.nextToken(), JsonToken.START_ARRAY);
    List<String> columns = new ArrayList<>();
    while (p.nextToken() == JsonToken.VALUE_STRING) {
      columns.add(p.getString());
    }
    expect(p.nextToken(), JsonToken.PROPERTY_NAME);
    expect(p.nextToken(), JsonToken.START_ARRAY);
    Inserter inserter = new Inserter(c, name, columns);
    boolean selfReferencing = inserter.selfReference != null;
    List<List<@Nullable Object>> held = new ArrayList<>();
    long count = 0;
    while (p.nextToken() == JsonToken.START_ARRAY) {
      List<@Nullable Object> row = readRow(p, columns.size());
      if (selfReferencing) {
        held.add(row);
      } else {
        inserter.add(row);
      }
      count++;
    }
    if (selfReferencing) {
      for (List<@Nullable Object> row :
          parentsFirst(new TableData(name, columns, held), inserter)) {
        inserter.add(row);
      }
    }
    inserter.finish();
    expect(p.nextToken(), JsonToken.END_OBJECT);
    return new Loaded(name, count);
  }

  private static List<@Nullable Object> readRow(JsonParser p, int size) throws IOException {
    List<@Nullable Object> row = new ArrayList<>(size);
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      row.add(
          switch (t) {
            case VALUE_NULL -> null;
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
            default -> p.getString();
          });
    }
    if (row.size() != size) {
      throw new IllegalStateException("a row of the archive has the wrong number of values");
    }
    return row;
  }

  /** Batched inserts into one table, values converted to the column types of this schema. */
  private static final class Inserter implements AutoCloseable {
    private final PreparedStatement ps;
    private final List<String> columns;
    private final Map<String, Integer> types = new HashMap<>();
    private final Map<String, String> typeNames = new HashMap<>();
    final String @Nullable [] selfReference;
    private int batch;

    Inserter(Connection c, String table, List<String> columns) throws SQLException {
      this.columns = columns;
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT * FROM " + quote(table) + " WHERE 1 = 0")) {
        ResultSetMetaData md = rs.getMetaData();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          String col = md.getColumnLabel(i).toLowerCase(Locale.ROOT);
          types.put(col, md.getColumnType(i));
          typeNames.put(col, md.getColumnTypeName(i));
        }
      }
      for (String col : columns) {
        if (!types.containsKey(col)) {
          throw new IllegalStateException(
              "the archive's table " + table + " has column " + col + " that this schema lacks");
        }
      }
      String[] self = null;
      try (ResultSet rs = c.getMetaData().getImportedKeys(null, c.getSchema(), table)) {
        while (rs.next()) {
          if (rs.getString("PKTABLE_NAME").equalsIgnoreCase(table)) {
            self =
                new String[] {
                  rs.getString("FKCOLUMN_NAME").toLowerCase(Locale.ROOT),
                  rs.getString("PKCOLUMN_NAME").toLowerCase(Locale.ROOT)
                };
          }
        }
      }
      this.selfReference = self;
      this.ps =
          c.prepareStatement(
              "INSERT INTO "
                  + quote(table)
                  + " ("
                  + String.join(", ", columns.stream().map(DatabaseSnapshot::quote).toList())
                  + ") VALUES ("
                  + String.join(", ", java.util.Collections.nCopies(columns.size(), "?"))
                  + ")");
    }

    void add(List<@Nullable Object> row) throws SQLException {
      for (int i = 0; i < columns.size(); i++) {
        String col = columns.get(i);
        bind(ps, i + 1, row.get(i), types.get(col), typeNames.get(col));
      }
      ps.addBatch();
      if (++batch % 500 == 0) {
        ps.executeBatch();
      }
    }

    void finish() throws SQLException {
      ps.executeBatch();
      close();
    }

    @Override
    public void close() throws SQLException {
      ps.close();
    }
  }

  /** Rows of a table that refers to itself, ordered so that each row's parent comes first. */
  private static List<List<@Nullable Object>> parentsFirst(TableData t, Inserter inserter) {
    String fkColumn = java.util.Objects.requireNonNull(inserter.selfReference)[0];
    String pkColumn = inserter.selfReference[1];
    int fk = t.columns().indexOf(fkColumn);
    int pk = t.columns().indexOf(pkColumn);
    List<List<@Nullable Object>> ordered = new ArrayList<>(t.rows().size());
    Set<Object> placed = new HashSet<>();
    List<List<@Nullable Object>> pending = new ArrayList<>(t.rows());
    while (!pending.isEmpty()) {
      List<List<@Nullable Object>> next = new ArrayList<>();
      for (List<@Nullable Object> row : pending) {
        Object parent = row.get(fk);
        if (parent == null || placed.contains(parent) || parent.equals(row.get(pk))) {
          ordered.add(row);
          placed.add(java.util.Objects.requireNonNull(row.get(pk)));
        } else {
          next.add(row);
        }
      }
      if (next.size() == pending.size()) {
        throw new IllegalStateException("rows of " + t.name() + " refer to missing parents");
      }
      pending = next;
    }
    return ordered;
  }

  private static void bind(
      PreparedStatement ps, int i, @Nullable Object v, int type, String typeName)
      throws SQLException {
    if (v == null) {
      ps.setNull(i, type);
      return;
    }
    String name = typeName.toLowerCase(Locale.ROOT);
    if (name.contains("uuid")) {
      ps.setObject(i, UUID.fromString(v.toString()));
      return;
    }
    switch (withTimeZone(type, typeName)) {
      case Types.TIMESTAMP_WITH_TIMEZONE -> ps.setObject(i, OffsetDateTime.parse(v.toString()));
      case Types.TIMESTAMP -> ps.setObject(i, LocalDateTime.parse(v.toString()));
      case Types.DATE -> ps.setObject(i, LocalDate.parse(v.toString()));
      case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB ->
          ps.setBytes(i, Base64.getDecoder().decode(v.toString()));
      case Types.NUMERIC, Types.DECIMAL -> ps.setBigDecimal(i, new BigDecimal(v.toString()));
      case Types.BOOLEAN, Types.BIT -> ps.setBoolean(i, (Boolean) v);
      case Types.INTEGER, Types.SMALLINT, Types.TINYINT -> ps.setInt(i, ((Number) v).intValue());
      case Types.BIGINT -> ps.setLong(i, ((Number) v).longValue());
      case Types.DOUBLE, Types.FLOAT, Types.REAL -> ps.setDouble(i, ((Number) v).doubleValue());
      default -> ps.setObject(i, v);
    }
  }

  /** Every table of the schema but Flyway's, in an order where referenced tables come first. */
  static List<String> insertionOrder(Connection c) throws SQLException {
    List<String> tables = tables(c);
    Map<String, Set<String>> dependsOn = new LinkedHashMap<>();
    DatabaseMetaData md = c.getMetaData();
    for (String table : tables) {
      Set<String> deps = new LinkedHashSet<>();
      try (ResultSet rs = md.getImportedKeys(null, c.getSchema(), table)) {
        while (rs.next()) {
          String parent = rs.getString("PKTABLE_NAME").toLowerCase(Locale.ROOT);
          if (!parent.equals(table) && tables.contains(parent)) {
            deps.add(parent);
          }
        }
      }
      dependsOn.put(table, deps);
    }
    List<String> order = new ArrayList<>();
    Set<String> done = new HashSet<>();
    while (order.size() < tables.size()) {
      boolean progress = false;
      for (String table : tables) {
        if (!done.contains(table) && done.containsAll(dependsOn.get(table))) {
          order.add(table);
          done.add(table);
          progress = true;
        }
      }
      if (!progress) {
        throw new IllegalStateException("circular foreign keys between tables");
      }
    }
    return order;
  }

  static List<String> tables(Connection c) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (ResultSet rs =
        c.getMetaData().getTables(null, c.getSchema(), "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        String name = rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT);
        if (!name.equals(FLYWAY_TABLE)) {
          tables.add(name);
        }
      }
    }
    java.util.Collections.sort(tables);
    return tables;
  }

  /** Current values of the schema's sequences (on H2 taking one value: gaps are harmless). */
  private static Map<String, Long> sequences(Connection c) throws SQLException {
    List<String> names = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT sequence_name FROM information_schema.sequences WHERE LOWER(sequence_schema) ="
                + " LOWER(?) ORDER BY sequence_name")) {
      ps.setString(1, c.getSchema());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          names.add(rs.getString(1).toLowerCase(Locale.ROOT));
        }
      }
    }
    Map<String, Long> values = new LinkedHashMap<>();
    boolean h2 = isH2(c);
    for (String name : names) {
      // PostgreSQL's snapshot transaction is read-only: read the sequence instead of advancing it.
      String sql =
          h2
              ? "SELECT NEXT VALUE FOR " + quote(name)
              : "SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM "
                  + quote(name);
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        values.put(name, rs.getLong(1));
      }
    }
    return values;
  }

  static String schemaVersion(Connection c) throws SQLException {
    String best = "0";
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT "
                    + quote("version")
                    + " FROM "
                    + quote(FLYWAY_TABLE)
                    + " WHERE "
                    + quote("success")
                    + " = TRUE AND "
                    + quote("version")
                    + " IS NOT NULL")) {
      while (rs.next()) {
        String v = rs.getString(1);
        if (compareVersions(v, best) > 0) {
          best = v;
        }
      }
    }
    return best;
  }

  private static int compareVersions(String a, String b) {
    String[] x = a.split("\\.");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      long p = i < x.length ? Long.parseLong(x[i]) : 0;
      long q = i < y.length ? Long.parseLong(y[i]) : 0;
      if (p != q) {
        return Long.compare(p, q);
      }
    }
    return 0;
  }

  /** PostgreSQL reports {@code timestamptz} as a plain TIMESTAMP; its type name tells. */
  private static int withTimeZone(int type, String typeName) {
    String name = typeName.toLowerCase(Locale.ROOT);
    return name.contains("timestamptz") || name.contains("with time zone")
        ? Types.TIMESTAMP_WITH_TIMEZONE
        : type;
  }

  static boolean isH2(Connection c) throws SQLException {
    return c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("h2");
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  private static void expect(@Nullable JsonToken actual, JsonToken expected) {
    if (actual != expected) {
      throw new IllegalStateException("the archive's database dump is malformed");
    }
  }
}
