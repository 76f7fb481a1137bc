package dev.musubi.messaging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.messaging.Message;
import dev.musubi.platform.web.ProblemException.FieldError;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RichPayloadTests {

  @Test
  void buttonsKeepTheirDataForTheBotAndShowMembersOnlyLabelsAndLinks() {
    List<FieldError> errors = new ArrayList<>();
    String json =
        RichPayload.buttons(
            List.of(
                new RichPayload.ButtonIn(" 承認 ", "approve:1", null),
                new RichPayload.ButtonIn("詳細", null, "https://example.com/a?b=c")),
            errors);
    assertThat(errors).isEmpty();
    assertThat(RichPayload.buttonsOf(json))
        .containsExactly(
            new Message.Button("承認", null), new Message.Button("詳細", "https://example.com/a?b=c"));
    assertThat(RichPayload.dataOf(json, 0)).isEqualTo("approve:1");
    assertThat(RichPayload.dataOf(json, 1)).isNull();
    assertThat(RichPayload.dataOf(json, 2)).isNull();
    assertThat(RichPayload.dataOf(json, -1)).isNull();
    assertThat(RichPayload.linkOf(json)).isNull();
    assertThat(RichPayload.summary(json)).isEqualTo("[承認] [詳細]");
  }

  @Test
  void onlyHttpAndHttpsLinksWithAHostAreAccepted() {
    for (String bad :
        List.of(
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox",
            "file:///etc/passwd",
            "//example.com/x",
            "/relative",
            "https://",
            "http://exa mple.com/")) {
      List<FieldError> errors = new ArrayList<>();
      RichPayload.link(bad, "title", null, errors);
      assertThat(errors).as(bad).extracting(FieldError::field).containsExactly("url");
    }
    List<FieldError> errors = new ArrayList<>();
    String json = RichPayload.link("HTTPS://Example.com/規程", "規程 <b>", "説明", errors);
    assertThat(errors).isEmpty();
    assertThat(RichPayload.linkOf(json))
        .isEqualTo(new Message.Link("HTTPS://Example.com/規程", "規程 <b>", "説明"));
  }

  @Test
  void badButtonsNameTheFieldThatIsWrong() {
    List<FieldError> errors = new ArrayList<>();
    RichPayload.buttons(
        List.of(
            new RichPayload.ButtonIn("", "d", null),
            new RichPayload.ButtonIn("x".repeat(41), "d", null),
            new RichPayload.ButtonIn("both", "d", "https://example.com"),
            new RichPayload.ButtonIn("neither", null, null),
            new RichPayload.ButtonIn("ctrl\u0007", "d", null),
            new RichPayload.ButtonIn("long data", "d".repeat(301), null)),
        errors);
    assertThat(errors)
        .extracting(FieldError::field)
        .containsExactly(
            "buttons[0].label",
            "buttons[1].label",
            "buttons[2]",
            "buttons[3]",
            "buttons[4].label",
            "buttons[5].data");
    List<FieldError> none = new ArrayList<>();
    RichPayload.buttons(List.of(), none);
    assertThat(none).extracting(FieldError::code).containsExactly("required");
  }
}
