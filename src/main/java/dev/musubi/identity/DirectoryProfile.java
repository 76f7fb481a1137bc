package dev.musubi.identity;

import java.util.List;

/** A member's profile card: the member and the members reporting to them. */
public record DirectoryProfile(DirectoryMember member, List<DirectoryMember.Person> reports) {}
