package dev.musubi.identity.web;

import dev.musubi.identity.Companies;
import dev.musubi.identity.internal.Bootstrap;
import dev.musubi.platform.web.Problems;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** First-start setup through the web client, guarded by the one-time link from the log. */
@RestController
@RequestMapping("/api/v1/setup")
class SetupController {

  record SetupRequest(
      @NotBlank @Size(max = 100) String token,
      @NotBlank @Size(max = 200) String companyName,
      @NotBlank @Size(max = 253) String domain,
      @NotBlank @Size(max = 320) String adminLoginId,
      @NotNull @Size(max = 1024) String adminPassword,
      @Nullable @Size(max = 1024) String operatorPassword) {}

  record SetupDone(UUID companyId, String adminLoginId) {}

  private final Bootstrap bootstrap;
  private final Companies companies;

  SetupController(Bootstrap bootstrap, Companies companies) {
    this.bootstrap = bootstrap;
    this.companies = companies;
  }

  @GetMapping
  Map<String, Boolean> status() {
    return Map.of("needed", bootstrap.setupNeeded());
  }

  @PostMapping
  ResponseEntity<SetupDone> setup(@Valid @RequestBody SetupRequest body) {
    if (!bootstrap.setupNeeded() || !bootstrap.consumeSetupToken(body.token())) {
      throw Problems.forbidden("setup-token", "The setup link is not valid or was already used.");
    }
    Companies.Created created;
    try {
      created =
          companies.create(
              body.companyName(),
              body.domain(),
              body.adminLoginId(),
              body.adminPassword(),
              null,
              "setup");
    } catch (RuntimeException e) {
      bootstrap.restoreSetupToken(body.token());
      throw e;
    }
    if (body.operatorPassword() != null && !body.operatorPassword().isBlank()) {
      bootstrap.ensureOperator(body.operatorPassword());
    }
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(new SetupDone(created.company().id(), created.admin().loginId()));
  }
}
