package dev.musubi.admin.web;

import dev.musubi.identity.AccessReview;
import dev.musubi.identity.AdminSettings;
import dev.musubi.platform.PageResult;
import dev.musubi.platform.security.CurrentMember;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/admin/access-review}: the report and review cycles; {@code
 * /api/v1/admin/alert-settings}: thresholds for alerts and the dormant flag.
 */
@RestController
@RequestMapping("/api/v1/admin")
class AccessReviewController {

  record SettingsRequest(
      @Nullable Integer failedSignInThreshold,
      @Nullable Integer failedSignInWindowMinutes,
      @Nullable Integer dormantDays,
      @Nullable Integer massDownloadThreshold,
      @Nullable Integer massDeletionThreshold,
      @Nullable Integer massWindowMinutes,
      @Nullable Integer newCountryDays) {}

  record CycleRequest(@Nullable @Size(max = 400) String name) {}

  record DecisionRequest(
      @Nullable UUID memberId,
      @Nullable @Size(max = 20) String decision,
      @Nullable @Size(max = 1000) String note) {}

  private final AccessReview review;
  private final AdminSettings settings;

  AccessReviewController(AccessReview review, AdminSettings settings) {
    this.review = review;
    this.settings = settings;
  }

  @GetMapping("/access-review")
  PageResult<AccessReview.Entry> report(
      @RequestParam(required = false) @Nullable String cycleId,
      @RequestParam(defaultValue = "false") boolean dormant,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "100") int size) {
    return review.report(
        CurrentMember.get(),
        cycleId == null ? null : AdminMembersController.uuid(cycleId),
        dormant,
        page,
        size);
  }

  @GetMapping("/access-review/cycles")
  List<AccessReview.Cycle> cycles() {
    return review.cycles(CurrentMember.get());
  }

  @PostMapping("/access-review/cycles")
  ResponseEntity<AccessReview.Cycle> start(@Valid @RequestBody CycleRequest b) {
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(review.start(CurrentMember.get(), b.name()));
  }

  @GetMapping("/access-review/cycles/{id}")
  AccessReview.Cycle cycle(@PathVariable String id) {
    return review.cycle(CurrentMember.get(), AdminMembersController.uuid(id));
  }

  @PostMapping("/access-review/cycles/{id}/decisions")
  AccessReview.Cycle decide(@PathVariable String id, @Valid @RequestBody DecisionRequest b) {
    return review.decide(
        CurrentMember.get(), AdminMembersController.uuid(id), b.memberId(), b.decision(), b.note());
  }

  @PostMapping("/access-review/cycles/{id}/close")
  AccessReview.Cycle close(@PathVariable String id) {
    return review.close(CurrentMember.get(), AdminMembersController.uuid(id));
  }

  @GetMapping("/alert-settings")
  AdminSettings.Settings alertSettings() {
    return settings.get(CurrentMember.get());
  }

  @PutMapping("/alert-settings")
  AdminSettings.Settings updateAlertSettings(@RequestBody SettingsRequest s) {
    return settings.update(
        CurrentMember.get(),
        s.failedSignInThreshold(),
        s.failedSignInWindowMinutes(),
        s.dormantDays(),
        s.massDownloadThreshold(),
        s.massDeletionThreshold(),
        s.massWindowMinutes(),
        s.newCountryDays());
  }
}
