package dev.musubi.ops.internal;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Profile;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the embedded H2 store's file from growing without bound. H2 writes every commit as a new
 * chunk at the file's end and frees a chunk only once none of its pages is live any more; rewriting
 * the few live pages of mostly dead chunks is the work of its background thread, which does not run
 * with {@code WRITE_DELAY=0} (set so that a commit is written before it returns: an SMTP reply
 * promises a stored message). Without it a 100,000-message mailbox loaded over IMAP left a 14 GB
 * file of which 3 % was live. So this rewrites, every second, at most {@link #WRITE_LIMIT} bytes of
 * live pages out of the emptiest chunks while less than {@link #TARGET_FILL_RATE} % of the chunks'
 * bytes are live; H2 then frees those chunks at a later commit (after its retention time) and
 * writes new ones into their space. Nothing happens on PostgreSQL or an in-memory H2.
 */
@Component
@Profile("!command")
class H2StoreMaintenance {

  private static final Logger log = LoggerFactory.getLogger(H2StoreMaintenance.class);

  /** Compaction starts when less than this share (percent) of the chunks' bytes is live. */
  static final int TARGET_FILL_RATE = 60;

  /** At most this many bytes of live pages are rewritten per round. */
  static final int WRITE_LIMIT = 4 << 20;

  private final DataSource dataSource;
  private volatile boolean applies = true;

  H2StoreMaintenance(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Scheduled(initialDelayString = "PT10S", fixedDelayString = "PT1S")
  void tick() {
    if (!applies) {
      return;
    }
    try (Connection c = dataSource.getConnection()) {
      if (compact(c, TARGET_FILL_RATE, WRITE_LIMIT) == null) {
        applies = false;
      }
    } catch (SQLException | RuntimeException e) {
      log.warn("Could not compact the embedded database: {}", e.toString());
    }
  }

  /**
   * What a round found and did: the live share of the chunks' bytes before, and whether it wrote.
   */
  record Round(int chunksFillRate, boolean rewrote) {}

  /**
   * One round on the H2 file store behind {@code c}: rewrites at most {@code writeLimit} bytes of
   * live pages when less than {@code targetFillRate} % of the chunks' bytes is live. Null when
   * {@code c} is not an embedded H2 database kept in a file.
   */
  static @Nullable Round compact(Connection c, int targetFillRate, int writeLimit)
      throws SQLException {
    if (!c.isWrapperFor(JdbcConnection.class)
        || !(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) {
      return null;
    }
    FileStore<?> files = session.getDatabase().getStore().getMvStore().getFileStore();
    if (files == null || files.isReadOnly()) {
      return null;
    }
    int fillRate = files.getChunksFillRate();
    boolean rewrote = fillRate < targetFillRate && files.compact(targetFillRate, writeLimit);
    return new Round(fillRate, rewrote);
  }
}
