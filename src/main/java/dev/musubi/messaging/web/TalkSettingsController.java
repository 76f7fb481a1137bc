package dev.musubi.messaging.web;

import dev.musubi.messaging.TalkPolicies;
import dev.musubi.messaging.TalkSettings;
import dev.musubi.platform.security.CurrentMember;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The company's talk settings: {@code GET /api/v1/talk/settings} for every member, {@code GET/PUT
 * /api/v1/admin/talk-settings} for admins (changes by super admins only).
 */
@RestController
class TalkSettingsController {

  private final TalkPolicies policies;

  TalkSettingsController(TalkPolicies policies) {
    this.policies = policies;
  }

  @GetMapping("/api/v1/talk/settings")
  TalkSettings settings() {
    return policies.of(CurrentMember.get().tenantId());
  }

  /** The built-in stickers and where their images are. */
  record Sticker(String id, String url) {}

  @GetMapping("/api/v1/talk/stickers")
  java.util.List<Sticker> stickers() {
    CurrentMember.get();
    return dev.musubi.messaging.Messages.STICKERS.stream()
        .map(s -> new Sticker(s, "/app/stickers/" + s + ".svg"))
        .toList();
  }

  @GetMapping("/api/v1/admin/talk-settings")
  TalkSettings adminSettings() {
    return policies.forAdmin(CurrentMember.get());
  }

  @PutMapping("/api/v1/admin/talk-settings")
  TalkSettings update(@RequestBody(required = false) TalkPolicies.@Nullable Changes b) {
    return policies.update(
        CurrentMember.get(), b == null ? new TalkPolicies.Changes(null, null, null, null) : b);
  }
}
