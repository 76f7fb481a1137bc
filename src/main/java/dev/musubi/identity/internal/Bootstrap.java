package dev.musubi.identity.internal;

import dev.musubi.identity.Companies;
import dev.musubi.identity.Company;
import dev.musubi.identity.MemberStatus;
import dev.musubi.identity.internal.credentials.PasswordHasher;
import dev.musubi.platform.Ids;
import dev.musubi.platform.MusubiProperties;
import dev.musubi.platform.security.Role;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * First start without a browser, as Keycloak does it: {@code MUSUBI_BOOTSTRAP_*} create the first
 * company and its super admin, {@code MUSUBI_OPERATOR_PASSWORD} the operator account. Without them,
 * an empty store gets a one-time setup link in the log.
 */
@Component
public class Bootstrap {

  private static final Logger log = LoggerFactory.getLogger(Bootstrap.class);
  static final String OPERATOR_LOGIN = "operator";

  private final MusubiProperties properties;
  private final CompanyStore companyStore;
  private final MemberStore members;
  private final Companies companies;
  private final PasswordHasher hasher;
  private final Ids ids;
  private final Clock clock;
  private final Environment environment;
  private final AtomicReference<@Nullable String> setupTokenHash = new AtomicReference<>();

  Bootstrap(
      MusubiProperties properties,
      CompanyStore companyStore,
      MemberStore members,
      Companies companies,
      PasswordHasher hasher,
      Ids ids,
      Clock clock,
      Environment environment) {
    this.properties = properties;
    this.companyStore = companyStore;
    this.members = members;
    this.companies = companies;
    this.hasher = hasher;
    this.ids = ids;
    this.clock = clock;
    this.environment = environment;
  }

  /** Runs first among the ready listeners: others (demo data) expect the company to exist. */
  @EventListener(ApplicationReadyEvent.class)
  @Order(Ordered.HIGHEST_PRECEDENCE)
  @Transactional
  public void onStart() {
    ensureSystemTenant();
    String operatorPassword = properties.bootstrap().operatorPassword();
    if (operatorPassword != null && !operatorPassword.isBlank()) {
      ensureOperator(operatorPassword);
    }
    if (companies.anyExists()) {
      return;
    }
    var b = properties.bootstrap();
    if (notBlank(b.domain()) && notBlank(b.admin()) && notBlank(b.password())) {
      String name = notBlank(b.companyName()) ? b.companyName() : b.domain();
      Companies.Created created;
      try {
        created = companies.create(name, b.domain(), b.admin(), b.password(), null, "bootstrap");
      } catch (dev.musubi.platform.web.ProblemException e) {
        throw new IllegalStateException(
            "MUSUBI_BOOTSTRAP_* settings refused: "
                + e.errors().stream()
                    .map(f -> f.field() + " (" + f.code() + "): " + f.message())
                    .toList(),
            e);
      }
      log.info(
          "Created company {} with super admin {}",
          created.company().domain(),
          created.admin().loginId());
      return;
    }
    String token = ids.secret(24);
    setupTokenHash.set(Secrets.sha256(token));
    String base =
        notBlank(properties.publicUrl())
            ? properties.publicUrl()
            : "http://localhost:" + environment.getProperty("local.server.port", "8080");
    log.warn(
        "Musubi has no company yet. Open this one-time link to set it up: {}/#/setup?token={}",
        base,
        token);
  }

  /** Whether the first-start setup page may still be used. */
  public boolean setupNeeded() {
    return setupTokenHash.get() != null && !companies.anyExists();
  }

  /** Uses the one-time setup token; false when it is wrong or already used. */
  public boolean consumeSetupToken(String token) {
    String expected = setupTokenHash.get();
    if (expected == null || token == null || token.length() > 100) {
      return false;
    }
    boolean ok =
        java.security.MessageDigest.isEqual(
            expected.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            Secrets.sha256(token).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    return ok && setupTokenHash.compareAndSet(expected, null);
  }

  /** Puts a consumed token back after a setup attempt with invalid fields. */
  public void restoreSetupToken(String token) {
    setupTokenHash.compareAndSet(null, Secrets.sha256(token));
  }

  void ensureSystemTenant() {
    if (!companyStore.systemExists()) {
      companyStore.insert(
          new Company(
              CompanyStore.SYSTEM_TENANT,
              "Operator",
              "operator.invalid",
              "active",
              clock.instant()),
          true);
    }
  }

  /** Creates the operator account if it does not exist yet. */
  public void ensureOperator(String password) {
    ensureSystemTenant();
    if (members.findByLoginKey(OPERATOR_LOGIN).isPresent()) {
      return;
    }
    Instant now = clock.instant();
    MemberRow row =
        new MemberRow(
            ids.next(),
            CompanyStore.SYSTEM_TENANT,
            OPERATOR_LOGIN,
            "Operator",
            "",
            "",
            "",
            "",
            "",
            "",
            MemberStatus.ACTIVE,
            "en",
            "UTC",
            hasher.hash(password),
            now,
            null,
            null,
            0,
            null,
            now);
    members.insert(row, OPERATOR_LOGIN, OPERATOR_LOGIN);
    members.setRoles(CompanyStore.SYSTEM_TENANT, row.id(), EnumSet.of(Role.OPERATOR));
    log.info("Created the operator account (login ID: operator)");
  }

  private static boolean notBlank(@Nullable String s) {
    return s != null && !s.isBlank();
  }
}
