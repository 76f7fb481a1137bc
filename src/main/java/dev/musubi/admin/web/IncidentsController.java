package dev.musubi.admin.web;

import dev.musubi.admin.Incidents;
import dev.musubi.platform.PageResult;
import dev.musubi.platform.security.CurrentMember;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/incidents}: any member reports; the company's security admins list. {@code
 * /api/v1/operator/incidents}: the operator's summary across companies.
 */
@RestController
class IncidentsController {

  record IncidentRequest(
      @Nullable @Size(max = 40) String category,
      @Nullable @Size(max = 400) String summary,
      @Nullable @Size(max = 8000) String details) {}

  private final Incidents incidents;

  IncidentsController(Incidents incidents) {
    this.incidents = incidents;
  }

  @PostMapping("/api/v1/incidents")
  ResponseEntity<Incidents.Incident> report(@Valid @RequestBody IncidentRequest b) {
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(incidents.report(CurrentMember.get(), b.category(), b.summary(), b.details()));
  }

  @GetMapping("/api/v1/incidents")
  PageResult<Incidents.Incident> list(
      @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
    return incidents.list(CurrentMember.get(), page, size);
  }

  @GetMapping("/api/v1/operator/incidents")
  List<Incidents.OperatorIncident> operator() {
    return incidents.forOperator(CurrentMember.get());
  }
}
