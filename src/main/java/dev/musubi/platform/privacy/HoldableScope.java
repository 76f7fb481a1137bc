package dev.musubi.platform.privacy;

import java.util.UUID;

/**
 * A kind of thing a legal hold can name ({@code member}, {@code room}); the module that owns it
 * says whether an ID exists in a company, so that a hold never names another company's data.
 */
public interface HoldableScope {

  /** {@code member} or {@code room}. */
  String scopeType();

  /** Whether the company has such a thing with this ID. */
  boolean exists(UUID companyId, UUID id);
}
