package dev.musubi.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Work after commit runs once committed, never on rollback, and needs no second connection. */
class AfterCommitTests {

  private HikariDataSource pool;
  private TransactionTemplate tx;
  private JdbcClient jdbc;

  @BeforeEach
  void setUp() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:mem:aftercommit;DB_CLOSE_DELAY=-1");
    // One connection: work that took a second one while the first is held would time out.
    config.setMaximumPoolSize(1);
    config.setConnectionTimeout(250);
    pool = new HikariDataSource(config);
    tx = new TransactionTemplate(new DataSourceTransactionManager(pool));
    jdbc = JdbcClient.create(pool);
    jdbc.sql("CREATE TABLE IF NOT EXISTS t (v INT)").update();
    jdbc.sql("DELETE FROM t").update();
  }

  @AfterEach
  void tearDown() {
    pool.close();
  }

  @Test
  void runsAfterCommitWithTheSameConnectionAndNotOnRollback() {
    List<Long> seen = new ArrayList<>();
    tx.executeWithoutResult(
        s -> {
          jdbc.sql("INSERT INTO t VALUES (1)").update();
          AfterCommit.run(
              () -> seen.add(jdbc.sql("SELECT COUNT(*) FROM t").query(Long.class).single()));
          assertThat(seen).as("not before the commit").isEmpty();
        });
    assertThat(seen).containsExactly(1L);

    tx.executeWithoutResult(
        s -> {
          jdbc.sql("INSERT INTO t VALUES (2)").update();
          AfterCommit.run(() -> seen.add(-1L));
          s.setRollbackOnly();
        });
    assertThat(seen).as("nothing after a rollback").containsExactly(1L);

    AfterCommit.run(() -> seen.add(2L));
    assertThat(seen).as("at once without a transaction").containsExactly(1L, 2L);
  }

  @Test
  void aFailureAfterCommitIsNotThrownAtTheCommitter() {
    tx.executeWithoutResult(
        s -> {
          jdbc.sql("INSERT INTO t VALUES (3)").update();
          AfterCommit.run(
              () -> {
                throw new IllegalStateException("listener failed");
              });
        });
    assertThat(jdbc.sql("SELECT COUNT(*) FROM t").query(Long.class).single()).isEqualTo(1);
  }
}
