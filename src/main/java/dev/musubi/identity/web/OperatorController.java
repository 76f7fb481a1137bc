package dev.musubi.identity.web;

import dev.musubi.identity.Companies;
import dev.musubi.identity.Company;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.security.MemberPrincipal;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The hosting operator manages companies (only the operator account may call this). */
@RestController
@RequestMapping("/api/v1/operator/companies")
class OperatorController {

  record CreateCompany(
      @NotBlank @Size(max = 200) String name,
      @NotBlank @Size(max = 253) String domain,
      @NotBlank @Size(max = 320) String adminLoginId,
      @NotNull @Size(max = 1024) String adminPassword) {}

  record CreatedCompany(UUID id, String name, String domain, UUID adminId, String adminLoginId) {}

  private final Companies companies;

  OperatorController(Companies companies) {
    this.companies = companies;
  }

  @PostMapping
  ResponseEntity<CreatedCompany> create(@Valid @RequestBody CreateCompany body) {
    MemberPrincipal operator = CurrentMember.get();
    Companies.Created created =
        companies.create(
            body.name(),
            body.domain(),
            body.adminLoginId(),
            body.adminPassword(),
            operator.memberId(),
            operator.loginId());
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(
            new CreatedCompany(
                created.company().id(),
                created.company().name(),
                created.company().domain(),
                created.admin().id(),
                created.admin().loginId()));
  }

  @GetMapping
  List<Company> list() {
    return companies.list();
  }
}
