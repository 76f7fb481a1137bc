import java.lang.management.ManagementFactory;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/**
 * The cost of one Argon2id check with Musubi's parameters (PasswordHasher: 16-byte salt, 32-byte
 * hash, parallelism 1, 19 MiB, 2 iterations), single-threaded: wall and CPU milliseconds. Needs
 * spring-security-crypto and bcprov on the class path; bench/signin.sh extracts them from the jar.
 */
public class Argon2Cost {
  public static void main(String[] args) {
    var encoder = new Argon2PasswordEncoder(16, 32, 1, 19_456, 2);
    String hash = encoder.encode("Sign-In-Bench-Pass");
    for (int i = 0; i < 5; i++) {
      encoder.matches("Sign-In-Bench-Pass", hash);
    }
    var threads = ManagementFactory.getThreadMXBean();
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    long cpu0 = threads.getCurrentThreadCpuTime();
    long wall0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      encoder.matches("Sign-In-Bench-Pass", hash);
    }
    long wall = System.nanoTime() - wall0;
    long cpu = threads.getCurrentThreadCpuTime() - cpu0;
    System.out.printf(
        "Argon2id check (19 MiB, 2 iterations, 1 lane): %.1f ms wall, %.1f ms CPU (mean of %d)%n",
        wall / 1e6 / n, cpu / 1e6 / n, n);
  }
}
