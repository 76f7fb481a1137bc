package dev.musubi.admin.web;

import dev.musubi.admin.Alerts;
import dev.musubi.platform.PageResult;
import dev.musubi.platform.security.CurrentMember;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/admin/alerts}: alerts to the company's security admins. */
@RestController
@RequestMapping("/api/v1/admin/alerts")
class AdminAlertsController {

  private final Alerts alerts;

  AdminAlertsController(Alerts alerts) {
    this.alerts = alerts;
  }

  @GetMapping
  PageResult<Alerts.Alert> list(
      @RequestParam(defaultValue = "false") boolean open,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "50") int size) {
    return alerts.list(CurrentMember.get(), open, page, size);
  }

  @GetMapping("/country-status")
  Alerts.CountryAlerts countryStatus() {
    return alerts.countryAlerts(CurrentMember.get());
  }

  @PostMapping("/{id}/acknowledge")
  Alerts.Alert acknowledge(@PathVariable String id) {
    return alerts.acknowledge(CurrentMember.get(), AdminMembersController.uuid(id));
  }
}
