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
 * @param downloadNetworks addresses and CIDR blocks (IPv4, IPv6) from which members may download;
 *     empty: from anywhere. Musubi manages no devices, so these are the company's managed networks
 * @param downloadDeniedRoles role keys whose holders may not download: built-in admin role codes,
 *     {@code custom:<id>}, or {@link #PLAIN_MEMBERS} for members without any admin role
 */
public record DrivePolicy(
    long memberQuotaBytes,
    long companyQuotaBytes,
    long maxFileBytes,
    int versionsKept,
    int trashRetentionDays,
    boolean outsideLinks,
    List<String> blockedExtensions,
    List<String> downloadNetworks,
    List<String> downloadDeniedRoles) {

  /** The role key that stands for members who hold no admin role (built-in or custom). */
  public static final String PLAIN_MEMBERS = "member";

  public static DrivePolicy defaults() {
    return new DrivePolicy(
        10L << 30, 1L << 40, 5L << 30, 10, 30, true, List.of(), List.of(), List.of());
  }
}
