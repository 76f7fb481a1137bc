package dev.musubi.identity;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.internal.CompanyStore;
import dev.musubi.identity.internal.Fields;
import dev.musubi.platform.Ids;
import dev.musubi.platform.web.ProblemException.FieldError;
import dev.musubi.platform.web.Problems;
import java.net.IDN;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Companies (tenants): created by the operator, each with a first super admin. */
@Service
public class Companies {

  private static final Pattern DOMAIN =
      Pattern.compile("^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$");

  private final CompanyStore store;
  private final Members members;
  private final AuditTrail audit;
  private final Ids ids;
  private final Clock clock;

  Companies(CompanyStore store, Members members, AuditTrail audit, Ids ids, Clock clock) {
    this.store = store;
    this.members = members;
    this.audit = audit;
    this.ids = ids;
    this.clock = clock;
  }

  /** A company and its first admin, as created. */
  public record Created(Company company, Member admin) {}

  /**
   * Creates a company with its default security policy and its first super admin, in one
   * transaction: on any error nothing is left behind.
   */
  @Transactional
  public Created create(
      String name,
      String domain,
      String adminLoginId,
      String adminPassword,
      @Nullable UUID actorId,
      String actorLogin) {
    List<FieldError> errors = new ArrayList<>();
    Fields.text(errors, "name", name, 1, 200);
    String normalisedDomain = normaliseDomain(domain, errors);
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    if (store.findByDomain(normalisedDomain).isPresent()) {
      throw Problems.invalid("domain", "taken", "This domain already belongs to a company.");
    }
    Instant now = clock.instant();
    Company company = new Company(ids.next(), name.strip(), normalisedDomain, "active", now);
    store.insert(company, false);
    store.insertPolicy(company.id(), SecurityPolicy.defaults(), now);
    audit.record(
        AuditRecord.of(company.id(), AuditAction.COMPANY_CREATED)
            .actor(actorId, actorLogin)
            .target("company", company.id())
            .with("domain", normalisedDomain));
    Member admin;
    try {
      admin =
          members.createIn(
              company,
              new NewMember(
                  adminLoginId,
                  adminPassword,
                  "管理者 Admin",
                  null,
                  null,
                  null,
                  null,
                  null,
                  null,
                  null,
                  null,
                  List.of(dev.musubi.platform.security.Role.SUPER_ADMIN.code()),
                  null),
              actorId,
              actorLogin,
              true);
    } catch (dev.musubi.platform.web.ProblemException e) {
      // Report the admin's fields under the names the caller used.
      throw Problems.invalid(
          e.errors().stream()
              .map(
                  f ->
                      new FieldError(
                          switch (f.field()) {
                            case "loginId" -> "adminLoginId";
                            case "password" -> "adminPassword";
                            default -> f.field();
                          },
                          f.code(),
                          f.message()))
              .toList());
    }
    return new Created(company, admin);
  }

  public List<Company> list() {
    return store.list();
  }

  public Optional<Company> find(UUID id) {
    return store.find(id);
  }

  public boolean anyExists() {
    return store.countCustomers() > 0;
  }

  static String normaliseDomain(@Nullable String domain, List<FieldError> errors) {
    if (domain == null || domain.isBlank()) {
      errors.add(FieldError.required("domain"));
      return "";
    }
    try {
      String ascii = IDN.toASCII(domain.strip(), IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
      if (!DOMAIN.matcher(ascii).matches()) {
        throw new IllegalArgumentException();
      }
      return ascii;
    } catch (IllegalArgumentException e) {
      errors.add(new FieldError("domain", "domain", "Not a valid domain name."));
      return "";
    }
  }
}
