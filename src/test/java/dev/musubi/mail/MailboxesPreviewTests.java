package dev.musubi.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The list preview of a message: whitespace collapsed, stripped, clipped. */
class MailboxesPreviewTests {

  private static String expected(String text, int max) {
    return Mailboxes.clip(text.replaceAll("\\s+", " ").strip(), max);
  }

  @Test
  void sameAsCollapsingTheWholeText() {
    String[] cases = {
      "",
      "   ",
      "\u3000\u3000",
      "Hello,\r\n\r\n  world\t!",
      "\u3000 会議は\n\n３時から\u3000 です \u3000",
      "a\u3000 b",
      "x".repeat(199) + "\u3000" + "   \n",
      "x".repeat(199) + "\u3000" + "  y",
      "x".repeat(200),
      "x".repeat(250) + "   ",
      " \t" + "ab ".repeat(150),
      "\uD83D\uDE00 emoji \uD83D\uDE00".repeat(30),
      "\u00A0nbsp\u00A0 kept\u00A0"
    };
    for (String c : cases) {
      for (int max : new int[] {1, 5, 200}) {
        assertThat(Mailboxes.preview(c, max)).as("%s / %d", c, max).isEqualTo(expected(c, max));
      }
    }
  }

  @Test
  void sameAsCollapsingTheWholeTextForRandomText() {
    char[] alphabet = {
      ' ', '\t', '\n', '\r', '\u000B', '\f', '\u3000', '\u2003', '\u00A0', 'a', '会'
    };
    Random random = new Random(42);
    for (int n = 0; n < 20_000; n++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(40);
      for (int i = 0; i < length; i++) {
        text.append(alphabet[random.nextInt(alphabet.length)]);
      }
      int max = 1 + random.nextInt(12);
      assertThat(Mailboxes.preview(text.toString(), max))
          .as("%s / %d", text, max)
          .isEqualTo(expected(text.toString(), max));
    }
  }
}
