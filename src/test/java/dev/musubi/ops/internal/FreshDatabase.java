package dev.musubi.ops.internal;

import dev.musubi.testing.TestDatabase;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/** Empty databases for restore drills. */
final class FreshDatabase {

  private FreshDatabase() {}

  /** An empty database of the kind the suite runs on, migrated like a new installation. */
  static DataSource create() throws Exception {
    String name = "restore_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    DriverManagerDataSource ds;
    boolean postgres = "postgres".equals(TestDatabase.kind());
    if (postgres) {
      ds =
          new DriverManagerDataSource(
              "jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + name, "postgres", "");
    } else {
      ds =
          new DriverManagerDataSource(
              "jdbc:h2:mem:"
                  + name
                  + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
              "sa",
              "");
    }
    Flyway.configure()
        .dataSource(ds)
        .locations("classpath:db/migration")
        .schemas(postgres ? name : "public")
        .createSchemas(true)
        .load()
        .migrate();
    new ResourceDatabasePopulator(
            new ClassPathResource(
                "org/springframework/modulith/events/jdbc/schemas/v2/schema-"
                    + (postgres ? "postgresql" : "h2")
                    + ".sql"))
        .execute(ds);
    return ds;
  }
}
