package dev.musubi.identity;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * An admin role (built-in or custom) was granted to a member. Published inside the granting
 * transaction; the admin module raises an alert to the company's security admins.
 *
 * @param role the built-in role code, or {@code custom:<name>} for a custom role
 */
public record AdminRoleGranted(
    UUID tenantId,
    UUID memberId,
    String memberLogin,
    String role,
    @Nullable UUID grantedBy,
    String grantedByLogin) {}
