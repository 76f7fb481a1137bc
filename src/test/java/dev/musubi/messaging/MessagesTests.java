package dev.musubi.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.musubi.platform.web.ProblemException;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MessagesTests {

  private final UUID sato = UUID.randomUUID();
  private final UUID suzuki = UUID.randomUUID();

  @Test
  void textCountsCharactersNotUtf16Units() {
    assertThat(Messages.checkedText("😀".repeat(10_000))).hasSize(20_000);
    assertThatThrownBy(() -> Messages.checkedText("😀".repeat(10_001)))
        .isInstanceOf(ProblemException.class);
  }

  @Test
  void forwardedButtonsBecomeLabelLinesAndTheWholeStaysWithinTheLimit() {
    List<Message.Button> buttons =
        List.of(new Message.Button("承認", null), new Message.Button("詳細", "https://x.example/1"));
    assertThat(Messages.buttonsAsText("承認しますか", buttons))
        .isEqualTo("承認しますか\n\n[承認]\n[詳細] https://x.example/1");
    String longest = Messages.buttonsAsText("😀".repeat(10_000), buttons);
    assertThat(longest.codePointCount(0, longest.length())).isEqualTo(Messages.MAX_TEXT);
    assertThat(longest).endsWith("😀…\n\n[承認]\n[詳細] https://x.example/1");
    assertThat(Messages.checkedText(longest)).isEqualTo(longest);
  }

  @Test
  void controlCharactersOtherThanNewlineAndTabAreRefused() {
    assertThat(Messages.checkedText("a\nb\tc")).isEqualTo("a\nb\tc");
    for (String bad : List.of("a\rb", "a\u0000b", "a\u001bb", "a\u007fb", "a\u0085b")) {
      assertThatThrownBy(() -> Messages.checkedText(bad)).isInstanceOf(ProblemException.class);
    }
  }

  @Test
  void mentionsComeFromTokensAndTheListAndOnlyNameRoomMembers() {
    UUID stranger = UUID.randomUUID();
    Messages.Mentions m =
        Messages.mentions(
            "@{" + sato + "} と @{" + stranger + "} へ",
            List.of(suzuki.toString(), "junk"),
            Set.of(sato, suzuki));
    assertThat(m.ids()).containsExactly(sato, suzuki);
    assertThat(m.all()).isFalse();
    assertThat(Messages.mentions("@all 集合", null, Set.of()).all()).isTrue();
    assertThat(Messages.mentions("mail@all.example", null, Set.of()).all()).isFalse();
    assertThat(Messages.mentions("@allyou", null, Set.of()).all()).isFalse();
  }
}
