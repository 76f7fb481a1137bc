package dev.musubi.identity.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.musubi.identity.internal.credentials.LoginIdPolicy.Invalid;
import dev.musubi.identity.internal.credentials.LoginIdPolicy.Result;
import dev.musubi.identity.internal.credentials.LoginIdPolicy.Valid;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoginIdPolicyTests {

  private final LoginIdPolicy policy = new LoginIdPolicy(Set.of("Ceo"));

  @ParameterizedTest
  @ValueSource(strings = {"taro.yamada", "hanako-s", "k_ito2", "a", "mark", "user_tanaka"})
  void plainAsciiIdsAreAccepted(String localPart) {
    assertThat(policy.check(localPart)).isInstanceOf(Valid.class);
  }

  @Test
  void validIdIsLowerCasedAndCarriesItsKeys() {
    assertThat(policy.check("Taro.Yamada"))
        .isEqualTo(new Valid("taro.yamada", "taro.yamada", "taro.yarnada"));
  }

  @Test
  void caseOnlyDifferencesGiveEqualKeys() {
    assertThat(LoginIdPolicy.key("Taro.Yamada@Example.COM"))
        .isEqualTo(LoginIdPolicy.key("taro.yamada@example.com"))
        .isEqualTo("taro.yamada@example.com");
    assertThat(((Valid) policy.check("HANAKO-S")).key())
        .isEqualTo(((Valid) policy.check("hanako-s")).key());
  }

  @Test
  void internationalDomainIsKeyedInAscii() {
    assertThat(LoginIdPolicy.key("taro@例え.テスト")).isEqualTo("taro@xn--r8jz45g.xn--zckzah");
    assertThat(LoginIdPolicy.skeleton("Taro@例え.テスト")).isEqualTo("taro@xn--r8jz45g.xn--zckzah");
  }

  @Test
  void idWithoutAtSignHasNoKey() {
    assertThatIllegalArgumentException().isThrownBy(() -> LoginIdPolicy.key("taro"));
  }

  @Test
  void fullWidthLookAlikeIsRefused() {
    assertThat(codeOf(policy.check("ａｄｍｉｎ"))).isEqualTo("lookalike");
    assertThat(codeOf(policy.check("ｔａｒｏ"))).isEqualTo("lookalike");
  }

  @Test
  void ligatureIsRefusedAsLookAlike() {
    assertThat(codeOf(policy.check("ﬁle"))).isEqualTo("lookalike");
  }

  @Test
  void cyrillicLetterInLatinIdIsRefused() {
    assertThat(codeOf(policy.check("m\u0430rk"))).isEqualTo("lookalike");
  }

  @Test
  void nonLatinIdIsRefused() {
    assertThat(codeOf(policy.check("山田"))).isEqualTo("invalid_character");
    assertThat(codeOf(policy.check("taro+tag"))).isEqualTo("invalid_character");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ta\u200Bro", // zero-width space
        "ta\u200Dro", // zero-width joiner
        "ta\u200Cro", // zero-width non-joiner
        "\u202Eoraty", // right-to-left override
        "ta\u00ADro", // soft hyphen
        "ta\u00A0ro", // no-break space
        "ta ro",
        "taro\t",
        "ta\u3000ro", // ideographic space
        "taro\uFE0F", // variation selector
        "ta\u0000ro"
      })
  void invisibleAndControlCharactersAreRefused(String localPart) {
    assertThat(codeOf(policy.check(localPart))).isEqualTo("invisible");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "admin", "Administrator", "user1", "test42", "root", "admin99", "user100", "no-reply",
        "mailer-daemon", "null", "ceo", "CEO7", "adm1n", "adrnin", "r00t", "inf0"
      })
  void reservedWordsAndTheirLookAlikesAreRefused(String localPart) {
    assertThat(codeOf(policy.check(localPart))).isEqualTo("reserved");
  }

  @Test
  void reservedWordInsideALongerIdIsAllowed() {
    assertThat(policy.check("admin.tanaka")).isInstanceOf(Valid.class);
    assertThat(policy.check("testuser")).isInstanceOf(Valid.class);
  }

  @Test
  void lengthIsOneToSixtyFourCharacters() {
    assertThat(codeOf(policy.check(""))).isEqualTo("empty");
    assertThat(policy.check("a".repeat(64))).isInstanceOf(Valid.class);
    assertThat(codeOf(policy.check("a".repeat(65)))).isEqualTo("too_long");
    assertThat(codeOf(policy.check("a".repeat(1_000_000)))).isEqualTo("too_long");
  }

  @ParameterizedTest
  @ValueSource(strings = {".taro", "taro.", "taro..yamada"})
  void leadingTrailingAndDoubleDotsAreRefused(String localPart) {
    assertThat(codeOf(policy.check(localPart))).isEqualTo("dots");
  }

  @Test
  void digitLetterLookAlikesShareASkeleton() {
    assertThat(LoginIdPolicy.skeleton("paypal@example.com"))
        .isEqualTo(LoginIdPolicy.skeleton("paypa1@example.com"))
        .isEqualTo(LoginIdPolicy.skeleton("PaypaI@example.com"));
    assertThat(LoginIdPolicy.skeleton("admin@example.com"))
        .isEqualTo(LoginIdPolicy.skeleton("adrnin@example.com"))
        .isEqualTo(LoginIdPolicy.skeleton("adm1n@example.com"));
    assertThat(LoginIdPolicy.skeleton("root@example.com"))
        .isEqualTo(LoginIdPolicy.skeleton("r00t@example.com"));
    assertThat(LoginIdPolicy.skeleton("mark@example.com"))
        .isEqualTo(LoginIdPolicy.skeleton("m\u0430rk@example.com"));
  }

  @Test
  void differentIdsHaveDifferentSkeletons() {
    assertThat(LoginIdPolicy.skeleton("taro@example.com"))
        .isNotEqualTo(LoginIdPolicy.skeleton("jiro@example.com"));
    assertThat(LoginIdPolicy.skeleton("admin@example.com"))
        .isNotEqualTo(LoginIdPolicy.skeleton("ad1nin@example.com"));
  }

  private static String codeOf(Result result) {
    return switch (result) {
      case Valid valid -> "valid";
      case Invalid invalid -> invalid.code();
    };
  }
}
