package dev.musubi.ops.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * An installation upgraded to a release whose new migration is numbered below one it already has
 * (modules number migrations in their own ranges) gets the migration applied, with the
 * application's Flyway settings.
 */
class SchemaUpgradeTests {

  @Test
  void aMigrationNumberedBelowTheAppliedOnesIsAppliedOnUpgrade() {
    DriverManagerDataSource ds =
        new DriverManagerDataSource(
            "jdbc:h2:mem:upgrade_"
                + UUID.randomUUID().toString().replace("-", "")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
            "sa",
            "");
    Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
    // The installation as it was before V77 existed, with everything after it applied.
    JdbcTemplate jdbc = new JdbcTemplate(ds);
    jdbc.update("ALTER TABLE mail_message DROP COLUMN keywords");
    jdbc.update("DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '77'");

    assertThatThrownBy(
            () ->
                Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate())
        .isInstanceOf(FlywayException.class);

    Properties app = new Properties();
    YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
    yaml.setResources(new ClassPathResource("application.yml"));
    app.putAll(yaml.getObject());
    Flyway.configure()
        .dataSource(ds)
        .locations(String.valueOf(app.get("spring.flyway.locations")))
        .outOfOrder(Boolean.parseBoolean(String.valueOf(app.get("spring.flyway.out-of-order"))))
        .load()
        .migrate();

    assertThat(
            jdbc.queryForObject(
                "SELECT COUNT(*) FROM information_schema.columns"
                    + " WHERE table_name = 'mail_message' AND column_name = 'keywords'",
                Integer.class))
        .isEqualTo(1);
  }
}
