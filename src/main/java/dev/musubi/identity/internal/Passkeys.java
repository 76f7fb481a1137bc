package dev.musubi.identity.internal;

import dev.musubi.audit.AuditAction;
import dev.musubi.audit.AuditRecord;
import dev.musubi.audit.AuditTrail;
import dev.musubi.platform.MusubiProperties;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.Problems;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.security.web.webauthn.api.Bytes;
import org.springframework.security.web.webauthn.api.CredentialRecord;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialCreationOptions;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialRequestOptions;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialRpEntity;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialUserEntity;
import org.springframework.security.web.webauthn.management.JdbcPublicKeyCredentialUserEntityRepository;
import org.springframework.security.web.webauthn.management.JdbcUserCredentialRepository;
import org.springframework.security.web.webauthn.management.PublicKeyCredentialCreationOptionsRequest;
import org.springframework.security.web.webauthn.management.PublicKeyCredentialRequestOptionsRequest;
import org.springframework.security.web.webauthn.management.RelyingPartyAuthenticationRequest;
import org.springframework.security.web.webauthn.management.RelyingPartyRegistrationRequest;
import org.springframework.security.web.webauthn.management.WebAuthnRelyingPartyOperations;
import org.springframework.security.web.webauthn.management.Webauthn4JRelyingPartyOperations;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Passkeys through Spring Security's WebAuthn support: credentials live in its JDBC tables, keyed
 * by the member's login ID. The relying party is the host of {@code musubi.public-url} (default
 * {@code localhost}); allowed origins are that URL and {@code localhost} on the port the server
 * listens on, resolved on first use so random test ports work.
 */
@Component
public class Passkeys implements WebAuthnRelyingPartyOperations {

  /** A passkey as My account shows it. */
  public record PasskeyView(
      String id, String label, @Nullable Instant createdAt, @Nullable Instant lastUsedAt) {}

  private final JdbcPublicKeyCredentialUserEntityRepository userEntities;
  private final JdbcUserCredentialRepository credentials;
  private final MusubiProperties properties;
  private final Environment environment;
  private final AuditTrail audit;
  private volatile @Nullable Webauthn4JRelyingPartyOperations delegate;

  Passkeys(
      JdbcOperations jdbc, MusubiProperties properties, Environment environment, AuditTrail audit) {
    this.userEntities = new JdbcPublicKeyCredentialUserEntityRepository(jdbc);
    this.credentials = new JdbcUserCredentialRepository(jdbc);
    this.properties = properties;
    this.environment = environment;
    this.audit = audit;
  }

  JdbcUserCredentialRepository credentials() {
    return credentials;
  }

  public List<PasskeyView> list(MemberPrincipal p) {
    PublicKeyCredentialUserEntity user = userEntities.findByUsername(p.loginId());
    if (user == null) {
      return List.of();
    }
    return credentials.findByUserId(user.getId()).stream()
        .map(
            c ->
                new PasskeyView(
                    c.getCredentialId().toBase64UrlString(),
                    c.getLabel(),
                    c.getCreated(),
                    c.getLastUsed()))
        .toList();
  }

  public int count(String loginId) {
    PublicKeyCredentialUserEntity user = userEntities.findByUsername(loginId);
    return user == null ? 0 : credentials.findByUserId(user.getId()).size();
  }

  @Transactional
  public void remove(MemberPrincipal p, String id) {
    PublicKeyCredentialUserEntity user = userEntities.findByUsername(p.loginId());
    Bytes credentialId;
    try {
      credentialId = Bytes.fromBase64(id);
    } catch (IllegalArgumentException e) {
      throw Problems.notFound();
    }
    CredentialRecord record = credentials.findByCredentialId(credentialId);
    if (user == null || record == null || !record.getUserEntityUserId().equals(user.getId())) {
      throw Problems.notFound();
    }
    credentials.delete(credentialId);
    audit.record(
        AuditRecord.of(p.tenantId(), AuditAction.PASSKEY_REMOVED)
            .actor(p.memberId(), p.loginId())
            .target("passkey", id));
  }

  /** Removes every passkey of a member (when the member is deleted). */
  public void removeAll(String loginId) {
    PublicKeyCredentialUserEntity user = userEntities.findByUsername(loginId);
    if (user != null) {
      credentials.findByUserId(user.getId()).forEach(c -> credentials.delete(c.getCredentialId()));
    }
  }

  // WebAuthnRelyingPartyOperations ------------------------------------------------------------

  @Override
  public PublicKeyCredentialCreationOptions createPublicKeyCredentialCreationOptions(
      PublicKeyCredentialCreationOptionsRequest request) {
    return rp().createPublicKeyCredentialCreationOptions(request);
  }

  @Override
  public CredentialRecord registerCredential(RelyingPartyRegistrationRequest request) {
    return rp().registerCredential(request);
  }

  @Override
  public PublicKeyCredentialRequestOptions createCredentialRequestOptions(
      PublicKeyCredentialRequestOptionsRequest request) {
    return rp().createCredentialRequestOptions(request);
  }

  @Override
  public PublicKeyCredentialUserEntity authenticate(RelyingPartyAuthenticationRequest request) {
    return rp().authenticate(request);
  }

  private Webauthn4JRelyingPartyOperations rp() {
    Webauthn4JRelyingPartyOperations d = delegate;
    if (d == null) {
      synchronized (this) {
        d = delegate;
        if (d == null) {
          String port = environment.getProperty("local.server.port", "8080");
          Set<String> origins = new LinkedHashSet<>();
          String rpId = "localhost";
          String publicUrl = properties.publicUrl();
          if (publicUrl != null && !publicUrl.isBlank()) {
            URI uri = URI.create(publicUrl.strip());
            rpId = uri.getHost();
            origins.add(
                uri.getScheme()
                    + "://"
                    + uri.getHost()
                    + (uri.getPort() > 0 ? ":" + uri.getPort() : ""));
          }
          origins.add("http://localhost:" + port);
          origins.add("https://localhost:" + port);
          d =
              new Webauthn4JRelyingPartyOperations(
                  userEntities,
                  credentials,
                  PublicKeyCredentialRpEntity.builder().id(rpId).name("Musubi").build(),
                  origins);
          delegate = d;
        }
      }
    }
    return d;
  }
}
