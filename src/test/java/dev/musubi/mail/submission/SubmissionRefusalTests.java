package dev.musubi.mail.submission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.platform.web.ProblemException;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/** How {@code MailSending.submit}'s problems become SMTP replies after DATA. */
class SubmissionRefusalTests {

  private static String reply(ProblemException e) {
    return SubmissionSession.refusal(e).toString();
  }

  @Test
  void eachProblemHasItsReply() {
    assertThat(reply(Problems.forbidden("sender-identity", "The From header must be yours.")))
        .isEqualTo("550 5.7.1 The From header must be yours.");
    assertThat(
            reply(
                new ProblemException(
                    HttpStatus.CONTENT_TOO_LARGE, "too-large", "Too large.", List.of())))
        .isEqualTo("552 5.3.4 Too large.");
    assertThat(
            reply(
                Problems.invalid(
                    List.of(new FieldError("to", "unknown_recipient", "Nobody here has x@y.jp.")))))
        .isEqualTo("550 5.1.1 Nobody here has x@y.jp.");
    assertThat(reply(Problems.invalid("to", "invalid", "Not an e-mail address: a b")))
        .isEqualTo("554 5.6.0 Not an e-mail address: a b");
    assertThat(
            reply(
                new ProblemException(
                    HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Down.", List.of())))
        .startsWith("451 4.3.0");
    assertThat(reply(Problems.badRequest("Header\r\ninjection")))
        .isEqualTo("554 5.7.0 Header  injection");
  }
}
