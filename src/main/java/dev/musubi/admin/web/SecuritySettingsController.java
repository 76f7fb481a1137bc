package dev.musubi.admin.web;

import dev.musubi.identity.SecurityPolicies;
import dev.musubi.identity.SecurityPolicy;
import dev.musubi.platform.security.CurrentMember;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/admin/security-settings}: the company's security policy. */
@RestController
@RequestMapping("/api/v1/admin/security-settings")
class SecuritySettingsController {

  private final SecurityPolicies policies;

  SecuritySettingsController(SecurityPolicies policies) {
    this.policies = policies;
  }

  @GetMapping
  SecurityPolicy get() {
    return policies.get(CurrentMember.get());
  }

  @PutMapping
  SecurityPolicy put(@RequestBody SecurityPolicy policy) {
    return policies.update(CurrentMember.get(), policy);
  }
}
