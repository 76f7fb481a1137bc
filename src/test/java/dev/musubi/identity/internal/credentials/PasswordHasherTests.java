package dev.musubi.identity.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHasherTests {

  private static final PasswordHasher HASHER = new PasswordHasher();

  @Test
  void hashIsArgon2idWithOwaspMinimumParameters() {
    assertThat(HASHER.hash("correct horse battery staple"))
        .startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
  }

  @Test
  void hashVerifiesItsPasswordOnly() {
    String hash = HASHER.hash("correct horse battery staple");
    assertThat(HASHER.matches("correct horse battery staple", hash)).isTrue();
    assertThat(HASHER.matches("correct horse battery stapler", hash)).isFalse();
  }

  @Test
  void samePasswordHashesDifferentlyEachTime() {
    assertThat(HASHER.hash("桜の花が咲く頃")).isNotEqualTo(HASHER.hash("桜の花が咲く頃"));
  }

  @Test
  void malformedHashDoesNotMatch() {
    assertThat(HASHER.matches("anything", "not-a-hash")).isFalse();
  }

  @Test
  void burnDoesTheWorkWithoutAnswering() {
    HASHER.burn("some password for an unknown login ID");
  }

  @Test
  void currentHashNeedsNoRehash() {
    assertThat(HASHER.needsRehash(HASHER.hash("correct horse battery staple"))).isFalse();
  }
}
