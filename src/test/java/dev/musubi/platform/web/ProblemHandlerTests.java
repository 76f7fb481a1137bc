package dev.musubi.platform.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.platform.web.ProblemException.FieldError;
import java.sql.SQLTransientConnectionException;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

class ProblemHandlerTests {

  private final ProblemHandler handler = new ProblemHandler();

  @Test
  void aPoolThatStayedBusyIsA503WithRetryAfterNotA500() {
    var timedOut =
        new SQLTransientConnectionException("HikariPool-1 - Connection is not available");
    for (Exception e :
        new Exception[] {
          new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection", timedOut),
          new CannotCreateTransactionException("Could not open JDBC Connection", timedOut)
        }) {
      var response = handler.busy(e);
      assertThat(response.getStatusCode().value()).isEqualTo(503);
      assertThat(response.getHeaders().getFirst("Retry-After")).isEqualTo("5");
      assertThat(response.getBody().getType().toString()).endsWith("busy");
      assertThat(response.getBody().getDetail()).doesNotContain("Hikari", "JDBC");
    }
  }

  @Test
  void everyCommonMessageHasItsJapaneseWithTheSamePlaceholders() throws Exception {
    java.util.Properties english = properties("FieldMessages.properties");
    java.util.Properties japanese = properties("FieldMessages_ja.properties");
    assertThat(japanese.stringPropertyNames()).isEqualTo(english.stringPropertyNames());
    for (String key : english.stringPropertyNames()) {
      assertThat(placeholders(japanese.getProperty(key)))
          .as(key)
          .isEqualTo(placeholders(english.getProperty(key)));
    }
    assertThat(FieldMessages.localize("No such group.", Locale.JAPANESE)).isEqualTo("存在しないグループです。");
  }

  private static java.util.Properties properties(String name) throws java.io.IOException {
    var properties = new java.util.Properties();
    try (var in = FieldMessages.class.getResourceAsStream(name)) {
      properties.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
    }
    return properties;
  }

  private static java.util.Set<String> placeholders(String message) {
    return java.util.regex.Pattern.compile("\\{\\d}")
        .matcher(message)
        .results()
        .map(java.util.regex.MatchResult::group)
        .collect(java.util.stream.Collectors.toSet());
  }

  @Test
  void commonFieldMessagesAreTranslatedOnlyWhereTheWholeMessageMatches() {
    assertThat(FieldError.range("size", 1, 1000).message())
        .isEqualTo("Must be between 1 and 1000.");
    assertThat(FieldMessages.localize("Must be between 1 and 1000.", Locale.JAPAN))
        .isEqualTo("1から1000までの値にしてください。");
    assertThat(FieldMessages.localize("At most 10,000 characters.", Locale.JAPANESE))
        .isEqualTo("10,000文字以内にしてください。");
    assertThat(FieldMessages.localize("At most 100.", Locale.JAPANESE)).isEqualTo("100件以内にしてください。");
    assertThat(FieldMessages.localize(FieldError.required("q").message(), Locale.JAPANESE))
        .isEqualTo("入力してください。");
    // Other texts, and every message for a reader of another language, stay as written.
    assertThat(FieldMessages.localize("At most 5 reminders.", Locale.JAPANESE))
        .isEqualTo("At most 5 reminders.");
    assertThat(FieldMessages.localize("Must be between 1 and 1000.", Locale.ENGLISH))
        .isEqualTo("Must be between 1 and 1000.");
    assertThat(FieldMessages.localize("Must be between 1 and 1000.", Locale.FRENCH))
        .isEqualTo("Must be between 1 and 1000.");
  }
}
