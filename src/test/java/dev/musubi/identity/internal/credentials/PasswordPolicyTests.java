package dev.musubi.identity.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class PasswordPolicyTests {

  @Test
  void defaultsFollowNist() {
    assertThat(PasswordPolicy.defaults()).isEqualTo(new PasswordPolicy(10, 256, 0, 0));
  }

  @Test
  void boundsAreAccepted() {
    assertThat(new PasswordPolicy(8, 128, 0, 0).minLength()).isEqualTo(8);
    assertThat(new PasswordPolicy(128, 1024, 24, 3650).maxLength()).isEqualTo(1024);
  }

  @Test
  void outOfRangeValuesAreRefused() {
    assertThatIllegalArgumentException().isThrownBy(() -> new PasswordPolicy(7, 256, 0, 0));
    assertThatIllegalArgumentException().isThrownBy(() -> new PasswordPolicy(129, 256, 0, 0));
    assertThatIllegalArgumentException().isThrownBy(() -> new PasswordPolicy(10, 127, 0, 0));
    assertThatIllegalArgumentException().isThrownBy(() -> new PasswordPolicy(10, 1025, 0, 0));
    assertThatIllegalArgumentException().isThrownBy(() -> new PasswordPolicy(10, 256, -1, 0));
    assertThatIllegalArgumentException().isThrownBy(() -> new PasswordPolicy(10, 256, 0, -1));
  }
}
