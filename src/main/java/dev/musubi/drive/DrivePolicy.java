package dev.musubi.drive;

import java.util.List;

/**
 * The company's drive settings.
 *
 * @param memberQuotaBytes bytes each member's personal drive may hold (versions and trash count)
 * @param companyQuotaBytes bytes all drives of the company may hold
 * @param maxFileBytes the largest single upload
 * @param versionsKept how many versions of a file are kept (older ones are dropped)
 * @param trashRetentionDays days an item stays in the trash before it is removed for good
 * @param outsideLinks whether members may create sharing links for people outside the company
 * @param blockedExtensions file extensions (lower case, no dot) that may not be uploaded or shared
 */
public record DrivePolicy(
    long memberQuotaBytes,
    long companyQuotaBytes,
    long maxFileBytes,
    int versionsKept,
    int trashRetentionDays,
    boolean outsideLinks,
    List<String> blockedExtensions) {

  public static DrivePolicy defaults() {
    return new DrivePolicy(10L << 30, 1L << 40, 5L << 30, 10, 30, true, List.of());
  }
}
