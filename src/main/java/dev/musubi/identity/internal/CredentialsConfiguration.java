package dev.musubi.identity.internal;

import dev.musubi.identity.internal.credentials.CommonPasswords;
import dev.musubi.identity.internal.credentials.LoginIdPolicy;
import dev.musubi.identity.internal.credentials.PasswordHasher;
import dev.musubi.identity.internal.credentials.PasswordRules;
import dev.musubi.identity.internal.credentials.RecoveryCodes;
import dev.musubi.identity.internal.credentials.Totp;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the Spring-free credential rules (see the {@code credentials} package). */
@Configuration(proxyBeanMethods = false)
class CredentialsConfiguration {

  @Bean
  LoginIdPolicy loginIdPolicy(
      @Value("${musubi.identity.reserved-login-ids:}") List<String> extraReserved) {
    return new LoginIdPolicy(new HashSet<>(extraReserved));
  }

  @Bean
  CommonPasswords commonPasswords() {
    return new CommonPasswords();
  }

  @Bean
  PasswordRules passwordRules(CommonPasswords common) {
    return new PasswordRules(common);
  }

  @Bean
  PasswordHasher passwordHasher(
      @Value("${musubi.identity.password-hashing.memory-kib:19456}") int memoryKib,
      @Value("${musubi.identity.password-hashing.iterations:2}") int iterations) {
    PasswordHasher hasher = new PasswordHasher(memoryKib, iterations);
    if (hasher.belowOwaspMinimum()) {
      LoggerFactory.getLogger(PasswordHasher.class)
          .warn(
              "Password hashing costs (memory {} KiB, {} iterations) are below the OWASP minimum:"
                  + " acceptable for test suites only",
              memoryKib,
              iterations);
    }
    return hasher;
  }

  @Bean
  Totp totp(Clock clock) {
    return new Totp(clock);
  }

  @Bean
  RecoveryCodes recoveryCodes() {
    return new RecoveryCodes();
  }
}
