package dev.musubi.identity.internal;

import dev.musubi.audit.AuditTrail;
import dev.musubi.platform.web.ProblemWriter;
import dev.musubi.platform.web.Problems;
import dev.musubi.platform.web.RequestInfo;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.util.Set;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.security.web.webauthn.authentication.PublicKeyCredentialRequestOptionsFilter;
import org.springframework.security.web.webauthn.authentication.WebAuthnAuthenticationFilter;
import org.springframework.security.web.webauthn.authentication.WebAuthnAuthenticationProvider;
import org.springframework.security.web.webauthn.registration.PublicKeyCredentialCreationOptionsFilter;
import org.springframework.security.web.webauthn.registration.WebAuthnRegistrationFilter;

/**
 * The HTTP security of Musubi: our own session cookie and bearer tokens (see {@link
 * AuthenticationFilter}), CSRF by double-submit cookie for cookie sessions, an Origin check on
 * state-changing requests, strict security headers, and problem+json for 401 and 403.
 */
// Only with the web server: command-line runs (`java -jar musubi.jar audit-verify`) have no HTTP.
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

  @Bean
  SecurityFilterChain musubiSecurity(
      HttpSecurity http,
      SessionStore sessions,
      TokenStore tokens,
      MemberStore members,
      CompanyStore companies,
      RequestInfo requestInfo,
      ProblemWriter problems,
      ContentSecurityPolicy csp,
      Passkeys passkeys,
      PasskeySignIn passkeySignIn,
      BasicCredentials basic,
      dev.musubi.platform.MusubiProperties properties,
      UserDetailsService memberDetails,
      AuditTrail audit,
      RateLimitProperties rateLimits,
      io.micrometer.core.instrument.MeterRegistry meters,
      Clock clock)
      throws Exception {
    var passkeyLogin = new WebAuthnAuthenticationFilter();
    passkeyLogin.setAuthenticationManager(
        new ProviderManager(new WebAuthnAuthenticationProvider(passkeys, memberDetails)));
    passkeyLogin.setSecurityContextRepository(new RequestAttributeSecurityContextRepository());
    passkeyLogin.setAuthenticationSuccessHandler(passkeySignIn);
    passkeyLogin.setAuthenticationFailureHandler(passkeySignIn);
    var authentication =
        new AuthenticationFilter(
            sessions, tokens, members, companies, passkeys, basic, requestInfo, problems, clock);
    CookieCsrfTokenRepository csrfRepository = CookieCsrfTokenRepository.withHttpOnlyFalse();
    csrfRepository.setCookieCustomizer(c -> c.sameSite("Strict").path("/"));
    RequestMatcher csrfRequired =
        request ->
            !SAFE_METHODS.contains(request.getMethod())
                && !bearer(request)
                && !AuthenticationFilter.isDav(request);
    http.csrf(
            c ->
                c.csrfTokenRepository(csrfRepository)
                    .csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler())
                    .requireCsrfProtectionMatcher(csrfRequired)
                    .ignoringRequestMatchers("/api/v1/auth/login", "/api/v1/setup", "/hooks/**"))
        // Musubi keeps its own sessions; Spring's session management would rotate the CSRF
        // token on every request it did not authenticate itself.
        .sessionManagement(s -> s.disable())
        .securityContext(s -> s.requireExplicitSave(true))
        .requestCache(r -> r.disable())
        .formLogin(f -> f.disable())
        .httpBasic(b -> b.disable())
        .logout(l -> l.disable())
        .anonymous(a -> {})
        .addFilterBefore(new OriginCheckFilter(problems), CsrfFilter.class)
        .addFilterAfter(authentication, CsrfFilter.class)
        .addFilterAfter(
            new PublicKeyCredentialCreationOptionsFilter(passkeys), AuthenticationFilter.class)
        .addFilterAfter(new PasskeyAudit(audit), AuthenticationFilter.class)
        .addFilterAfter(
            new WebAuthnRegistrationFilter(passkeys.credentials(), passkeys), PasskeyAudit.class)
        .addFilterAfter(
            new PublicKeyCredentialRequestOptionsFilter(passkeys), AuthenticationFilter.class)
        .addFilterAfter(passkeyLogin, AuthenticationFilter.class)
        .addFilterAfter(
            new RateLimitFilter(rateLimits, requestInfo, problems, meters),
            AuthenticationFilter.class)
        .headers(
            h ->
                h.contentSecurityPolicy(p -> p.policyDirectives(csp.header()))
                    .frameOptions(f -> f.deny())
                    .referrerPolicy(r -> r.policy(ReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN))
                    .httpStrictTransportSecurity(
                        hsts -> hsts.includeSubDomains(true).maxAgeInSeconds(31_536_000)))
        .exceptionHandling(
            e ->
                e.authenticationEntryPoint(
                        (req, res, ex) -> {
                          if (AuthenticationFilter.challengesBasic(req)) {
                            res.setHeader("WWW-Authenticate", AuthenticationFilter.BASIC_CHALLENGE);
                          }
                          problems.write(res, Problems.unauthenticated());
                        })
                    .accessDeniedHandler(
                        (req, res, ex) ->
                            problems.write(
                                res,
                                ex instanceof CsrfException
                                    ? Problems.forbidden(
                                        "csrf", "Missing or wrong CSRF token; reload the page.")
                                    : Problems.forbidden("You may not do this."))))
        .authorizeHttpRequests(
            a ->
                a.requestMatchers(
                        "/api/v1/auth/login",
                        "/api/v1/auth/mfa",
                        "/api/v1/auth/csrf",
                        "/api/v1/auth/logout",
                        "/api/v1/auth/password-reset",
                        "/api/v1/setup",
                        "/api/v1/setup/**",
                        "/api/openapi.json",
                        "/api/openapi.json/**",
                        "/webauthn/authenticate/options",
                        "/login/webauthn")
                    .permitAll()
                    .requestMatchers("/webauthn/**")
                    .authenticated()
                    .requestMatchers("/api/v1/operator/**")
                    .hasRole("OPERATOR")
                    .requestMatchers("/api/**")
                    .authenticated()
                    .requestMatchers("/.well-known/caldav", "/.well-known/carddav")
                    .permitAll()
                    .requestMatchers("/dav", "/dav/**")
                    .authenticated()
                    .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info")
                    .permitAll()
                    .requestMatchers("/actuator/prometheus")
                    .access(
                        (auth, context) ->
                            new org.springframework.security.authorization.AuthorizationDecision(
                                isOperator(auth.get())
                                    || metricsNetwork(
                                        properties, requestInfo, context.getRequest())))
                    .requestMatchers("/actuator/**")
                    .hasRole("OPERATOR")
                    .anyRequest()
                    .permitAll());
    return http.build();
  }

  /**
   * No Micrometer observation per security filter, authentication and authorization: with them
   * every request started and stopped about fifteen observations (each a timer look-up by tags), a
   * tenth of the server's CPU under load (docs/benchmarks.md, Talk). Requests are still timed as a
   * whole ({@code http.server.requests}), and every security decision is in the audit log.
   */
  @Bean
  org.springframework.security.config.observation.SecurityObservationSettings
      securityObservationSettings() {
    return org.springframework.security.config.observation.SecurityObservationSettings
        .noObservations();
  }

  /**
   * Spring Security's strict firewall, also letting through the methods of WebDAV (RFC 4918),
   * CalDAV and CardDAV, which the DAV endpoints under {@code /dav/} serve.
   */
  @Bean
  org.springframework.security.web.firewall.HttpFirewall httpFirewall() {
    var firewall = new org.springframework.security.web.firewall.StrictHttpFirewall();
    firewall.setAllowedHttpMethods(
        java.util.List.of(
            "GET",
            "HEAD",
            "POST",
            "PUT",
            "PATCH",
            "DELETE",
            "OPTIONS",
            "PROPFIND",
            "PROPPATCH",
            "MKCOL",
            "COPY",
            "MOVE",
            "LOCK",
            "UNLOCK",
            "REPORT"));
    return firewall;
  }

  /**
   * Members as Spring Security users, for the passkey provider only (password sign-in is Musubi's
   * own, see {@link SignIn}).
   */
  @Bean
  UserDetailsService memberDetails(MemberStore members) {
    return username -> {
      MemberRow m =
          members
              .findByLoginKey(SignIn.loginKey(username))
              .orElseThrow(() -> new UsernameNotFoundException("No such member"));
      return User.withUsername(m.loginId())
          .password("")
          .disabled(m.status() != dev.musubi.identity.MemberStatus.ACTIVE)
          .authorities(
              members.roles(m.id()).stream()
                  .map(dev.musubi.platform.security.Role::authority)
                  .toArray(String[]::new))
          .build();
    };
  }

  /** Audits a successful passkey registration (Spring's filter answers the request itself). */
  static final class PasskeyAudit extends org.springframework.web.filter.OncePerRequestFilter {

    private final AuditTrail audit;

    PasskeyAudit(AuditTrail audit) {
      this.audit = audit;
    }

    @Override
    protected void doFilterInternal(
        HttpServletRequest request,
        jakarta.servlet.http.HttpServletResponse response,
        jakarta.servlet.FilterChain chain)
        throws jakarta.servlet.ServletException, java.io.IOException {
      chain.doFilter(request, response);
      if ("POST".equals(request.getMethod())
          && "/webauthn/register".equals(request.getRequestURI())
          && response.getStatus() == 200) {
        dev.musubi.platform.security.CurrentMember.find()
            .ifPresent(
                p ->
                    audit.record(
                        dev.musubi.audit.AuditRecord.of(
                                p.tenantId(), dev.musubi.audit.AuditAction.PASSKEY_REGISTERED)
                            .actor(p.memberId(), p.loginId())
                            .target("member", p.memberId())));
      }
    }
  }

  private static boolean isOperator(
      org.springframework.security.core.@org.jspecify.annotations.Nullable Authentication auth) {
    return auth != null
        && auth.getAuthorities().stream()
            .anyMatch(
                a ->
                    dev.musubi.platform.security.Role.OPERATOR
                        .authority()
                        .equals(a.getAuthority()));
  }

  /** A monitoring server's address listed in {@code MUSUBI_METRICS_NETWORKS} (none by default). */
  private static boolean metricsNetwork(
      dev.musubi.platform.MusubiProperties properties,
      RequestInfo requestInfo,
      HttpServletRequest request) {
    return !properties.metricsNetworks().isEmpty()
        && IpAllowlist.allows(properties.metricsNetworks(), requestInfo.clientIp(request));
  }

  /**
   * A request that carries its own credentials in a header a browser never adds by itself: a
   * personal access token ({@code Bearer}) or a talk bot's token ({@code Bot}).
   */
  private static boolean bearer(HttpServletRequest request) {
    String authorization = request.getHeader("Authorization");
    return authorization != null
        && (authorization.regionMatches(true, 0, "Bearer ", 0, 7)
            || authorization.regionMatches(true, 0, "Bot ", 0, 4));
  }

  /**
   * Refuses state-changing requests whose {@code Origin} names another site (OWASP's origin check;
   * defends sign-in, which has no CSRF token yet).
   */
  static final class OriginCheckFilter extends org.springframework.web.filter.OncePerRequestFilter {

    private final ProblemWriter problems;

    OriginCheckFilter(ProblemWriter problems) {
      this.problems = problems;
    }

    @Override
    protected void doFilterInternal(
        HttpServletRequest request,
        jakarta.servlet.http.HttpServletResponse response,
        jakarta.servlet.FilterChain chain)
        throws jakarta.servlet.ServletException, java.io.IOException {
      String origin = request.getHeader("Origin");
      if (origin != null
          && !SAFE_METHODS.contains(request.getMethod())
          && !sameOrigin(origin, request)) {
        problems.write(response, Problems.forbidden("origin", "Cross-site request refused."));
        return;
      }
      chain.doFilter(request, response);
    }

    static boolean sameOrigin(String origin, HttpServletRequest request) {
      String host = request.getHeader("Host");
      if (host == null) {
        return false;
      }
      try {
        java.net.URI o = java.net.URI.create(origin);
        String originHost = o.getPort() == -1 ? o.getHost() : o.getHost() + ":" + o.getPort();
        return originHost != null && originHost.equalsIgnoreCase(host);
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
  }
}
