package dev.musubi.identity.web;

import dev.musubi.identity.internal.Account;
import dev.musubi.identity.internal.Passkeys;
import dev.musubi.platform.Ids;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.web.Problems;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** My account: profile, password, two-step verification, sessions and personal tokens. */
@RestController
@RequestMapping("/api/v1/me")
class MeController {

  record ProfileChange(
      @Nullable @Size(max = 200) String displayName,
      @Nullable @Size(max = 40) String phone,
      @Nullable @Size(max = 20) String locale,
      @Nullable @Size(max = 60) String timeZone) {}

  record PasswordChange(
      @NotNull @Size(max = 1024) String currentPassword,
      @NotNull @Size(max = 1024) String newPassword) {}

  record Code(@NotBlank @Size(max = 64) String code) {}

  record Password(@NotNull @Size(max = 1024) String password) {}

  record TokenRequest(
      @NotBlank @Size(max = 100) String name,
      @Nullable @Size(max = 5) List<String> scopes,
      @Nullable Integer expiresInDays) {}

  private final Account account;
  private final Passkeys passkeys;
  private final dev.musubi.identity.internal.Reauthentication reauth;

  MeController(
      Account account, Passkeys passkeys, dev.musubi.identity.internal.Reauthentication reauth) {
    this.account = account;
    this.passkeys = passkeys;
    this.reauth = reauth;
  }

  /**
   * Re-enter the password: sensitive admin changes (security settings) need a sign-in or this
   * within the last minutes.
   */
  @PostMapping("/reauthenticate")
  ResponseEntity<Void> reauthenticate(@Valid @RequestBody Password body) {
    reauth.reauthenticate(CurrentMember.get(), body.password());
    return ResponseEntity.noContent().build();
  }

  @GetMapping
  Account.Me me() {
    return account.me(CurrentMember.get());
  }

  @PatchMapping
  Account.Me update(@Valid @RequestBody ProfileChange body) {
    return account.updateProfile(
        CurrentMember.get(), body.displayName(), body.phone(), body.locale(), body.timeZone());
  }

  @PostMapping("/password")
  ResponseEntity<Void> password(@Valid @RequestBody PasswordChange body) {
    account.changePassword(CurrentMember.get(), body.currentPassword(), body.newPassword());
    return ResponseEntity.noContent().build();
  }

  @PostMapping("/mfa/totp/setup")
  Account.TotpSetup totpSetup() {
    return account.startTotp(CurrentMember.get());
  }

  @PostMapping("/mfa/totp/activate")
  Map<String, List<String>> totpActivate(@Valid @RequestBody Code body) {
    return Map.of("recoveryCodes", account.activateTotp(CurrentMember.get(), body.code()));
  }

  @PostMapping("/mfa/totp/disable")
  ResponseEntity<Void> totpDisable(@Valid @RequestBody Password body) {
    account.disableTotp(CurrentMember.get(), body.password());
    return ResponseEntity.noContent().build();
  }

  @PostMapping("/mfa/recovery-codes")
  Map<String, List<String>> recoveryCodes(@Valid @RequestBody Password body) {
    return Map.of(
        "recoveryCodes", account.regenerateRecoveryCodes(CurrentMember.get(), body.password()));
  }

  @GetMapping("/sessions")
  List<Account.SessionView> sessions() {
    return account.sessions(CurrentMember.get());
  }

  @DeleteMapping("/sessions/{id}")
  ResponseEntity<Void> endSession(@PathVariable String id) {
    account.endSession(CurrentMember.get(), uuid(id));
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/passkeys")
  List<Passkeys.PasskeyView> passkeys() {
    return passkeys.list(CurrentMember.get());
  }

  @DeleteMapping("/passkeys/{id}")
  ResponseEntity<Void> removePasskey(@PathVariable String id) {
    if (id.length() > 1400) {
      throw Problems.notFound();
    }
    passkeys.remove(CurrentMember.get(), id);
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/tokens")
  List<Account.TokenView> tokens() {
    return account.tokens(CurrentMember.get());
  }

  @PostMapping("/tokens")
  ResponseEntity<Account.NewToken> createToken(@Valid @RequestBody TokenRequest body) {
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(
            account.createToken(
                CurrentMember.get(), body.name(), body.scopes(), body.expiresInDays()));
  }

  @DeleteMapping("/tokens/{id}")
  ResponseEntity<Void> revokeToken(@PathVariable String id) {
    account.revokeToken(CurrentMember.get(), uuid(id));
    return ResponseEntity.noContent().build();
  }

  static UUID uuid(String id) {
    UUID u = Ids.parseOrNull(id);
    if (u == null) {
      throw Problems.notFound();
    }
    return u;
  }
}
