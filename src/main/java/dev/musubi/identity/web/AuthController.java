package dev.musubi.identity.web;

import dev.musubi.identity.internal.Account;
import dev.musubi.identity.internal.ClientInfo;
import dev.musubi.identity.internal.SessionCookies;
import dev.musubi.identity.internal.SignIn;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.web.RequestInfo;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Sign-in, second factor, sign-out and the CSRF token for the web client. */
@RestController
@RequestMapping("/api/v1/auth")
class AuthController {

  record LoginRequest(
      @NotBlank @Size(max = 320) String loginId, @NotNull @Size(max = 1024) String password) {}

  record MfaRequest(@NotBlank @Size(max = 64) String code) {}

  record ResetRequest(@NotNull @Size(max = 200) String token, @Size(max = 1024) String password) {}

  record Status(String status, java.util.@org.jspecify.annotations.Nullable List<String> methods) {
    Status(String status) {
      this(status, null);
    }
  }

  private final SignIn signIn;
  private final Account account;
  private final RequestInfo requestInfo;
  private final dev.musubi.identity.MemberLifecycle lifecycle;

  AuthController(
      SignIn signIn,
      Account account,
      RequestInfo requestInfo,
      dev.musubi.identity.MemberLifecycle lifecycle) {
    this.lifecycle = lifecycle;
    this.signIn = signIn;
    this.account = account;
    this.requestInfo = requestInfo;
  }

  @PostMapping("/login")
  Status login(
      @Valid @RequestBody LoginRequest body,
      HttpServletRequest request,
      HttpServletResponse response) {
    SignIn.Outcome outcome = signIn.password(body.loginId(), body.password(), client(request));
    SessionCookies.write(request, response, outcome.session().secret());
    return switch (outcome) {
      case SignIn.SignedIn s -> new Status("ok");
      case SignIn.SecondFactorRequired r -> new Status("mfa_required", r.methods());
    };
  }

  @PostMapping("/mfa")
  Status mfa(
      @Valid @RequestBody MfaRequest body,
      HttpServletRequest request,
      HttpServletResponse response) {
    SignIn.Outcome outcome =
        signIn.secondFactor(SessionCookies.read(request), body.code(), client(request));
    SessionCookies.write(request, response, outcome.session().secret());
    return new Status("ok");
  }

  @PostMapping("/logout")
  ResponseEntity<Void> logout(HttpServletRequest request, HttpServletResponse response) {
    CurrentMember.find()
        .filter(p -> p.sessionId() != null)
        .ifPresent(p -> account.logout(p.tenantId(), p.memberId(), p.loginId(), p.sessionId()));
    SessionCookies.clear(request, response);
    return ResponseEntity.noContent().build();
  }

  /**
   * Sets a new password with a one-time link an admin created. 409 when the link is used, replaced
   * or expired; 422 with field errors when the password breaks the rules (the link stays usable).
   */
  @PostMapping("/password-reset")
  ResponseEntity<Void> passwordReset(@Valid @RequestBody ResetRequest body) {
    lifecycle.resetPassword(body.token(), body.password());
    return ResponseEntity.noContent().build();
  }

  /** Hands the web client its CSRF token (also set as the XSRF-TOKEN cookie). */
  @GetMapping("/csrf")
  Map<String, String> csrf(CsrfToken token) {
    return Map.of("token", token.getToken(), "headerName", token.getHeaderName());
  }

  private ClientInfo client(HttpServletRequest request) {
    return new ClientInfo(requestInfo.clientIp(request), requestInfo.userAgent(request));
  }
}
