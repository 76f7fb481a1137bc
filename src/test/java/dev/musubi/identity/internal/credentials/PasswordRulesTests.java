package dev.musubi.identity.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import dev.musubi.identity.internal.credentials.PasswordRules.Violation;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordRulesTests {

  private static final PasswordRules RULES = new PasswordRules(new CommonPasswords());
  private static final PasswordPolicy POLICY = PasswordPolicy.defaults();
  private static final String LOGIN_ID = "taro.yamada@example.com";
  private static final List<String> NAMES = List.of("山田", "太郎", "ヤマダ", "タロウ", "Yamada Taro");

  private static List<String> codes(String password) {
    return codes(password, POLICY);
  }

  private static List<String> codes(String password, PasswordPolicy policy) {
    return RULES.check(password, policy, LOGIN_ID, NAMES).stream().map(Violation::code).toList();
  }

  @Test
  void goodPassphraseHasNoViolations() {
    assertThat(codes("correct horse battery staple")).isEmpty();
    assertThat(codes("桜の花が咲く頃に会いましょう")).isEmpty();
  }

  @Test
  void shortPasswordIsRefused() {
    assertThat(codes("k9#Vq2!")).containsExactly("too_short");
  }

  @Test
  void lengthCountsCodePointsAfterNfc() {
    var policy = new PasswordPolicy(8, 128, 0, 0);
    // Eight decomposed "é" are sixteen code points before NFC and eight after.
    assertThat(codes("e\u0301".repeat(4) + "xqzw", policy)).doesNotContain("too_short");
    // Eight emoji are sixteen UTF-16 units but eight code points.
    assertThat(codes("🍣🍵🗻🌸🎏🍡🐟🦊", policy)).isEmpty();
    assertThat(codes("🍣🍵🗻🌸🎏🍡🐟", policy)).containsExactly("too_short");
  }

  @Test
  void megabytePasswordIsOnlyTooLong() {
    assertThat(codes("a".repeat(1024 * 1024))).containsExactly("too_long");
  }

  @Test
  void passwordJustOverTheMaximumIsOnlyTooLong() {
    assertThat(codes("x".repeat(256) + "y")).containsExactly("too_long");
    assertThat(codes("xy".repeat(128))).doesNotContain("too_long");
  }

  @Test
  void longMinimumLengthWorks() {
    var policy = new PasswordPolicy(128, 1024, 0, 0);
    assertThat(codes("correct horse battery staple", policy)).containsExactly("too_short");
    String long128 = "correct horse battery staple ".repeat(5).substring(0, 128);
    assertThat(codes(long128, policy)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"password12", "Password123!", "PASSWORD!!!!", "qwertyuiop", "1234567890"})
  void commonPasswordsAreRefused(String password) {
    assertThat(codes(password)).contains("common");
  }

  @Test
  void fullWidthCommonPasswordIsRefused() {
    assertThat(codes("ｐａｓｓｗｏｒｄ１２３")).contains("common");
  }

  @Test
  void repeatedCharacterIsRefused() {
    assertThat(codes("aaaaaaaaaaaa")).contains("repeated");
    assertThat(codes("ああああああああああ")).contains("repeated");
  }

  @Test
  void loginIdInPasswordIsRefused() {
    assertThat(codes("my-TARO.YAMADA-pw")).contains("contains_login_id");
    assertThat(codes("yamada-san-no-pw")).contains("contains_login_id");
  }

  @Test
  void shortLoginIdIsNotSearchedFor() {
    assertThat(
            RULES.check("ko ko ro no hana", POLICY, "ko@example.com", List.of()).stream()
                .map(Violation::code))
        .isEmpty();
  }

  @Test
  void nameInPasswordIsRefused() {
    var noLoginId = "t.y@example.com";
    assertThat(RULES.check("私はヤマダです山です", POLICY, noLoginId, NAMES))
        .extracting(Violation::code)
        .containsExactly("contains_name");
    assertThat(RULES.check("iamyamadataro!", POLICY, noLoginId, NAMES))
        .extracting(Violation::code)
        .containsExactly("contains_name");
  }

  @Test
  void readingInKanaMatchesHiraganaAndRomaji() {
    var noLoginId = "t.y@example.com";
    List<String> reading = List.of("ヤマダ");
    assertThat(RULES.check("わたしはやまだですよ", POLICY, noLoginId, reading))
        .extracting(Violation::code)
        .containsExactly("contains_name");
    assertThat(RULES.check("my name is yamada", POLICY, noLoginId, reading))
        .extracting(Violation::code)
        .containsExactly("contains_name");
  }

  @Test
  void twoCharacterNamesAreNotSearchedFor() {
    assertThat(RULES.check("tailwind harbour", POLICY, "x@example.com", List.of("太郎", "Ai")))
        .isEmpty();
  }
}
