package dev.musubi.messaging.web;

import dev.musubi.messaging.internal.MentionDigest;
import dev.musubi.platform.security.CurrentMember;
import dev.musubi.platform.security.MemberPrincipal;
import dev.musubi.platform.web.Problems;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The signed-in member's own Talk preferences: {@code GET/PUT /api/v1/me/talk-preferences} with
 * {@code mentionDigest} (mail me unread mentions while I am away).
 */
@RestController
class TalkPreferencesController {

  record Preferences(@Nullable Boolean mentionDigest) {}

  private final MentionDigest digest;

  TalkPreferencesController(MentionDigest digest) {
    this.digest = digest;
  }

  @GetMapping("/api/v1/me/talk-preferences")
  Preferences get() {
    return new Preferences(digest.enabled(CurrentMember.get().memberId()));
  }

  @PutMapping("/api/v1/me/talk-preferences")
  Preferences put(@RequestBody(required = false) @Nullable Preferences b) {
    MemberPrincipal me = CurrentMember.get();
    if (b == null || b.mentionDigest() == null) {
      throw Problems.invalid("mentionDigest", "required", "Say true or false.");
    }
    digest.setEnabled(me.tenantId(), me.memberId(), b.mentionDigest());
    return get();
  }
}
