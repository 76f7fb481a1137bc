package dev.musubi.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The web client's stylesheet is well formed: a lost brace silently unstyles every page after it.
 */
class StylesheetTests {

  @Test
  void everyRuleIsClosed() throws Exception {
    String css = Files.readString(Path.of("src/main/resources/static/app/app.css"));
    String code = css.replaceAll("(?s)/\\*.*?\\*/", "");
    int depth = 0;
    int line = 1;
    for (char c : code.toCharArray()) {
      if (c == '\n') {
        line++;
      } else if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth--;
        assertThat(depth).as("closing brace without a rule near line %d", line).isNotNegative();
      }
    }
    assertThat(depth).as("rules left open at the end of app.css").isZero();
    // Module blocks start at the top level, never inside another rule.
    depth = 0;
    for (String l : css.split("\n")) {
      if (l.startsWith("/* === ")) {
        assertThat(depth).as("block %s starts inside an open rule", l).isZero();
      }
      String c = l.replaceAll("/\\*.*?\\*/", "");
      depth +=
          c.chars().filter(ch -> ch == '{').count() - c.chars().filter(ch -> ch == '}').count();
    }
  }
}
