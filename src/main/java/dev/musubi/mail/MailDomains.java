package dev.musubi.mail;

import static dev.musubi.platform.Jdbc.ts;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.identity.AdminAccess;
import dev.musubi.identity.Companies;
import dev.musubi.identity.Company;
import dev.musubi.identity.Departments;
import dev.musubi.identity.Directory;
import dev.musubi.identity.DirectoryMember;
import dev.musubi.identity.Groups;
import dev.musubi.identity.Memberships;
import dev.musubi.identity.Permission;
import dev.musubi.mail.internal.Addresses;
import dev.musubi.platform.Ids;
import dev.musubi.platform.Jdbc;
import dev.musubi.platform.crypto.MasterKeySealer;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.Problems;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The companies' mail domains and addresses. A company's primary domain is its sign-up domain (read
 * from identity, registered here on first use); admins add more. A member's address is the local
 * part of their login ID at the primary domain; the same local part at every other domain of the
 * company reaches them too. Aliases add addresses for one member, distribution lists deliver to a
 * department's or a custom group's active members. Each domain has a DKIM RSA-2048 key pair whose
 * private key is sealed with the master key.
 */
@Service
public class MailDomains {

  /** Who an address reaches: the company and its members (empty for nobody). */
  public record Resolved(UUID tenantId, Set<UUID> members) {}

  /** The key that signs a domain's outgoing mail. */
  public record DkimKey(String domain, String selector, PrivateKey privateKey) {}

  private static final RowMapper<MailDomain> DOMAIN =
      (rs, n) ->
          new MailDomain(
              rs.getObject("id", UUID.class),
              rs.getString("name"),
              rs.getBoolean("is_primary"),
              rs.getString("dkim_selector"),
              Jdbc.requiredInstant(rs, "created_at"),
              null);

  private final JdbcClient jdbc;
  private final Companies companies;
  private final Directory directory;
  private final Memberships memberships;
  private final Departments departments;
  private final Groups groups;
  private final AdminAccess access;
  private final MasterKeySealer sealer;
  private final AuditTrail audit;
  private final Ids ids;
  private final Clock clock;
  private final TransactionTemplate ownTransaction;
  private final ReentrantLock registering = new ReentrantLock();
  private final String mailHost;

  MailDomains(
      JdbcClient jdbc,
      Companies companies,
      Directory directory,
      Memberships memberships,
      Departments departments,
      Groups groups,
      AdminAccess access,
      MasterKeySealer sealer,
      AuditTrail audit,
      Ids ids,
      Clock clock,
      PlatformTransactionManager transactions,
      @Value("${musubi.mail.hostname:}") String mailHost) {
    this.jdbc = jdbc;
    this.companies = companies;
    this.directory = directory;
    this.memberships = memberships;
    this.departments = departments;
    this.groups = groups;
    this.access = access;
    this.sealer = sealer;
    this.audit = audit;
    this.ids = ids;
    this.clock = clock;
    this.ownTransaction = new TransactionTemplate(transactions);
    this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.mailHost = mailHost;
  }

  // --- domains ---------------------------------------------------------------------------------

  public List<MailDomain> list(MemberPrincipal actor) {
    access.require(actor, Permission.SECURITY_READ);
    return domains(actor.tenantId());
  }

  /** The company's domains, the primary first; never empty for an existing company. */
  public List<MailDomain> domains(UUID tenantId) {
    ensurePrimary(tenantId);
    return jdbc.sql(
            "SELECT * FROM mail_domain WHERE tenant_id = ? ORDER BY is_primary DESC, name, id")
        .param(tenantId)
        .query(DOMAIN)
        .list();
  }

  public MailDomain get(MemberPrincipal actor, UUID id) {
    access.require(actor, Permission.SECURITY_READ);
    ensurePrimary(actor.tenantId());
    MailDomain d = find(actor.tenantId(), id);
    String publicKey =
        jdbc.sql("SELECT dkim_public_key FROM mail_domain WHERE tenant_id = ? AND id = ?")
            .params(actor.tenantId(), id)
            .query(String.class)
            .single();
    String host = mailHost.isBlank() ? "mail." + primaryDomain(actor.tenantId()) : mailHost;
    List<MailDomain.DnsRecord> records =
        List.of(
            new MailDomain.DnsRecord("MX", d.name(), "10 " + host + ".", "mx"),
            new MailDomain.DnsRecord("TXT", d.name(), "v=spf1 mx -all", "spf"),
            new MailDomain.DnsRecord(
                "TXT",
                d.dkimSelector() + "._domainkey." + d.name(),
                "v=DKIM1; k=rsa; p=" + publicKey,
                "dkim"),
            new MailDomain.DnsRecord(
                "TXT",
                "_dmarc." + d.name(),
                "v=DMARC1; p=quarantine; rua=mailto:postmaster@" + d.name(),
                "dmarc"));
    return new MailDomain(d.id(), d.name(), d.primary(), d.dkimSelector(), d.createdAt(), records);
  }

  @Transactional
  public MailDomain add(MemberPrincipal actor, @Nullable String name) {
    access.require(actor, Permission.SECURITY_WRITE);
    ensurePrimary(actor.tenantId());
    String domain =
        Addresses.domain(name)
            .orElseThrow(() -> Problems.invalid("name", "domain", "Not a valid domain name."));
    if (hostedDomainRow(domain).isPresent() || companyOwning(domain).isPresent()) {
      throw Problems.invalid("name", "taken", "This domain is already hosted here.");
    }
    MailDomain d;
    try {
      d = insert(actor.tenantId(), domain, false);
    } catch (DuplicateKeyException e) {
      throw Problems.invalid("name", "taken", "This domain is already hosted here.");
    }
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.MAIL_DOMAIN_ADDED)
            .actor(actor.memberId(), actor.loginId())
            .target("mail_domain", d.id())
            .with("domain", domain));
    return get(actor, d.id());
  }

  @Transactional
  public void remove(MemberPrincipal actor, UUID id) {
    access.require(actor, Permission.SECURITY_WRITE);
    MailDomain d = find(actor.tenantId(), id);
    if (d.primary()) {
      throw Problems.conflict("primary-domain", "The primary domain cannot be removed.");
    }
    String suffix = "%@" + d.name();
    jdbc.sql("DELETE FROM mail_alias WHERE tenant_id = ? AND address LIKE ?")
        .params(actor.tenantId(), suffix)
        .update();
    jdbc.sql("DELETE FROM mail_list WHERE tenant_id = ? AND address LIKE ?")
        .params(actor.tenantId(), suffix)
        .update();
    jdbc.sql("DELETE FROM mail_domain WHERE tenant_id = ? AND id = ?")
        .params(actor.tenantId(), id)
        .update();
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.MAIL_DOMAIN_REMOVED)
            .actor(actor.memberId(), actor.loginId())
            .target("mail_domain", id)
            .with("domain", d.name()));
  }

  /** Replaces the domain's DKIM key pair with a new one under a new selector. */
  @Transactional
  public MailDomain rotateDkim(MemberPrincipal actor, UUID id) {
    access.require(actor, Permission.SECURITY_WRITE);
    MailDomain d = find(actor.tenantId(), id);
    Keys keys = newKeys(d.id());
    jdbc.sql(
            "UPDATE mail_domain SET dkim_selector = ?, dkim_public_key = ?, dkim_private_key = ?,"
                + " dkim_key_id = ? WHERE tenant_id = ? AND id = ?")
        .params(
            keys.selector(),
            keys.publicKey(),
            keys.sealedPrivate(),
            keys.keyId(),
            actor.tenantId(),
            id)
        .update();
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.MAIL_DKIM_ROTATED)
            .actor(actor.memberId(), actor.loginId())
            .target("mail_domain", id)
            .with("domain", d.name())
            .with("selector", keys.selector()));
    return get(actor, id);
  }

  /** The DKIM key of a hosted domain, unsealed for signing. */
  public Optional<DkimKey> dkimKey(String domain) {
    return jdbc.sql(
            "SELECT id, name, dkim_selector, dkim_private_key, dkim_key_id FROM mail_domain"
                + " WHERE name = ?")
        .param(domain.toLowerCase(Locale.ROOT))
        .query(
            (rs, n) -> {
              UUID id = rs.getObject("id", UUID.class);
              byte[] pkcs8 =
                  sealer.open(
                      rs.getString("dkim_key_id"), rs.getBytes("dkim_private_key"), context(id));
              try {
                PrivateKey key =
                    KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                return new DkimKey(rs.getString("name"), rs.getString("dkim_selector"), key);
              } catch (GeneralSecurityException e) {
                throw new IllegalStateException("Unreadable DKIM key", e);
              }
            })
        .optional();
  }

  /** The company's primary mail domain (its sign-up domain). */
  public String primaryDomain(UUID tenantId) {
    return companies.find(tenantId).map(Company::domain).orElseThrow(Problems::notFound);
  }

  // --- addresses -------------------------------------------------------------------------------

  /** Whether a domain (ASCII or Unicode) is a mail domain of a company hosted here. */
  public boolean isHosted(String domain) {
    return Addresses.domain(domain).flatMap(this::tenantOfDomain).isPresent();
  }

  /** The company hosting the domain, if any. */
  public Optional<UUID> tenantOfDomain(String asciiDomain) {
    Optional<UUID> row = hostedDomainRow(asciiDomain);
    if (row.isPresent()) {
      return row;
    }
    Optional<Company> c = companyOwning(asciiDomain);
    c.ifPresent(company -> ensurePrimary(company.id()));
    return c.map(Company::id);
  }

  /**
   * Who an address reaches: empty when its domain is not hosted here; a result with no members when
   * nobody has it.
   */
  public Optional<Resolved> resolve(String address) {
    Optional<String> normal = Addresses.hosted(address);
    if (normal.isEmpty()) {
      return Addresses.domain(Addresses.domainOf(address))
          .flatMap(this::tenantOfDomain)
          .map(t -> new Resolved(t, Set.of()));
    }
    String a = normal.get();
    Optional<UUID> tenant = tenantOfDomain(Addresses.domainOf(a));
    if (tenant.isEmpty()) {
      return Optional.empty();
    }
    UUID t = tenant.get();
    Set<UUID> members = new LinkedHashSet<>();
    jdbc.sql("SELECT member_id FROM mail_alias WHERE tenant_id = ? AND address = ?")
        .params(t, a)
        .query(UUID.class)
        .optional()
        .ifPresent(members::add);
    jdbc.sql("SELECT department_id, group_id FROM mail_list WHERE tenant_id = ? AND address = ?")
        .params(t, a)
        .query(
            (rs, n) -> {
              UUID dep = rs.getObject("department_id", UUID.class);
              UUID group = rs.getObject("group_id", UUID.class);
              // Read at each delivery, so joining, leaving and suspension apply at once; a deleted
              // group or department reaches nobody.
              return dep != null
                  ? memberships.activeMembersOfDepartment(t, dep, true)
                  : group != null
                      ? groups.activeMembers(t, group).orElse(Set.of())
                      : Set.<UUID>of();
            })
        .optional()
        .ifPresent(members::addAll);
    if (members.isEmpty()) {
      String local = Addresses.local(a);
      directory
          .activeMember(t, loginId -> Addresses.local(loginId).equalsIgnoreCase(local))
          .ifPresent(members::add);
    } else {
      members.retainAll(memberships.activeAmong(t, members));
    }
    return Optional.of(new Resolved(t, members));
  }

  /** A member's own address: the local part of the login ID at the primary domain. */
  public String addressOf(UUID tenantId, String loginId) {
    return Addresses.local(loginId).toLowerCase(Locale.ROOT) + "@" + primaryDomain(tenantId);
  }

  /** The addresses a member may send as: their own first, then their aliases. */
  public List<String> identities(UUID tenantId, UUID memberId, String loginId) {
    List<String> out = new ArrayList<>();
    out.add(addressOf(tenantId, loginId));
    out.addAll(
        jdbc.sql(
                "SELECT address FROM mail_alias WHERE tenant_id = ? AND member_id = ?"
                    + " ORDER BY address")
            .params(tenantId, memberId)
            .query(String.class)
            .list());
    return out;
  }

  /** The company's active member by ID. */
  public Optional<DirectoryMember> member(UUID tenantId, UUID memberId) {
    return directory.everyone(tenantId).stream().filter(m -> m.id().equals(memberId)).findFirst();
  }

  // --- aliases and lists -----------------------------------------------------------------------

  public List<MailAlias> aliases(MemberPrincipal actor) {
    access.require(actor, Permission.SECURITY_READ);
    return jdbc.sql("SELECT * FROM mail_alias WHERE tenant_id = ? ORDER BY address")
        .param(actor.tenantId())
        .query(
            (rs, n) ->
                new MailAlias(
                    rs.getObject("id", UUID.class),
                    rs.getString("address"),
                    rs.getObject("member_id", UUID.class),
                    Jdbc.requiredInstant(rs, "created_at")))
        .list();
  }

  @Transactional
  public MailAlias addAlias(
      MemberPrincipal actor, @Nullable String address, @Nullable UUID memberId) {
    access.require(actor, Permission.SECURITY_WRITE);
    String a = newAddress(actor.tenantId(), address);
    if (memberId == null || member(actor.tenantId(), memberId).isEmpty()) {
      throw Problems.invalid("memberId", "unknown_member", "No such active member.");
    }
    MailAlias alias = new MailAlias(ids.next(), a, memberId, clock.instant());
    try {
      jdbc.sql(
              "INSERT INTO mail_alias (id, tenant_id, address, member_id, created_at)"
                  + " VALUES (?, ?, ?, ?, ?)")
          .params(alias.id(), actor.tenantId(), a, memberId, ts(alias.createdAt()))
          .update();
    } catch (DuplicateKeyException e) {
      throw Problems.invalid("address", "taken", "This address is already in use.");
    }
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.MAIL_ALIAS_ADDED)
            .actor(actor.memberId(), actor.loginId())
            .target("member", memberId)
            .with("address", a));
    return alias;
  }

  @Transactional
  public void removeAlias(MemberPrincipal actor, UUID id) {
    access.require(actor, Permission.SECURITY_WRITE);
    String address =
        jdbc.sql("SELECT address FROM mail_alias WHERE tenant_id = ? AND id = ?")
            .params(actor.tenantId(), id)
            .query(String.class)
            .optional()
            .orElseThrow(Problems::notFound);
    jdbc.sql("DELETE FROM mail_alias WHERE tenant_id = ? AND id = ?")
        .params(actor.tenantId(), id)
        .update();
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.MAIL_ALIAS_REMOVED)
            .actor(actor.memberId(), actor.loginId())
            .target("mail_alias", id)
            .with("address", address));
  }

  /** The company's lists by address, each with its department's or group's name. */
  public List<MailList> lists(MemberPrincipal actor) {
    access.require(actor, Permission.SECURITY_READ);
    UUID t = actor.tenantId();
    Map<UUID, String> names = new HashMap<>();
    departments.list(t).forEach(d -> names.put(d.id(), d.name()));
    groups.list(t).forEach(g -> names.put(g.id(), g.name()));
    return jdbc.sql("SELECT * FROM mail_list WHERE tenant_id = ? ORDER BY address")
        .param(t)
        .query(
            (rs, n) -> {
              UUID dep = rs.getObject("department_id", UUID.class);
              UUID group = rs.getObject("group_id", UUID.class);
              String name = names.get(dep != null ? dep : group);
              return new MailList(
                  rs.getObject("id", UUID.class),
                  rs.getString("address"),
                  dep,
                  group,
                  name,
                  name == null,
                  Jdbc.requiredInstant(rs, "created_at"));
            })
        .list();
  }

  /**
   * Adds a list for exactly one of a department and a custom group of the actor's company.
   *
   * @throws dev.musubi.platform.web.ProblemException 422 for a bad or taken address, neither or
   *     both targets, or a department or group the company does not have
   */
  @Transactional
  public MailList addList(
      MemberPrincipal actor,
      @Nullable String address,
      @Nullable UUID departmentId,
      @Nullable UUID groupId) {
    access.require(actor, Permission.SECURITY_WRITE);
    String a = newAddress(actor.tenantId(), address);
    String name;
    if (departmentId != null && groupId != null) {
      throw Problems.invalid(
          "groupId", "one_target", "A list is for a department or a group, not both.");
    } else if (departmentId != null) {
      name =
          departments
              .find(actor.tenantId(), departmentId)
              .orElseThrow(
                  () ->
                      Problems.invalid("departmentId", "unknown_department", "No such department."))
              .name();
    } else if (groupId != null) {
      name =
          groups
              .find(actor.tenantId(), groupId)
              .orElseThrow(() -> Problems.invalid("groupId", "unknown_group", "No such group."))
              .name();
    } else {
      throw Problems.invalid("departmentId", "required", "Choose a department or a group.");
    }
    MailList list =
        new MailList(ids.next(), a, departmentId, groupId, name, false, clock.instant());
    try {
      jdbc.sql(
              "INSERT INTO mail_list (id, tenant_id, address, department_id, group_id, created_at)"
                  + " VALUES (?, ?, ?, ?, ?, ?)")
          .params(list.id(), actor.tenantId(), a, departmentId, groupId, ts(list.createdAt()))
          .update();
    } catch (DuplicateKeyException e) {
      throw Problems.invalid("address", "taken", "This address is already in use.");
    }
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.MAIL_LIST_ADDED)
            .actor(actor.memberId(), actor.loginId())
            .target(
                departmentId != null ? "department" : "group",
                departmentId != null ? departmentId : groupId)
            .with("address", a));
    return list;
  }

  @Transactional
  public void removeList(MemberPrincipal actor, UUID id) {
    access.require(actor, Permission.SECURITY_WRITE);
    String address =
        jdbc.sql("SELECT address FROM mail_list WHERE tenant_id = ? AND id = ?")
            .params(actor.tenantId(), id)
            .query(String.class)
            .optional()
            .orElseThrow(Problems::notFound);
    jdbc.sql("DELETE FROM mail_list WHERE tenant_id = ? AND id = ?")
        .params(actor.tenantId(), id)
        .update();
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.MAIL_LIST_REMOVED)
            .actor(actor.memberId(), actor.loginId())
            .target("mail_list", id)
            .with("address", address));
  }

  // --- policy ----------------------------------------------------------------------------------

  public MailPolicy policy(MemberPrincipal actor) {
    access.require(actor, Permission.SECURITY_READ);
    return policy(actor.tenantId());
  }

  /** The company's mail policy (the defaults until an admin changes it). */
  public MailPolicy policy(UUID tenantId) {
    return jdbc.sql("SELECT * FROM mail_policy WHERE tenant_id = ?")
        .param(tenantId)
        .query(
            (rs, n) ->
                new MailPolicy(
                    rs.getString("spf_fail"),
                    rs.getString("dkim_fail"),
                    rs.getString("dmarc_fail"),
                    rs.getLong("max_message_bytes"),
                    rs.getLong("mailbox_quota_bytes"),
                    rs.getInt("log_retention_days")))
        .optional()
        .orElseGet(MailPolicy::defaults);
  }

  @Transactional
  public MailPolicy updatePolicy(MemberPrincipal actor, MailPolicy p) {
    access.require(actor, Permission.SECURITY_WRITE);
    List<dev.musubi.platform.web.ProblemException.FieldError> errors = new ArrayList<>();
    for (var f :
        List.of(
            new String[] {"spfFail", p.spfFail()},
            new String[] {"dkimFail", p.dkimFail()},
            new String[] {"dmarcFail", p.dmarcFail()})) {
      if (!Set.of("accept", "junk", "reject").contains(String.valueOf(f[1]))) {
        errors.add(
            new dev.musubi.platform.web.ProblemException.FieldError(
                f[0], "invalid", "Must be accept, junk or reject."));
      }
    }
    if (p.maxMessageBytes() < 1024 || p.maxMessageBytes() > (1L << 30)) {
      errors.add(
          new dev.musubi.platform.web.ProblemException.FieldError(
              "maxMessageBytes", "range", "Between 1 KB and 1 GB."));
    }
    if (p.mailboxQuotaBytes() < (1L << 20) || p.mailboxQuotaBytes() > (1L << 44)) {
      errors.add(
          new dev.musubi.platform.web.ProblemException.FieldError(
              "mailboxQuotaBytes", "range", "Between 1 MB and 16 TB."));
    }
    if (p.logRetentionDays() < 1 || p.logRetentionDays() > 3650) {
      errors.add(
          new dev.musubi.platform.web.ProblemException.FieldError(
              "logRetentionDays", "range", "Between 1 and 3650 days."));
    }
    if (!errors.isEmpty()) {
      throw Problems.invalid(errors);
    }
    int n =
        jdbc.sql(
                "UPDATE mail_policy SET spf_fail = ?, dkim_fail = ?, dmarc_fail = ?,"
                    + " max_message_bytes = ?, mailbox_quota_bytes = ?, log_retention_days = ?,"
                    + " updated_at = ? WHERE tenant_id = ?")
            .params(
                p.spfFail(),
                p.dkimFail(),
                p.dmarcFail(),
                p.maxMessageBytes(),
                p.mailboxQuotaBytes(),
                p.logRetentionDays(),
                ts(clock.instant()),
                actor.tenantId())
            .update();
    if (n == 0) {
      jdbc.sql(
              "INSERT INTO mail_policy (tenant_id, spf_fail, dkim_fail, dmarc_fail,"
                  + " max_message_bytes, mailbox_quota_bytes, log_retention_days, updated_at)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
          .params(
              actor.tenantId(),
              p.spfFail(),
              p.dkimFail(),
              p.dmarcFail(),
              p.maxMessageBytes(),
              p.mailboxQuotaBytes(),
              p.logRetentionDays(),
              ts(clock.instant()))
          .update();
    }
    audit.record(
        AuditRecord.of(actor.tenantId(), AuditAction.MAIL_POLICY_CHANGED)
            .actor(actor.memberId(), actor.loginId())
            .with("spfFail", p.spfFail())
            .with("dkimFail", p.dkimFail())
            .with("dmarcFail", p.dmarcFail())
            .with("maxMessageBytes", p.maxMessageBytes())
            .with("mailboxQuotaBytes", p.mailboxQuotaBytes())
            .with("logRetentionDays", p.logRetentionDays()));
    return p;
  }

  // ---------------------------------------------------------------------------------------------

  private String newAddress(UUID tenantId, @Nullable String address) {
    String a =
        Addresses.hosted(address)
            .orElseThrow(
                () ->
                    Problems.invalid(
                        "address", "address", "Not a valid address (letters, digits, . _ + -)."));
    boolean ours = domains(tenantId).stream().anyMatch(d -> d.name().equals(Addresses.domainOf(a)));
    if (!ours) {
      throw Problems.invalid("address", "domain", "The domain is not one of the company's.");
    }
    Optional<Resolved> r = resolve(a);
    // An alias or list that reaches nobody now (an empty or deleted group) still holds its address.
    boolean held =
        jdbc.sql(
                    "SELECT (SELECT COUNT(*) FROM mail_alias WHERE address = ?)"
                        + " + (SELECT COUNT(*) FROM mail_list WHERE address = ?)")
                .params(a, a)
                .query(Long.class)
                .single()
            > 0;
    if (held || (r.isPresent() && !r.get().members().isEmpty())) {
      throw Problems.invalid("address", "taken", "This address is already in use.");
    }
    return a;
  }

  private MailDomain find(UUID tenantId, UUID id) {
    return jdbc.sql("SELECT * FROM mail_domain WHERE tenant_id = ? AND id = ?")
        .params(tenantId, id)
        .query(DOMAIN)
        .optional()
        .orElseThrow(Problems::notFound);
  }

  private Optional<UUID> hostedDomainRow(String asciiDomain) {
    return jdbc.sql("SELECT tenant_id FROM mail_domain WHERE name = ?")
        .param(asciiDomain)
        .query(UUID.class)
        .optional();
  }

  private Optional<Company> companyOwning(String asciiDomain) {
    return companies.list().stream()
        .filter(c -> c.domain().equalsIgnoreCase(asciiDomain) && "active".equals(c.status()))
        .findFirst();
  }

  /** Registers the company's sign-up domain as its primary mail domain (once, race-free). */
  private void ensurePrimary(UUID tenantId) {
    if (hasPrimary(tenantId)) {
      return;
    }
    // One at a time in this process: concurrent first deliveries (20 SMTP connections at once)
    // would otherwise each generate an RSA key pair only to lose the race for the row.
    registering.lock();
    try {
      if (hasPrimary(tenantId)) {
        return;
      }
      Optional<Company> company = companies.find(tenantId);
      if (company.isEmpty()) {
        return;
      }
      try {
        ownTransaction.executeWithoutResult(
            s -> insert(tenantId, company.get().domain().toLowerCase(Locale.ROOT), true));
      } catch (DuplicateKeyException e) {
        // Another server registered it at the same time.
      }
    } finally {
      registering.unlock();
    }
  }

  private boolean hasPrimary(UUID tenantId) {
    return Boolean.TRUE.equals(
        jdbc.sql("SELECT COUNT(*) > 0 FROM mail_domain WHERE tenant_id = ? AND is_primary")
            .param(tenantId)
            .query(Boolean.class)
            .single());
  }

  private MailDomain insert(UUID tenantId, String name, boolean primary) {
    UUID id = ids.next();
    Keys keys = newKeys(id);
    Instant now = clock.instant();
    jdbc.sql(
            "INSERT INTO mail_domain (id, tenant_id, name, is_primary, dkim_selector,"
                + " dkim_public_key, dkim_private_key, dkim_key_id, created_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .params(
            id,
            tenantId,
            name,
            primary,
            keys.selector(),
            keys.publicKey(),
            keys.sealedPrivate(),
            keys.keyId(),
            ts(now))
        .update();
    return new MailDomain(id, name, primary, keys.selector(), now, null);
  }

  private record Keys(String selector, String publicKey, byte[] sealedPrivate, String keyId) {}

  private Keys newKeys(UUID domainId) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      KeyPair pair = g.generateKeyPair();
      String selector = "musubi" + Long.toString(clock.millis(), 36);
      String publicKey = Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
      String keyId = sealer.currentKeyId();
      byte[] sealed = sealer.seal(pair.getPrivate().getEncoded(), context(domainId));
      return new Keys(selector, publicKey, sealed, keyId);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA is not available", e);
    }
  }

  private static byte[] context(UUID domainId) {
    return ("musubi.mail.dkim:" + domainId).getBytes(StandardCharsets.UTF_8);
  }
}
