package dev.musubi.mail.smtp.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageHeadersTests {

  private static List<String> from(String message) throws Exception {
    return MessageHeaders.fromDomains(
        new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)), 64 * 1024);
  }

  private static boolean dkimSigned(String message, int max) throws Exception {
    return MessageHeaders.mayHaveField(
        new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)), "DKIM-Signature", max);
  }

  @Test
  void aSignatureFieldIsFoundOnlyInTheHeaderSectionAndWhenUnsureItMayBeThere() throws Exception {
    assertThat(dkimSigned("From: a@b.example\r\ndkim-signature : v=1; d=b.example\r\n\r\n", 4096))
        .isTrue();
    assertThat(dkimSigned("DKIM-Signature:v=1\nSubject: x\n\nbody\n", 4096)).isTrue();
    // Not a field: in the body, in a continuation line, or a longer field name.
    assertThat(dkimSigned("Subject: x\r\n\r\nDKIM-Signature: v=1\r\n", 4096)).isFalse();
    assertThat(dkimSigned("Subject: x\r\n DKIM-Signature: v=1\r\n\r\n", 4096)).isFalse();
    assertThat(dkimSigned("X-DKIM-Signature: v=1\r\nDKIM-Signatures: 2\r\n\r\n", 4096)).isFalse();
    // A header section longer than the bound, or without its end, may hold one.
    assertThat(dkimSigned("Subject: " + "x".repeat(200) + "\r\n\r\n", 100)).isTrue();
    assertThat(dkimSigned("Subject: x\r\n", 4096)).isTrue();
  }

  @Test
  void readsTheAuthorDomainFromAngleAddressesAndFoldedFields() throws Exception {
    assertThat(
            from("Subject: hi\r\nFrom: \"Ali, Ce\" <alice@Sender.Example>\r\n\r\nFrom: x@y.z\r\n"))
        .containsExactly("sender.example");
    assertThat(from("From:\r\n bob@other.example (Bob <bob@fake.example>)\r\n\r\n"))
        .containsExactly("other.example");
  }

  @Test
  void aDisplayNameThatLooksLikeAnAddressDoesNotCount() throws Exception {
    assertThat(from("From: \"ceo@musubi.test\" <x@attacker.example>\r\n\r\n"))
        .containsExactly("attacker.example");
  }

  @Test
  void everyAuthorOfEveryFromFieldIsReturned() throws Exception {
    assertThat(from("From: a@one.example, b@two.example\r\nFrom: c@three.example\r\n\r\n"))
        .containsExactly("one.example", "two.example", "three.example");
  }

  @Test
  void noFromOrAnUnreadableOneIsEmpty() throws Exception {
    assertThat(from("Subject: none\r\n\r\n")).isEmpty();
    assertThat(from("From: undisclosed\r\n\r\n")).isEmpty();
  }

  @Test
  void authenticationResultsClaimingThisServerAreRemovedOthersKept() throws Exception {
    String message =
        "Authentication-Results: MX.musubi.test;\r\n\tdkim=pass header.d=musubi.test\r\n"
            + "Authentication-Results: mx.other.example; spf=pass\r\n"
            + "Authentication-Results: (comment) mx.musubi.test; dmarc=pass\r\n"
            + "Subject: hi\r\n\r\n"
            + "Authentication-Results: mx.musubi.test; in the body stays\r\n";
    var filtered =
        MessageHeaders.withoutAuthenticationResults(
            new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)),
            "mx.musubi.test",
            64 * 1024);
    String out = new String(filtered.message().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(out)
        .isEqualTo(
            "Authentication-Results: mx.other.example; spf=pass\r\n"
                + "Subject: hi\r\n\r\n"
                + "Authentication-Results: mx.musubi.test; in the body stays\r\n");
    assertThat(filtered.removed()).isEqualTo(message.length() - out.length());
  }
}
