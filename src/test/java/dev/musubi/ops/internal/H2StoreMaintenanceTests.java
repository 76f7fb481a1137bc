package dev.musubi.ops.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same stream of small commits (as deliveries make) into two H2 files with {@code
 * WRITE_DELAY=0}: the one whose chunks are compacted stays a fraction of the other's size, with
 * most of its bytes live, and keeps every row.
 */
class H2StoreMaintenanceTests {

  @TempDir Path dir;

  @Test
  void compactedRoundsKeepTheFileSmallAndTheDataWhole() throws Exception {
    Path plain = dir.resolve("plain");
    Path kept = dir.resolve("kept");
    int lastPlain = 100;
    int lastKept = 100;
    long plainSize;
    long keptSize;
    try (Connection a = open(plain);
        Connection b = open(kept)) {
      for (Connection c : new Connection[] {a, b}) {
        try (Statement s = c.createStatement()) {
          s.execute("CREATE TABLE t (id UUID PRIMARY KEY, k VARCHAR(64), v VARCHAR(1000))");
          s.execute("CREATE INDEX t_k ON t (k)");
          s.execute("CREATE TABLE n (id INT PRIMARY KEY, c BIGINT)");
          s.execute("INSERT INTO n VALUES (1, 0)");
        }
        c.setAutoCommit(false);
      }
      for (int round = 0; round < 10; round++) {
        churn(a, round);
        churn(b, round);
        lastPlain = H2StoreMaintenance.compact(a, 0, 1).chunksFillRate();
        lastKept = H2StoreMaintenance.compact(b, 60, 4 << 20).chunksFillRate();
      }
      assertThat(count(a)).isEqualTo(10_000);
      assertThat(count(b)).isEqualTo(10_000);
      // Emptied chunks are freed at later commits: the maintenance goes on ticking between small
      // commits (as in the server, every second) until the file has shrunk, for at most 10 s.
      long until = System.nanoTime() + 10_000_000_000L;
      while (System.nanoTime() < until
          && Files.size(kept.resolveSibling("kept.mv.db"))
              >= Files.size(plain.resolveSibling("plain.mv.db")) / 2) {
        touch(b);
        lastKept = H2StoreMaintenance.compact(b, 60, 4 << 20).chunksFillRate();
        Thread.sleep(100);
      }
      // the sizes of the open files: closing lets H2 compact both for a while of its own
      plainSize = Files.size(plain.resolveSibling("plain.mv.db"));
      keptSize = Files.size(kept.resolveSibling("kept.mv.db"));
    }
    assertThat(lastPlain).isLessThan(30);
    assertThat(lastKept).isGreaterThanOrEqualTo(40);
    assertThat(keptSize).isLessThan(plainSize / 2);
    // reopened, the compacted one has every row and the counter its last value
    try (Connection b = open(kept);
        Statement s = b.createStatement();
        var rs = s.executeQuery("SELECT COUNT(*), (SELECT c FROM n) FROM t")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(10_000);
      assertThat(rs.getLong(2)).isEqualTo(2_000);
    }
  }

  @Test
  void nothingToDoOnAnInMemoryDatabase() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:h2:mem:maintenance", "sa", "")) {
      assertThat(H2StoreMaintenance.compact(c, 60, 1 << 20)).isNull();
    }
  }

  private static Connection open(Path file) throws SQLException {
    // RETENTION_TIME=0: dead chunks are freed at the next commit rather than 45 s later
    return DriverManager.getConnection(
        "jdbc:h2:file:" + file + ";WRITE_DELAY=0;RETENTION_TIME=0", "sa", "");
  }

  /**
   * 1,000 new rows of about 1 KB under random keys (as message IDs and blob addresses are), five
   * per commit, each commit also counting in one hot row (as a folder's counts are).
   */
  private static void churn(Connection c, int round) throws SQLException {
    java.util.Random random = new java.util.Random(round);
    try (PreparedStatement insert =
            c.prepareStatement("INSERT INTO t (id, k, v) VALUES (?, ?, ?)");
        PreparedStatement count = c.prepareStatement("UPDATE n SET c = c + 1 WHERE id = 1")) {
      String filler = "x".repeat(1000);
      for (int i = 0; i < 1000; i++) {
        insert.setObject(1, new java.util.UUID(random.nextLong(), random.nextLong()));
        insert.setString(
            2, Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()));
        insert.setString(3, filler);
        insert.executeUpdate();
        if (i % 5 == 4) {
          count.executeUpdate();
          c.commit();
        }
      }
    }
  }

  /** One small commit (the server commits all the time). */
  private static void touch(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE n SET c = c WHERE id = 1");
    }
    c.commit();
  }

  private static int count(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
      rs.next();
      return rs.getInt(1);
    }
  }
}
