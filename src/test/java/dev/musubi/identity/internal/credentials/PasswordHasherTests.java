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

  @Test
  void costsAreConfigurableAndWeakerOnesAreFlaggedAndUpgraded() {
    PasswordHasher weak = new PasswordHasher(1024, 1);
    String weakHash = weak.hash("correct horse battery staple");
    assertThat(weakHash).startsWith("$argon2id$v=19$m=1024,t=1,p=1$");
    assertThat(weak.belowOwaspMinimum()).isTrue();
    assertThat(HASHER.belowOwaspMinimum()).isFalse();
    assertThat(new PasswordHasher(12_288, 3).belowOwaspMinimum()).isFalse();
    assertThat(new PasswordHasher(12_287, 3).belowOwaspMinimum()).isTrue();
    // A stronger hasher still verifies the weak hash and asks for it to be replaced.
    assertThat(HASHER.matches("correct horse battery staple", weakHash)).isTrue();
    assertThat(HASHER.needsRehash(weakHash)).isTrue();
  }

  @Test
  void hashingLeavesTheVirtualThreadsCarriersFree() throws Exception {
    // One more hashing virtual thread than there are carriers: were the hashes computed on the
    // virtual threads, they would hold every carrier and the probe could not run until one ended.
    PasswordHasher slow = new PasswordHasher(32_768, 6);
    int hashers = Runtime.getRuntime().availableProcessors() + 1;
    java.util.concurrent.atomic.AtomicInteger finished =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.List<Thread> threads = new java.util.ArrayList<>();
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(hashers);
    for (int i = 0; i < hashers; i++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    started.countDown();
                    slow.hash("correct horse battery staple");
                    finished.incrementAndGet();
                  }));
    }
    started.await();
    Thread.sleep(20); // the hashers are in hash() now
    java.util.concurrent.atomic.AtomicInteger finishedWhenProbed =
        new java.util.concurrent.atomic.AtomicInteger(-1);
    Thread probe = Thread.ofVirtual().start(() -> finishedWhenProbed.set(finished.get()));
    probe.join();
    for (Thread t : threads) {
      t.join();
    }
    assertThat(finished.get()).isEqualTo(hashers);
    assertThat(finishedWhenProbed.get()).isZero();
  }

  @Test
  void absurdCostsAreRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PasswordHasher(512, 2))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PasswordHasher(19_456, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
