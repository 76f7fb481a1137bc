package dev.musubi.identity;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** A partial update of a member: null fields stay as they are. The login ID never changes. */
public record MemberChanges(
    @Nullable String displayName,
    @Nullable String familyName,
    @Nullable String givenName,
    @Nullable String familyNameReading,
    @Nullable String givenNameReading,
    @Nullable String email,
    @Nullable String phone,
    @Nullable String locale,
    @Nullable String timeZone,
    @Nullable List<String> roles,
    @Nullable List<NewMember.Placement> departments) {}
